"""Mutation testing of the suite: every broken migration in mutants/catalogue.toml must turn it red."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from certlog.errors import CertlogError
from certlog.paths import MIGRATIONS, ROOT, cert_notification_log_migration

CATALOGUE = ROOT / "mutants" / "catalogue.toml"
SUITE = ["schema", "conformance"]  # conformance includes the pgTAP files


class StaleMutant(CertlogError):
    pass


@dataclass(frozen=True)
class Mutant:
    id: str
    breaks: str
    edits: list[dict]
    pgtap: bool = False  # the pgTAP suite alone (pg_prove, and its pytest run) must catch it too

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
                raise StaleMutant(f"mutant {self.id}: the text to replace occurs {found} times in the migration "
                                  f"(expected once); update mutants/catalogue.toml:\n{edit['replace']}")
            text = text.replace(edit["replace"], edit["with"])
        return name, text


@dataclass(frozen=True)
class Outcome:
    id: str
    breaks: str
    killed: bool
    exit_code: int
    caught_by: list[str]
    seconds: float
    pgtap_alone: str = ""  # for pgtap mutants: what pg_prove and the pytest pgTAP run said on their own


def catalogue(path: Path = CATALOGUE) -> list[Mutant]:
    return [Mutant(**m) for m in tomllib.loads(path.read_text())["mutant"]]


def _environment(migration_text: str, name: str, workdir: Path, label: str) -> tuple[dict, Path]:
    migrations = workdir / label / "migrations"
    reports = workdir / label / "reports"
    migrations.mkdir(parents=True, exist_ok=True)
    (migrations / name).write_text(migration_text)
    return {**os.environ, "CERTLOG_MIGRATIONS_DIR": str(migrations), "CERTLOG_REPORT_DIR": str(reports)}, reports


def run_pgtap_alone(migration_text: str, name: str, workdir: Path, label: str) -> tuple[int, int]:
    """Exit codes of pg_prove (as supabase test db) and of the pytest pgTAP run, each on its own."""
    env, _ = _environment(migration_text, name, workdir, label)
    pg_prove = subprocess.run([sys.executable, "-m", "certlog", "pgprove"], cwd=ROOT, env=env,
                              capture_output=True, text=True)
    pytest_run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                                 "conformance/test_pgtap_suite.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    return pg_prove.returncode, pytest_run.returncode


def run_suite(migration_text: str, name: str, workdir: Path, label: str) -> tuple[int, list[str], float]:
    env, reports = _environment(migration_text, name, workdir, label)
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *SUITE, "-m", "not repository",
                          "-q", "--maxfail=3", "-o", "console_output_style=classic"],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    failed = []
    results = reports / "results.json"
    if results.exists():
        failed = [t["nodeid"] for t in json.loads(results.read_text())["tests"] if t["outcome"] != "passed"]
    if not failed and out.returncode != 0:
        failed = [line for line in (out.stdout + out.stderr).splitlines() if "certlog:" in line or "Error" in line][-2:]
    return out.returncode, failed, seconds


def run_all(mutants: list[Mutant], *, say=print) -> tuple[Outcome, list[Outcome]]:
    source = cert_notification_log_migration(MIGRATIONS)
    original = source.read_text()
    mutated = {m.id: m.apply(source.name, original) for m in mutants}  # every mutant must apply before anything runs
    with tempfile.TemporaryDirectory(prefix="certlog-mutants-") as tmp:
        workdir = Path(tmp)
        code, failed, seconds = run_suite(original, source.name, workdir, "control")
        pg_prove, pytest_pgtap = run_pgtap_alone(original, source.name, workdir, "control")
        control = Outcome("control (unmutated)", "nothing", bool(code or pg_prove or pytest_pgtap), code, failed,
                          seconds, f"pg_prove exit {pg_prove}, pytest pgTAP exit {pytest_pgtap}")
        say(f"control: the unmutated migration {'FAILS' if control.killed else 'passes'} ({seconds:.1f}s; "
            f"{control.pgtap_alone})")
        outcomes = []
        for i, mutant in enumerate(mutants, 1):
            name, text = mutated[mutant.id]
            code, failed, seconds = run_suite(text, name, workdir, mutant.id)
            killed, alone = code != 0, ""
            if mutant.pgtap:
                pg_prove, pytest_pgtap = run_pgtap_alone(text, name, workdir, mutant.id)
                alone = f"pg_prove exit {pg_prove}, pytest pgTAP exit {pytest_pgtap}"
                killed = killed and pg_prove != 0 and pytest_pgtap != 0
            outcome = Outcome(mutant.id, mutant.breaks, killed, code, failed, seconds, alone)
            outcomes.append(outcome)
            say(f"[{i}/{len(mutants)}] {mutant.id}: {'caught' if outcome.killed else 'SURVIVED'} "
                f"({seconds:.1f}s){' by ' + failed[0] if failed else ''}{'; pgTAP alone: ' + alone if alone else ''}")
    return control, outcomes


def markdown(control: Outcome, outcomes: list[Outcome]) -> str:
    killed = sum(o.killed for o in outcomes)
    lines = [f"# Mutation testing: {killed} of {len(outcomes)} broken migrations caught", "",
             "Control (unmutated migration): "
             + ("passes" if not control.killed else "FAILS: " + ", ".join(control.caught_by)),
             "", "| Mutant | Breaks | Verdict | Caught by (first failing tests) | pgTAP alone | Seconds |",
             "|---|---|---|---|---|---|"]
    for o in outcomes:
        caught = "<br>".join(f"`{n}`" for n in o.caught_by[:3])
        lines.append(f"| `{o.id}` | {o.breaks} | {'caught' if o.killed else '**SURVIVED**'} | {caught} | "
                     f"{o.pgtap_alone} | {o.seconds:.1f} |")
    return "\n".join(lines) + "\n"
