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
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from certlog import repository
from certlog.errors import EXIT_FAILED, EXIT_OK, UsageError
from certlog.gate_steps import GateStep, steps
from certlog.reporting.markdown import table
from certlog.settings import Settings

CORES = 2
PROGRESS = re.compile(r"\[\d+/\d+\] |certlog[: ]|.*\[\s*\d+%\]$")  # mutants, certlog's words, pytest's percent
HEARTBEAT_SECONDS = 30  # a word at least this often while steps run, so CI logs show progress
@dataclass
class _Running:
    step: GateStep
    process: subprocess.Popen | None
    started: float
    log: Path
    remaining: list[tuple[str, ...]]
    outcome: int | None = None
    finished: float = 0.0


def _start(step: GateStep, commands: list[tuple[str, ...]], log: Path, settings: Settings) -> subprocess.Popen:
    defaults = {name: value for name, value in step.defaults.items() if name not in settings.given}
    env = {**settings.environment(), **defaults, **step.env, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    with log.open("a") as out:
        out.write(f"$ {' '.join(commands[0])}\n")
    return subprocess.Popen(commands[0], cwd=step.cwd, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def chosen(settings: Settings, only: list[str] | None) -> list[GateStep]:
    """The gate's steps, or those of `only` (in the gate's order); an unknown name is refused."""
    every = steps(settings)
    if only is None:
        return every
    unknown = sorted(set(only) - {step.name for step in every})
    if unknown:
        raise UsageError(f"certlog gate --only {' '.join(unknown)}: no such step; the steps are "
                         + ", ".join(step.name for step in every))
    return [step for step in every if step.name in only]


def main(settings: Settings, *, only: list[str] | None = None, say=print) -> int:
    from certlog.runners import bench

    pending, running, done = chosen(settings, only), [], []
    if any(step.name == "bench" for step in pending):
        bench.check_arguments(settings, "merge-base", False, None)  # its step's settings, refused before any starts
    logs = settings.report_dir / "gate"
    logs.mkdir(parents=True, exist_ok=True)
    for step in pending:  # every log of this run's steps is this run's, those of steps it never starts included
        (logs / f"{step.name}.log").write_text("(not started)\n")
    profile = settings.report_dir / "gate.md" if only is None else None  # a part of the gate keeps the whole's
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
        if profile is not None:  # the step logs are this run's now: so is the profile
            with contextlib.suppress(OSError):
                profile.write_text(
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
    return _profile(sorted(done, key=lambda r: r.started), began, total, stamp, profile, say)


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


def _profile(done: list[_Running], began: float, total: float, stamp: str, profile: Path | None, say) -> int:
    text = (f"# The gate: {sum(r.outcome == 0 for r in done)} of {len(done)} steps passed in {total:.1f} s\n\n"
            f"{stamp}\n\n" + table(["Step", "Cores", "Started at s", "Seconds", "Result"], _rows(done, began)) + "\n")
    if profile is not None:
        profile.write_text(text)
    say("\n" + text)
    failed = [r for r in done if r.outcome != 0]
    for run in failed:
        tail = run.log.read_text(errors="replace").splitlines()[-25:]
        say(f"--- {run.step.name}: the end of {run.log} ---\n" + "\n".join(tail))
    return EXIT_FAILED if failed else EXIT_OK


def command(settings: Settings, args, extra: list[str]) -> int:
    return main(settings, only=args.only)
