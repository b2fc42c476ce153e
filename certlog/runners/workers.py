"""Worker processes for the runners that spread sessions over the cores (mutants, majors), which an interrupt ends
with their runner."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path


@contextlib.contextmanager
def worker_pool(workers: int, **options) -> Iterator[ProcessPoolExecutor]:
    """Spawned workers. Ending early (Ctrl-C, SIGTERM, an error), the queued work is cancelled and the running
    workers are interrupted, as a terminal's Ctrl-C interrupts them: a signal sent to the runner alone would
    otherwise leave them running to the end of their session before it can return."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), **options)
    try:
        yield pool
    except BaseException:
        for pid in _spawned_children():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGINT)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _spawned_children() -> list[int]:
    """This process's children that multiprocessing spawned as workers (not its janitor, not its other tools)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and b"multiprocessing.spawn" in command:
            found.append(int(stat.parent.name))
    return found
