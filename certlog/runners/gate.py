"""`certlog gate`: everything `make test` proves, on both cores, with a time profile at the end.

Each step is a command of its own (its output in <report dir>/gate/<step>.log); a step says how
many cores it keeps busy, and steps start in their order as soon as their cores are free: the quick
checks first, then the longest work first, so that the two cores finish together.
The gate fails if any step fails; Ctrl-C or SIGTERM stops every running step (each removes what
it started) and exits 130.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from certlog import repository
from certlog.errors import EXIT_FAILED, EXIT_OK
from certlog.paths import ROOT
from certlog.reporting.markdown import table
from certlog.settings import Settings

CORES = 2
PROGRESS = re.compile(r"\[\d+/\d+\] |certlog[: ]|.*\[\s*\d+%\]$")  # mutants, certlog's words, pytest's percent
HEARTBEAT_SECONDS = 30  # a word at least this often while steps run, so CI logs show progress
PY = [sys.executable, "-m"]
FUNCTIONS = ROOT / "supabase" / "functions"
DENO_CONFIG = FUNCTIONS / "deno.json"
# pyproject's pytest addopts but --benchmark-skip, which would outrank the suite step's --benchmark-disable
SUITE_ADDOPTS = " ".join(option for option in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
                         ["ini_options"]["addopts"].split() if option != "--benchmark-skip")


@dataclass(frozen=True)
class Step:
    name: str
    what: str  # the README's words for it
    commands: tuple[tuple[str, ...], ...]
    cores: int = 1
    cwd: Path = ROOT
    env: dict[str, str] = field(default_factory=dict)


def steps(settings: Settings) -> list[Step]:
    deno = str(settings.deno)
    migrations = sorted(str(p) for p in settings.migrations_dir.glob("*.sql"))
    container = {"CERTLOG_BACKEND": "container", "CERTLOG_IMAGE": "localhost/certlog-local/postgres:15",
                 "CERTLOG_REPORT_DIR": str(settings.report_dir / "containers")}
    return [
        Step("lint", "ruff; squawk on `supabase/migrations/`; actionlint on `.github/workflows/`; "
                     "`deno lint`, `deno check` and `deno fmt --check`",
             ((*PY, "ruff", "check", "."), (_squawk(), *migrations), ("node", "scripts/actionlint.mjs"),
              (deno, "lint", "--config", str(DENO_CONFIG)),
              (deno, "check", "--config", str(DENO_CONFIG), *map(str, sorted(FUNCTIONS.rglob("*.ts")))),
              (deno, "fmt", "--check", "--config", str(DENO_CONFIG)))),
        Step("contract", "the files derived from the table contract and the settings are up to date",
             ((*PY, "certlog", "contract"),)),
        Step("deno", "`deno test` of the Edge Function's code (`supabase/functions/_shared/`)",
             ((deno, "test", "--allow-read"),), cwd=FUNCTIONS),
        Step("mutants", "every broken migration of `mutants/catalogue.toml` must turn the suite red (and the "
                        "control must pass)", ((*PY, "certlog", "mutants"),), cores=2),
        Step("majors", "the suite on PostgreSQL 16 and 18 (from wheels), saying what those servers lack",
             ((*PY, "certlog", "majors", "16", "18"),), cores=2),
        Step("containers", "the suite through Testcontainers, on a podman-served Docker API",
             ((*PY, "certlog", "test", "-q"),), env=container),
        Step("bench", "the benchmarks of this tree's migrations against the merge base's, interleaved",
             ((*PY, "certlog", "bench", "--against"),)),
        Step("suite", "schema and conformance on the embedded PostgreSQL 15 (the Supabase CLI, pgTAP, the month "
                      "of cron runs), and in the same session every benchmark of `bench/` once, untimed (a smoke run)",
             ((*PY, "certlog", "test", "-q", "-o", f"addopts={SUITE_ADDOPTS}", "--benchmark-disable", "bench"),)),
        Step("harness", "the tool itself: every bad setting, interrupts and kills leave nothing, the README's "
                        "claims", ((*PY, "pytest", "-p", "no:cacheprovider", "-q", "harness"),)),
    ]


def _squawk() -> str:
    found = Path(sys.executable).parent / "squawk"
    return str(found) if found.exists() else "squawk"


@dataclass
class _Running:
    step: Step
    process: subprocess.Popen | None
    started: float
    log: Path
    remaining: list[tuple[str, ...]]
    outcome: int | None = None
    finished: float = 0.0


def _start(step: Step, commands: list[tuple[str, ...]], log: Path, settings: Settings) -> subprocess.Popen:
    env = {**settings.environment(), **step.env, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    with log.open("a") as out:
        out.write(f"$ {' '.join(commands[0])}\n")
    return subprocess.Popen(commands[0], cwd=step.cwd, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def main(settings: Settings, *, say=print) -> int:
    from certlog.runners import bench

    bench.check_arguments(settings, "merge-base", False, None)  # its step's settings, refused before any starts
    logs = settings.report_dir / "gate"
    logs.mkdir(parents=True, exist_ok=True)
    pending, running, done = list(steps(settings)), [], []
    began = last_word = time.perf_counter()
    stamp = _stamp()
    try:  # SIGTERM and Ctrl-C arrive as KeyboardInterrupt, later ones ignored until it ends (terminate_as_interrupt)
        while pending or running:
            busy = sum(r.step.cores for r in running)
            while pending:
                step = pending[0]
                if busy + step.cores > CORES and running:
                    break  # in order: a step waits for its cores rather than be overtaken
                log = logs / f"{step.name}.log"
                log.write_text("")
                commands = list(step.commands)
                run = _Running(step, _start(step, commands, log, settings), time.perf_counter(), log, commands[1:])
                running.append(run)
                pending.pop(0)
                busy += step.cores
                say(f"gate: {step.name} started ({step.cores} core{'s' if step.cores > 1 else ''})", flush=True)
                last_word = time.perf_counter()
            time.sleep(0.1)
            if time.perf_counter() - last_word >= HEARTBEAT_SECONDS and running:
                say("gate: still running " + "; ".join(_progress(r) for r in running), flush=True)
                last_word = time.perf_counter()
            for run in list(running):
                code = run.process.poll()
                if code is None:
                    continue
                if code == 0 and run.remaining:
                    commands = run.remaining
                    run.process, run.remaining = _start(run.step, commands, run.log, settings), commands[1:]
                    continue
                run.outcome, run.finished = code, time.perf_counter()
                running.remove(run)
                done.append(run)
                say(f"gate: {run.step.name} {'passed' if code == 0 else f'FAILED (exit {code})'} in "
                    f"{run.finished - run.started:.1f} s", flush=True)
                last_word = time.perf_counter()
    except BaseException:  # Ctrl-C, or anything else that ends the gate: its steps end with it
        rows = (_rows(sorted(done, key=lambda r: r.started), began)
                + [(r.step.name, r.step.cores, f"{r.started - began:.1f}", "", "stopped") for r in running]
                + [(step.name, step.cores, "", "", "not started") for step in pending])
        with contextlib.suppress(OSError):  # the step logs are this run's now: so is the profile
            (settings.report_dir / "gate.md").write_text(
                f"# The gate: interrupted after {time.perf_counter() - began:.1f} s\n\n{stamp}\n\n"
                + table(["Step", "Cores", "Started at s", "Seconds", "Result"], rows) + "\n")
        for run in running:
            if run.process and run.process.poll() is None:
                os.killpg(run.process.pid, signal.SIGTERM)
        for run in running:
            if run.process:
                run.process.wait()
        raise
    total = time.perf_counter() - began
    return _profile(sorted(done, key=lambda r: r.started), began, total, stamp, settings, say)


def _stamp() -> str:
    """When the gate started, on which commit."""
    commit = repository.said("rev-parse", "--short=12", "HEAD") or "(not a git checkout)"
    changed = " with uncommitted changes" if repository.said("status", "--porcelain", "--untracked-files=no") else ""
    return f"Started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC on commit {commit}{changed}."


def _rows(done: list[_Running], began: float) -> list[tuple]:
    return [(r.step.name, r.step.cores, f"{r.started - began:.1f}", f"{r.finished - r.started:.1f}",
             "passed" if r.outcome == 0 else f"**FAILED** (exit {r.outcome})") for r in done]


def _progress(run: _Running) -> str:
    """A running step's age and the last line its log has, so a long step is seen to move."""
    try:
        lines = run.log.read_text(errors="replace").strip().splitlines()
    except OSError as exc:
        return f"{run.step.name}: its log cannot be read ({exc.strerror})"
    marks = [line for line in lines if PROGRESS.match(line)]  # "[3/38] ...", "certlog: ..." rather than a test's
    last = (marks or lines or ["(no output yet)"])[-1].strip()[:90]
    return f"{run.step.name} {time.perf_counter() - run.started:.0f} s: {last}"


def _profile(done: list[_Running], began: float, total: float, stamp: str, settings: Settings, say) -> int:
    text = (f"# The gate: {sum(r.outcome == 0 for r in done)} of {len(done)} steps passed in {total:.1f} s\n\n"
            f"{stamp}\n\n" + table(["Step", "Cores", "Started at s", "Seconds", "Result"], _rows(done, began)) + "\n")
    (settings.report_dir / "gate.md").write_text(text)
    say("\n" + text)
    failed = [r for r in done if r.outcome != 0]
    for run in failed:
        tail = run.log.read_text(errors="replace").splitlines()[-25:]
        say(f"--- {run.step.name}: the end of {run.log} ---\n" + "\n".join(tail))
    return EXIT_FAILED if failed else EXIT_OK
