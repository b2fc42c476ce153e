"""The run's temporary directories, and the leftovers of runs that were killed outright.

Every directory a run makes (under the system temp dir, or for an embedded server's cluster
under the server directory, memory by default) is named certlog-<kind>-* and
carries the identity of the process that made it (pid and start time, so a reused pid is
not mistaken for the owner), plus the pids of helper processes it holds. The janitor
removes a run's directories if the run dies; a new run also removes, first, every
certlog directory whose owner is gone (after stopping the server or service inside).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

from certlog.provision.janitor import Janitor

PREFIX = "certlog-"
KINDS = ("pg", "run", "podman", "volume")  # volume: a container's data directory, mounted from here
OWNER_FILE = "owner.json"
MEMORY = Path("/dev/shm")  # a throwaway cluster need not touch the disk (every file op there costs ~10x)
MEMORY_FREE_BYTES = 2 << 30  # what a run's cluster may grow to (the 50 000-row templates and their clones)


def memory_root() -> Path | None:
    """/dev/shm when it is a writable tmpfs with room for a run's cluster, else None."""
    try:
        usage = shutil.disk_usage(MEMORY)
    except OSError:
        return None
    if not os.access(MEMORY, os.W_OK | os.X_OK) or usage.free < MEMORY_FREE_BYTES:
        return None
    return MEMORY


def server_root(given: Path | None = None) -> Path:
    """Where an embedded server's cluster goes: the given directory, else memory, else the system temp dir."""
    return given or memory_root() or Path(tempfile.gettempdir())


def roots(*extra: Path | None) -> list[Path]:
    """Every directory a run may have left certlog-* directories in."""
    found = [Path(tempfile.gettempdir()), MEMORY, *filter(None, extra)]
    return list(dict.fromkeys(p.resolve() for p in found if p.is_dir()))


def process_identity(pid: int) -> str | None:
    """pid plus its start time (clock ticks since boot): unique across pid reuse; None if not running."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return f"{pid}:{stat.rsplit(')', 1)[1].split()[19]}"


class TempDir:
    """A claimed temporary directory; remove() deletes it and tells the janitor."""

    def __init__(self, kind: str, root: Path | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(kind)
        remove_stale(root)
        self.path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-", dir=root))
        self._token = Janitor.get().register("rmtree", path=str(self.path))
        self.note(helpers=[])

    def note(self, **fields) -> None:
        owner = {"owner": process_identity(os.getpid()), **fields}
        (self.path / OWNER_FILE).write_text(json.dumps(owner))

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        Janitor.get().done(self._token)


def _owner(directory: Path) -> dict | None:
    try:
        return json.loads((directory / OWNER_FILE).read_text())
    except (OSError, ValueError):
        return None


def is_stale(directory: Path) -> bool:
    owner = _owner(directory)
    if owner is None:  # being made right now, or made before claims existed: only if old
        with contextlib.suppress(OSError):
            return time.time() - directory.stat().st_mtime > 60
        return False
    return process_identity(int(owner["owner"].split(":")[0])) != owner["owner"]


def remove_stale(root: Path | None = None) -> list[Path]:
    """Remove the directories of runs that are gone, from every root (and `root`, if another)."""
    removed = []
    for kind, top in ((kind, top) for top in roots(root) for kind in KINDS):
        for directory in sorted(top.glob(f"{PREFIX}{kind}-*")):
            if not directory.is_dir() or not is_stale(directory):
                continue
            for pid in (_owner(directory) or {}).get("helpers", []):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGTERM)
            postmaster = directory / "data" / "postmaster.pid"
            if kind == "pg" and postmaster.exists():  # a volume's pid is the container's, not one of this host
                _stop_postmaster(postmaster)
            shutil.rmtree(directory, ignore_errors=True)
            removed.append(directory)
    return removed


def _stop_postmaster(pid_file: Path) -> None:
    """A leftover server: SIGQUIT (immediate shutdown) to the postmaster, then wait for it to go."""
    try:
        pid = int(pid_file.read_text().split()[0])
        if pid <= 0:  # a standalone backend (initdb's) writes its pid negated: nothing to stop
            return
        os.kill(pid, signal.SIGQUIT)
    except (OSError, ValueError, IndexError):
        return
    deadline = time.monotonic() + 10
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def running(pid: int) -> bool:
    """Alive: not gone, and not a zombie (an init that does not reap, as in some sandboxes, leaves those)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False
