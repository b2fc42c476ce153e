"""TEST-1..3 and the whole pgTAP suite: supabase/tests/*.sql run against the migrated database.

Every TAP assertion is reported as its own subtest with its description; a failing
line fails the test and names itself.
"""

import pytest

from certlog.paths import PGTAP_TESTS
from certlog.settings import PRIVILEGE_MODES

FILES = sorted(p.name for p in PGTAP_TESTS.glob("*.sql"))
TASK_TESTS = {
    "TEST-1": "a second row with the same idempotency_key raises unique_violation",
    "TEST-2": "deleting a certification cascades to delete its notification log rows",
    "TEST-3": "an invalid notification_type raises check_violation",
}


def _describe(result) -> str:
    return f"ok {result.number} - {result.description}\n{result.diagnostics}".strip()


@pytest.mark.requirement("AC-1", "AC-2", "AC-3", "AC-5", "AC-6", "SEC-1", "SEC-2")
@pytest.mark.parametrize("mode", PRIVILEGE_MODES)
@pytest.mark.parametrize("file", FILES)
def test_pgtap_file_passes_every_assertion(pgtap_runs, file, mode, subtests):
    run = pgtap_runs[(file, mode)]
    for result in run.results:
        with subtests.test(msg=f"{file} #{result.number}: {result.description}"):
            assert result.ok, _describe(result)
    assert not run.bail, f"{file} stopped early: {run.bail}"
    assert run.planned == len(run.results), f"{file} planned {run.planned} tests, ran {len(run.results)}"
    failed = [_describe(r) for r in run.results if not r.ok]
    assert failed == []


@pytest.mark.parametrize("requirement", [pytest.param(r, marks=pytest.mark.requirement(r)) for r in sorted(TASK_TESTS)])
def test_task_pgtap_test(pgtap_runs, requirement):
    found = [r for run in pgtap_runs.values() for r in run.results if r.description == TASK_TESTS[requirement]]
    assert len(found) == len(PRIVILEGE_MODES), f"no pgTAP assertion described {TASK_TESTS[requirement]!r}"
    assert all(r.ok for r in found), [_describe(r) for r in found]
