"""A Docker API for Testcontainers and for the Supabase CLI's `test db` container.

A reachable Docker engine (DOCKER_HOST, or /var/run/docker.sock) is used as it is.
Otherwise podman serves the API on a private socket for as long as it is needed
(`podman system service`), registered with the janitor so a killed run leaves no
service behind. The images the suite runs are built locally (no registry is needed):
scripts/build-images.sh, which the set-up runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

from certlog.errors import CertlogError
from certlog.provision.janitor import Janitor
from certlog.provision.tempdirs import TempDir

DEFAULT_SOCKET = "/var/run/docker.sock"
# Testcontainers without its reaper (podman has none) and dialling DOCKER_HOST itself.
TESTCONTAINERS_ENV = {"TESTCONTAINERS_RYUK_DISABLED": "true", "TESTCONTAINERS_CONNECTION_MODE": "docker_host"}


class DockerApiUnavailable(CertlogError):
    pass


def engine_reachable() -> bool:
    host = os.environ.get("DOCKER_HOST")
    if host:
        return not host.startswith("unix://") or os.path.exists(host[len("unix://"):])
    return os.path.exists(DEFAULT_SOCKET)


def available() -> bool:
    return engine_reachable() or shutil.which("podman") is not None


@contextmanager
def docker_api() -> Iterator[dict[str, str]]:
    """The environment (DOCKER_HOST and Testcontainers settings) under which a Docker API answers."""
    if engine_reachable():
        yield {"DOCKER_HOST": os.environ.get("DOCKER_HOST", f"unix://{DEFAULT_SOCKET}"), **TESTCONTAINERS_ENV}
        return
    podman = shutil.which("podman")
    if podman is None:
        raise DockerApiUnavailable("no Docker API: DOCKER_HOST is unset, /var/run/docker.sock is missing and podman "
                                   "is not installed (Debian: apt-get install podman runc; `make setup` does it)")
    scratch = TempDir("podman")
    directory = scratch.path
    socket = directory / "docker.sock"
    janitor = Janitor.get()
    log = (directory / "service.log").open("w")
    service = subprocess.Popen([podman, "system", "service", "--time=0", f"unix://{socket}"], stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    kill_token = janitor.register("kill", pid=service.pid)
    scratch.note(helpers=[service.pid])
    try:
        deadline = time.monotonic() + 15
        while not socket.exists():
            if service.poll() is not None or time.monotonic() > deadline:
                raise DockerApiUnavailable("the podman API service did not start: "
                                           + (directory / "service.log").read_text()[-500:])
            time.sleep(0.05)
        yield {"DOCKER_HOST": f"unix://{socket}", **TESTCONTAINERS_ENV}
    finally:
        service.terminate()
        try:
            service.wait(timeout=10)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()
        log.close()
        janitor.done(kill_token)
        scratch.remove()


@contextmanager
def environment(variables: dict[str, str]) -> Iterator[None]:
    """Set `variables` in os.environ for the duration (Testcontainers reads DOCKER_HOST from there)."""
    previous = {k: os.environ.get(k) for k in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
