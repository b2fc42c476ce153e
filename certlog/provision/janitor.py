"""Nothing left behind, whatever kills the run.

Every resource a run creates (a server and its directory, a container, the podman API
service, databases on an external server) is registered with the janitor: a small
watchdog process in its own session, holding the read end of a pipe. The run removes
its resources itself on the way out and then disarms the watchdog. If the run dies first
(Ctrl-C under tox followed by a kill, SIGTERM, SIGKILL), the pipe closes and the watchdog
removes whatever is still registered, newest first.

Run as `python -m certlog.provision.janitor`: the watchdog itself.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

DISARM = "disarm"


class Janitor:
    """The run's side of the watchdog. One per process, started on first use."""

    _instance: Janitor | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self._tokens = itertools.count(1)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "certlog.provision.janitor"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True, text=True, close_fds=True)

    @classmethod
    def get(cls) -> Janitor:
        with cls._lock:
            if cls._instance is None or cls._instance._process.poll() is not None:
                cls._instance = cls()
            return cls._instance

    def register(self, action: str, **arguments) -> int:
        """Ask the watchdog to run `action` if this process dies before calling done()."""
        token = next(self._tokens)
        self._send({"token": token, "action": action, "arguments": arguments})
        return token

    def done(self, token: int) -> None:
        """The resource was removed by the run itself."""
        self._send({"done": token})

    def _send(self, message: dict) -> None:
        with self._lock:
            self._process.stdin.write(json.dumps(message) + "\n")
            self._process.stdin.flush()

    @classmethod
    def shutdown(cls) -> None:
        """Orderly end of the run: everything was cleaned up, the watchdog may go."""
        with cls._lock:
            janitor, cls._instance = cls._instance, None
        if janitor is not None and janitor._process.poll() is None:
            with contextlib.suppress(OSError):
                janitor._process.stdin.write(DISARM + "\n")
                janitor._process.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                janitor._process.wait(timeout=10)


# --- the watchdog -------------------------------------------------------------------------------


def _stop_postgres(bindir: str, data: str, uid: int | None = None, gid: int | None = None) -> None:
    if Path(data, "postmaster.pid").exists():
        owner = {"user": uid, "group": gid, "extra_groups": []} if uid is not None else {}
        subprocess.run([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60, **owner)


def _rmtree(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)


def _remove_containers(docker_host: str, label: str, attempts: int = 3) -> None:
    """Force-remove the run's containers; a busy podman may time out or still be starting one, so list again
    until none is left (a few attempts)."""
    import docker

    for _ in range(attempts):
        with contextlib.suppress(Exception):
            client = docker.DockerClient(base_url=docker_host, timeout=120)
            found = client.containers.list(all=True, filters={"label": label})
            if not found:
                return
            for container in found:
                with contextlib.suppress(Exception):
                    container.remove(force=True)


def _drop_databases(conninfo: str, names: list[str]) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
        for name in names:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


ACTIONS = {"stop_postgres": _stop_postgres, "rmtree": _rmtree, "kill": _kill,
           "remove_containers": _remove_containers, "drop_databases": _drop_databases}


def watch(stream) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the run's Ctrl-C is not ours to obey
    pending: dict[int, dict] = {}
    for line in stream:
        line = line.strip()
        if line == DISARM:
            return
        if not line:
            continue
        message = json.loads(line)
        if "done" in message:
            pending.pop(message["done"], None)
        else:
            pending[message["token"]] = message
    for token in sorted(pending, reverse=True):
        message = pending[token]
        with contextlib.suppress(Exception):
            ACTIONS[message["action"]](**message["arguments"])


if __name__ == "__main__":
    watch(sys.stdin)
    os._exit(0)  # nothing of ours is left to tear down: the run waiting for this exit goes on at once
