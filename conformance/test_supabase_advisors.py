"""PLAT-2: Supabase's advisors (`supabase db advisors`, splinter) as the linter of record.

They run on the migrated database after the seeded workload (so `unused_index` judges something), with the
schemas PostgREST exposes there; every lint they report goes into the evidence with its level. A control copy
given one fault per lint shows they can fail the suite, and that the API-exposure lints judge what is exposed.
"""

import pytest

from certlog.model import advisors
from certlog.model.evidence import CliStep, LinterCheck

CONTROL_FAULTS = {  # lint -> the object advisors_control.sql gives it
    "unindexed_foreign_keys": "certlog_control_child_parent_id_fkey",
    "function_search_path_mutable": "public.certlog_control_mutable",
    "rls_disabled_in_public": "public.certlog_control_exposed",
}


def _step(step: str, run, *, expect_failure: bool = False) -> CliStep:
    return CliStep(step=step, command=run.command, exit_code=run.exit_code, seconds=round(run.seconds, 2),
                   output=run.output, expect_failure=expect_failure)


def _record(evidence, found: list[advisors.Lint]) -> None:
    evidence.put(*[LinterCheck(check=name, level=level, offending=[lint.detail for lint in lints],
                               source="supabase db advisors", fails=advisors.fails(name, level))
                   for name, level, lints in advisors.by_lint(found)])


@pytest.mark.cli_step("db advisors")
@pytest.mark.requirement("PLAT-2")
def test_advisors_report_nothing_at_warn_or_above(cli_step, evidence):
    run = cli_step.run
    evidence.put(_step("db advisors", run))
    assert run.ok, run.output
    found = advisors.lints(run.json())
    _record(evidence, found)
    failing = [f"{lint.level} {lint.name}: {lint.detail}" for lint in advisors.failing(found)]
    assert failing == [], "\n".join(failing)


@pytest.mark.cli_step("db advisors")
@pytest.mark.requirement("PLAT-2")
def test_advisors_fail_on_an_unindexed_foreign_key_a_mutable_search_path_and_an_exposed_table(cli_step, evidence):
    """advisors_control.sql's faults: each is a failing lint, and the table in a schema PostgREST does not expose
    is not (the API-exposure lints read the exposed schemas, as on hosted Supabase)."""
    run = cli_step.control
    evidence.put(_step("db advisors (control: faults)", run, expect_failure=True))
    assert run.ok, run.output
    failing = advisors.failing(advisors.lints(run.json()))
    found = {name: [lint.detail for lint in failing if lint.name == name] for name in CONTROL_FAULTS}
    assert all(len(details) == 1 and f"`{CONTROL_FAULTS[name]}`" in details[0] for name, details in found.items()) \
        and len(failing) == len(CONTROL_FAULTS), run.output
    assert "certlog_control_unexposed" not in run.output


@pytest.mark.cli_step("db advisors")
@pytest.mark.requirement("PLAT-2")
def test_the_kept_catalog_check_finds_a_security_definer_function_clients_can_run(cli_step):
    """The advisors of CLI 3.1.0 have no lint for it (hosted Supabase's 0028/0029): the catalog query stays."""
    assert cli_step.security_definer_executable == ["certlog_control_definer() by anon",
                                                    "certlog_control_definer() by authenticated"]
    assert "certlog_control_definer" not in cli_step.control.output
