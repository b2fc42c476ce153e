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
from certlog.paths import ROOT, migration_files

CATALOGUE = ROOT / "mutants" / "catalogue.toml"
SUITE = ["schema", "conformance"]  # conformance includes the pgTAP files


class StaleMutant(CertlogError):
    pass


@dataclass(frozen=True)
class Mutant:
    id: str
    breaks: str
    edits: list[dict]

    def apply(self, text: str) -> str:
        for edit in self.edits:
            if "append" in edit:
                text = text.rstrip("\n") + "\n\n" + edit["append"]
                continue
            found = text.count(edit["replace"])
            if found != 1:
                raise StaleMutant(f"mutant {self.id}: the text to replace occurs {found} times in the migration "
                                  f"(expected once); update mutants/catalogue.toml:\n{edit['replace']}")
            text = text.replace(edit["replace"], edit["with"])
        return text


@dataclass(frozen=True)
class Outcome:
    id: str
    breaks: str
    killed: bool
    exit_code: int
    caught_by: list[str]
    seconds: float


def catalogue(path: Path = CATALOGUE) -> list[Mutant]:
    return [Mutant(**m) for m in tomllib.loads(path.read_text())["mutant"]]


def target_migration() -> Path:
    found = [p for p in migration_files() if p.name.endswith("_create_cert_notification_log.sql")]
    if len(found) != 1:
        raise CertlogError(f"expected one *_create_cert_notification_log.sql migration, found {found}")
    return found[0]


def run_suite(migration_text: str, name: str, workdir: Path, label: str) -> tuple[int, list[str], float]:
    migrations = workdir / label / "migrations"
    reports = workdir / label / "reports"
    migrations.mkdir(parents=True)
    (migrations / name).write_text(migration_text)
    env = {**os.environ, "CERTLOG_MIGRATIONS_DIR": str(migrations), "CERTLOG_REPORT_DIR": str(reports)}
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
    source = target_migration()
    original = source.read_text()
    mutated = {m.id: m.apply(original) for m in mutants}  # every mutant must apply before anything runs
    with tempfile.TemporaryDirectory(prefix="certlog-mutants-") as tmp:
        workdir = Path(tmp)
        code, failed, seconds = run_suite(original, source.name, workdir, "control")
        control = Outcome("control (unmutated)", "nothing", code != 0, code, failed, seconds)
        say(f"control: the unmutated migration {'FAILS' if code else 'passes'} ({seconds:.1f}s)")
        outcomes = []
        for i, mutant in enumerate(mutants, 1):
            code, failed, seconds = run_suite(mutated[mutant.id], source.name, workdir, mutant.id)
            outcome = Outcome(mutant.id, mutant.breaks, code != 0, code, failed, seconds)
            outcomes.append(outcome)
            say(f"[{i}/{len(mutants)}] {mutant.id}: {'caught' if outcome.killed else 'SURVIVED'} "
                f"({seconds:.1f}s){' by ' + failed[0] if failed else ''}")
    return control, outcomes


def markdown(control: Outcome, outcomes: list[Outcome]) -> str:
    killed = sum(o.killed for o in outcomes)
    lines = [f"# Mutation testing: {killed} of {len(outcomes)} broken migrations caught", "",
             "Control (unmutated migration): "
             + ("passes" if not control.killed else "FAILS: " + ", ".join(control.caught_by)),
             "", "| Mutant | Breaks | Verdict | Caught by (first failing tests) | Seconds |", "|---|---|---|---|---|"]
    for o in outcomes:
        caught = "<br>".join(f"`{n}`" for n in o.caught_by[:3])
        lines.append(f"| `{o.id}` | {o.breaks} | {'caught' if o.killed else '**SURVIVED**'} | {caught} | "
                     f"{o.seconds:.1f} |")
    return "\n".join(lines) + "\n"
