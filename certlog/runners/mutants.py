"""Mutation testing of the suite: every broken migration in mutants/catalogue.toml must turn it red.

Two worker processes (one per core), each with its own server and base database, run the
suite in-process once per mutant: templates built from the mutated migrations, then the
tests, stopping at the first failure (the suite has caught it). The unmutated migrations
(the control) run the whole suite and must pass, or no kill counts. Mutants marked
`pgtap = true` must also be caught by the pgTAP suite on its own: the pytest pgTAP run and
`supabase test db` (pg_prove) run first and must both fail. Mutants marked `upgrade_only = true` must break
only the upgrade path: they run the whole suite, and only the upgrade chain's tests may fail.
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import shutil
import tomllib
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

from certlog.errors import CertlogError
from certlog.gate_steps import WORK_CHECKS
from certlog.model.requirements import FAIL, NOT_RUN
from certlog.paths import ROOT, TABLE_MIGRATION, migration_files
from certlog.reporting import diagnosis
from certlog.reporting.diagnosis import Diagnosis
from certlog.reporting.verdicts import verdicts_of
from certlog.runners.workers import worker_pool
from certlog.settings import Settings

CATALOGUE = ROOT / "mutants" / "catalogue.toml"
PGTAP_GROUP = ("conformance/test_pgtap_suite.py::test_pgtap_file_passes_every_assertion",
               "conformance/test_supabase_cli.py::test_supabase_test_db_passes_supabase_tests_unchanged")
CLI_TEST_DB = PGTAP_GROUP[1]
UPGRADE_CHAIN = "conformance/test_upgrade_chain.py"


class StaleMutant(CertlogError):
    exit_code = 2


@dataclass(frozen=True)
class Mutant:
    id: str
    breaks: str
    edits: list[dict]
    pgtap: bool = False  # the pgTAP suite alone (pytest's pgTAP run, and pg_prove through the CLI) must catch it
    upgrade_only: bool = False  # only the upgrade chain may catch it: a fresh apply passes everything else
    file: str = TABLE_MIGRATION  # which migration the edits apply to (a glob)

    def apply(self, name: str, text: str) -> tuple[str, str]:
        """The mutated file: its name (a `rename` edit changes it) and its text."""
        for edit in self.edits:
            if "rename" in edit:
                name = edit["rename"]
                continue
            if "append" in edit:
                text = text.rstrip("\n") + "\n\n" + edit["append"]
                continue
            found = text.count(edit["replace"])
            if found != 1:
                raise StaleMutant(f"mutant {self.id}: the text to replace occurs {found} times in {name} "
                                  f"(expected once); update mutants/catalogue.toml:\n{edit['replace']}")
            text = text.replace(edit["replace"], edit["with"])
        return name, text

    def write(self, source: Path, target: Path) -> None:
        """The migrations directory with this mutant applied to its file; every other file as it is."""
        matches = sorted(source.glob(self.file))
        if len(matches) != 1:
            raise StaleMutant(f"mutant {self.id}: file {self.file!r} matches {len(matches)} migrations in {source}")
        target.mkdir(parents=True)
        for path in migration_files(source):
            if path == matches[0]:
                name, text = self.apply(path.name, path.read_text())
                (target / name).write_text(text)
            else:
                shutil.copy2(path, target / path.name)


CONTROL = Mutant("control (unmutated)", "nothing", [])


@dataclass(frozen=True)
class Outcome:
    id: str
    breaks: str
    killed: bool
    exit_code: int
    caught_by: list[str]
    seconds: float
    pgtap_alone: str = ""  # for pgtap mutants: whether the pytest pgTAP run and supabase test db failed; for
    # upgrade-only ones, what else failed
    passed: int = 0
    skipped: int = 0
    message: str = ""  # what the first failing test said
    skip_reasons: list[str] = dataclasses.field(default_factory=list)  # "`node id`: why", per skipped test
    diagnosis: Diagnosis | None = None  # for a run of the whole suite: the requirements it turned FAIL


def catalogue(path: Path = CATALOGUE) -> list[Mutant]:
    return [Mutant(**m) for m in tomllib.loads(path.read_text())["mutant"]]


# --- the workers ---------------------------------------------------------------------------------

_worker: dict = {}


def _start_worker(settings: Settings) -> None:
    """One server, its roles and a base database for every session this worker runs."""
    from certlog.session.harness import Harness

    devnull = os.open(os.devnull, os.O_WRONLY)  # the sessions' own output would interleave with the runner's
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    rig = Harness.open(settings, lambda message: None)
    atexit.register(rig.close)
    _worker["provided"] = rig.provide(with_base=True, lazy=True)
    _worker["settings"] = settings


def _run_one(mutant: Mutant, migrations: Path, reports: Path, diagnose: bool) -> Outcome:
    from certlog.plugin.inprocess import run_session
    from certlog.plugin.record import stated_requirements

    settings = dataclasses.replace(_worker["settings"].shorter_year(), migrations_dir=migrations, report_dir=reports)
    control = mutant.id == CONTROL.id
    whole = control or mutant.upgrade_only or diagnose  # every test runs: nothing stops at the first failure
    args = ["-m", "not repository"]
    if not whole and not mutant.pgtap:
        args += ["--deselect", CLI_TEST_DB]  # pg_prove through the CLI is needed only where pgTAP must catch it
    if not diagnose:  # counting every hot path's work costs seconds a run: the suite counts the unmutated
        args += ["--deselect", WORK_CHECKS]  # migrations' work, and what a mutant breaks other tests catch first
    first = PGTAP_GROUP if mutant.pgtap else (UPGRADE_CHAIN,) if mutant.upgrade_only else ()
    provided = dataclasses.replace(_worker["provided"], lazy=not whole)  # a whole run builds everything at once
    outcome = run_session(settings, provided, "mutants", extra=tuple(args), stop_after_first=not whole,
                          first=first, suspects=tuple(stated_requirements(mutant.breaks)))
    stopped = " ".join(line for line in outcome.stopped.splitlines() if line.strip() and "[Y/n]" not in line)
    caught_by = outcome.failed or ([f"the session stopped: {stopped[:300]}"] if stopped else [])
    killed = outcome.exit_code != 0
    alone = ""
    if mutant.pgtap:
        pytest_pgtap = any(n.startswith(PGTAP_GROUP[0]) for n in outcome.failed)
        cli_test_db = any(n.startswith(CLI_TEST_DB) for n in outcome.failed)
        alone = (f"pytest pgTAP run {'failed' if pytest_pgtap else 'PASSED'}; "
                 f"supabase test db {'failed' if cli_test_db else 'PASSED'}")
        killed = killed and pytest_pgtap and cli_test_db
    if mutant.upgrade_only:
        elsewhere = [n for n in caught_by if not n.startswith(UPGRADE_CHAIN)]
        alone = "only the upgrade chain failed" if not elsewhere else f"a fresh apply FAILED too: {elsewhere[:2]}"
        killed = killed and bool(caught_by) and not elsewhere
    return Outcome(mutant.id, mutant.breaks, killed, outcome.exit_code, caught_by, outcome.seconds, alone,
                   outcome.passed, outcome.skipped, outcome.first_message, outcome.skip_reasons,
                   _diagnosis(mutant, outcome.evidence) if whole else None)


def _diagnosis(mutant: Mutant, evidence) -> Diagnosis:
    from certlog.plugin.record import stated_requirements

    verdicts = verdicts_of(evidence)
    failing = tuple((v.requirement.id, _first_failure(v.tests)) for v in verdicts if v.verdict == FAIL)
    return Diagnosis(mutant.id, frozenset(stated_requirements(mutant.breaks)),
                     frozenset(v.requirement.id for v in verdicts if v.verdict == FAIL),
                     frozenset(v.requirement.id for v in verdicts if v.verdict == NOT_RUN), failing)


def _first_failure(tests) -> str:
    failed = [t for t in tests if t.outcome != "passed"]
    if not failed:
        return "no test failed"
    message = " ".join(failed[0].message.split())[:160].replace("|", "\\|")
    return f"`{failed[0].nodeid}` ({len(failed)} failing): {message}"


# --- the runner ----------------------------------------------------------------------------------


def run_all(mutants: list[Mutant], settings: Settings, scratch: Path, *, workers: int = 2, diagnose: bool = False,
            say=print) -> tuple[Outcome, list[Outcome]]:
    jobs = [CONTROL, *mutants]
    for index, mutant in enumerate(jobs):  # every mutant must apply before anything runs
        mutant.write(settings.migrations_dir, scratch / f"{index:02d}" / "migrations")
    outcomes: dict[str, Outcome] = {}
    with worker_pool(workers, initializer=_start_worker, initargs=(settings,)) as pool:
        futures = {pool.submit(_run_one, mutant, scratch / f"{index:02d}" / "migrations",
                               scratch / f"{index:02d}" / "reports", diagnose): mutant
                   for index, mutant in enumerate(jobs)}
        for done, future in enumerate(as_completed(futures), 1):
            outcome = future.result()
            outcomes[outcome.id] = outcome
            verdict = ("passes" if not outcome.killed else "FAILS") if outcome.id == CONTROL.id else (
                "caught" if outcome.killed else "SURVIVED")
            say(f"[{done}/{len(jobs)}] {outcome.id}: {verdict} ({outcome.seconds:.1f}s)"
                + (f" by {outcome.caught_by[0]}" if outcome.caught_by and outcome.killed else "")
                + (f"; {outcome.pgtap_alone}" if outcome.pgtap_alone else "")
                + (f"\n      {outcome.message[:200]}" if outcome.message and outcome.killed else ""))
    control = outcomes.pop(CONTROL.id)
    return control, [outcomes[m.id] for m in mutants]


def markdown(control: Outcome, outcomes: list[Outcome]) -> str:
    killed = sum(o.killed for o in outcomes)
    lines = [f"# Mutation testing: {killed} of {len(outcomes)} broken migrations caught", "",
             f"Control (unmutated migrations): {control.passed} tests and subtests passed, {control.skipped} skipped, "
             + ("**passes**" if not control.killed else "**FAILS**: " + ", ".join(control.caught_by[:5])),
             *(["", *(f"- skipped in the control: {reason}" for reason in control.skip_reasons)]
               if control.skip_reasons else []),
             "", "| Mutant | Breaks | Verdict | Caught by (first failing tests) | Alone (pgTAP; upgrade) | Seconds |",
             "|---|---|---|---|---|---|"]
    for o in outcomes:
        caught = "<br>".join(f"`{n}`" for n in o.caught_by[:3])
        lines.append(f"| `{o.id}` | {o.breaks} | {'caught' if o.killed else '**SURVIVED**'} | {caught} | "
                     f"{o.pgtap_alone} | {o.seconds:.1f} |")
    return "\n".join(lines) + "\n"


def main(settings: Settings, only: list[str] | None, *, diagnose: bool = False, say=print) -> int:
    from certlog.provision.tempdirs import TempDir

    chosen = catalogue()
    if only:
        unknown = set(only) - {m.id for m in chosen}
        if unknown:
            raise StaleMutant(f"unknown mutant(s): {', '.join(sorted(unknown))} (mutants/catalogue.toml)")
        chosen = [m for m in chosen if m.id in only]
    scratch = TempDir("run")
    try:
        control, outcomes = run_all(chosen, settings, scratch.path, diagnose=diagnose,
                                    say=lambda m: say(m, flush=True))
    finally:
        scratch.remove()
    path = settings.report_dir / "mutants.md"
    diagnosed = [o.diagnosis for o in (control, *outcomes) if o.diagnosis is not None]
    sample = diagnosis.markdown(diagnosed, "Diagnosis of the broken migrations run through the whole suite"
                                + ("" if diagnose else " (the control and the upgrade-only ones)"))
    path.write_text(markdown(control, outcomes) + "\n" + sample.replace("# ", "## ", 1))
    if diagnose:
        (settings.report_dir / "diagnosis.md").write_text(sample)
    precision, recall = diagnosis.precision_recall(diagnosed)
    killed = sum(o.killed for o in outcomes)
    say(f"\nkill ratio: {killed}/{len(outcomes)} ({100 * killed / max(1, len(outcomes)):.0f}%); diagnosis of "
        f"{len(diagnosed)} whole runs: precision {precision:.0%}, recall {recall:.0%}; report: {path}")
    if control.killed:
        say("certlog: the unmutated migrations fail the suite, so no kill counts: " + "; ".join(control.caught_by[:3]))
        return 1
    return 0 if killed == len(outcomes) and diagnosis.precise_enough(diagnosed) else 1


def command(settings: Settings, args, extra: list[str]) -> int:
    return main(settings, args.only, diagnose=args.diagnose)
