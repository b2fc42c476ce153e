"""pytest as every certlog command runs it: from the repository, without pytest's cache, with this plugin told
which command it serves. The one place its arguments are put together."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from certlog.paths import ROOT

SUITE = ("schema", "conformance")


def arguments(command: str, *, paths: Sequence[str] = SUITE, addopts: str | None = None, junit: Path | None = None,
              results: Path | None = None, extra: Iterable[str] = ()) -> list[str]:
    """pytest's arguments for a certlog command; `addopts` replaces pyproject's, `extra` come last (the user's)."""
    args = ["-p", "no:cacheprovider", *paths, f"--certlog-command={command}"]
    if addopts is not None:
        args += ["-o", f"addopts={addopts}"]
    if junit is not None:
        args.append(f"--junitxml={junit}")
    if results is not None:
        args.append(f"--certlog-results={results}")
    return [*args, *extra]


def run(args: list[str], plugins: Iterable[object] = ()) -> int:
    """pytest.main, run from the repository; its exit code."""
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        return int(pytest.main(args, plugins=list(plugins)))
    finally:
        os.chdir(previous)
