"""git in this repository: the history the benchmark comparison reads, the commit reports name."""

from __future__ import annotations

import subprocess

from certlog.errors import ExecutableMissing
from certlog.paths import ROOT

MIGRATIONS_IN_GIT = "supabase/migrations"


def git(*args: str, text: bool = True) -> subprocess.CompletedProcess:
    """git ARGS run in the repository; a machine without git is told so in one line."""
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=text)
    except OSError:
        raise ExecutableMissing("git is needed here and not installed (Debian: apt-get install git)") from None


def said(*args: str) -> str:
    """What git ARGS answers, or "" where it fails or there is no git (for words in a report, never a decision)."""
    try:
        out = git(*args)
    except ExecutableMissing:
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def head() -> dict:
    """HEAD's commit id and whether the working tree's migrations differ from it."""
    return {"id": said("rev-parse", "HEAD"), "dirty": bool(said("status", "--porcelain", "--", MIGRATIONS_IN_GIT))}
