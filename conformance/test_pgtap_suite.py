"""The pgTAP suite (supabase/tests/*.sql) run against each migrated database, one subtest per assertion.

Each assertion proves the requirements its description starts with ("TEST-1, AC-3: ..."): its
subtest is filed under them, and a failing one fails only those. The file-level test fails if the
file stopped early or ran another number of assertions than it planned, and then fails every
requirement the file states (what it did not run is not proven).
"""

import re

import pytest

from certlog.paths import PGTAP_TESTS
from certlog.plugin.record import stated_requirements
from certlog.settings import PRIVILEGE_MODES

FILES = sorted(PGTAP_TESTS.glob("*.sql"))
TASK_TESTS = ("TEST-1", "TEST-2", "TEST-3")  # the three pgTAP tests the task asks for, by name


def _stated(path) -> list[str]:
    """Every requirement some assertion of the file states (its string literals that start with ids)."""
    code = re.sub(r"--[^\n]*", "", path.read_text())
    literals = re.findall(r"'((?:[^']|'')*)'", code)
    return sorted({r for literal in literals for r in stated_requirements(literal)})


def _needs(path) -> list:
    """A file that queries pg_cron's tables needs pg_cron on the server."""
    return [pytest.mark.needs("pg_cron")] if "cron.job" in path.read_text() else []


def _describe(result) -> str:
    return f"ok {result.number} - {result.description}\n{result.diagnostics}".strip()


@pytest.mark.parametrize("mode", PRIVILEGE_MODES)
@pytest.mark.parametrize("path", [pytest.param(p, marks=[pytest.mark.requirement(*_stated(p)), *_needs(p)], id=p.name)
                                  for p in FILES])
def test_pgtap_file_passes_every_assertion(pgtap_runs, path, mode, subtests):
    run = pgtap_runs[(path.name, mode)]
    for result in run.results:
        with subtests.test(msg=f"supabase/tests/{path.name} [{mode}] #{result.number}: {result.description}"):
            assert result.ok, _describe(result)
    assert not run.bail, f"{path.name} stopped early: {run.bail}"
    assert run.planned == len(run.results), f"{path.name} planned {run.planned} tests, ran {len(run.results)}"


@pytest.mark.parametrize("requirement", [pytest.param(r, marks=pytest.mark.requirement(r)) for r in TASK_TESTS])
def test_the_task_names_a_pgtap_assertion_for(pgtap_runs, requirement):
    found = {mode: [r for (_, in_mode), run in pgtap_runs.items() if in_mode == mode for r in run.results
                    if requirement in stated_requirements(r.description)] for mode in PRIVILEGE_MODES}
    assert all(found.values()), f"expected a pgTAP assertion stating {requirement} in every database: {found}"
    assert all(r.ok for results in found.values() for r in results), [_describe(r) for results in found.values()
                                                                      for r in results if not r.ok]
