"""Testcontainers: one PostgreSQL container per session, reached on 127.0.0.1 only.

The image is CERTLOG_IMAGE (default postgres:15) with pgTAP added by a small derived
image (containers/postgres-pgtap/Dockerfile) that Testcontainers builds once and keeps;
set CERTLOG_IMAGE_PGTAP=present for an image that already ships pgTAP (supabase/postgres).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from contextlib import contextmanager

import psycopg

from certlog.errors import BackendUnavailable, ServerStartFailed
from certlog.paths import ROOT
from certlog.provision.server import Server

SUPERUSER = "supabase_admin"
PGTAP_DOCKERFILE_DIR = ROOT / "containers" / "postgres-pgtap"
READY_TIMEOUT = 60


def docker_api_reachable() -> bool:
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if host.startswith("unix://"):
        return os.path.exists(host[len("unix://"):])
    return bool(os.environ.get("DOCKER_HOST"))


def _client():
    from testcontainers.core.docker_client import DockerClient

    try:
        client = DockerClient()
        version = client.client.version()
    except Exception as exc:  # noqa: BLE001 - docker-py raises many kinds
        raise BackendUnavailable(
            f"the Docker API at {os.environ.get('DOCKER_HOST', 'unix:///var/run/docker.sock')} does not answer "
            f"({exc}); start Docker, or run through scripts/with-docker-api.sh") from exc
    engine = " ".join(c.get("Name", "") for c in version.get("Components", []))
    return client, "podman" in engine.lower()


def pgtap_image(client, base: str, major: int, has_pgtap: bool) -> str:
    """The base image with pgTAP, built through Testcontainers once per base and kept."""
    if has_pgtap:
        _require_image(client, base)
        return base
    tag = "certlog/postgres-pgtap:" + re.sub(r"[^a-zA-Z0-9_.-]+", "-", base)[-120:]
    with contextlib.suppress(Exception):
        client.client.images.get(tag)
        return tag
    from testcontainers.core.image import DockerImage

    _require_image(client, base)
    try:
        DockerImage(path=PGTAP_DOCKERFILE_DIR, tag=tag, clean_up=False,
                    buildargs={"BASE_IMAGE": base, "PG_MAJOR": str(major)}).build()
    except Exception as exc:  # noqa: BLE001
        raise BackendUnavailable(f"building {tag} (pgTAP on {base}) failed: {exc}") from exc
    return tag


def _require_image(client, image: str) -> None:
    try:
        client.client.images.get(image)
        return
    except Exception:  # noqa: BLE001 - not present locally: try to pull it
        pass
    try:
        client.client.images.pull(image)
    except Exception as exc:  # noqa: BLE001
        raise BackendUnavailable(
            f"image {image} is not on this machine and could not be pulled ({exc}); "
            "pull or build it, or set CERTLOG_IMAGE (README: container backend)") from exc


@contextmanager
def container_server(image: str, major: int = 15, *, has_pgtap: bool = False):
    from testcontainers.community.postgres import PostgresContainer

    if not docker_api_reachable():
        raise BackendUnavailable(
            "no Docker API reachable (DOCKER_HOST unset and /var/run/docker.sock missing); "
            "start Docker, or run through scripts/with-docker-api.sh")
    client, podman = _client()
    started = time.perf_counter()
    tag = pgtap_image(client, image, major, has_pgtap)
    built = time.perf_counter() - started
    password = secrets.token_hex(16)
    extra = {"network_mode": "slirp4netns"} if podman else {}  # host side sees 127.0.0.1 only
    container = (PostgresContainer(tag, username=SUPERUSER, password=password, dbname="postgres", driver=None,
                                   **extra)
                 .with_command("postgres -c fsync=off -c full_page_writes=off -c max_connections=120"))
    started = time.perf_counter()
    try:
        container.start()
    except BaseException as exc:
        tail = _log_tail(container)
        _stop(container)
        raise ServerStartFailed(f"container {tag} did not become ready: {exc}", tail) from exc
    try:
        server = Server(
            kind="container", host="127.0.0.1", port=int(container.get_exposed_port(5432)), superuser=SUPERUSER,
            password=password, startup_seconds=time.perf_counter() - started,
            details={"image": tag, "base_image": image, "image_build_seconds": f"{built:.1f}",
                     "engine": "podman" if podman else "docker"},
        )
        server.restart = lambda: _restart(container, server)
        yield server
    finally:
        _stop(container)


def _restart(container, server: Server) -> None:
    """Kill the server process (SIGKILL: no shutdown checkpoint) and start the container again."""
    wrapped = container.get_wrapped_container()
    wrapped.kill()
    wrapped.start()
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        with contextlib.suppress(Exception):
            wrapped.reload()
            server.port = int(container.get_exposed_port(5432))
            with psycopg.connect(server.conninfo("postgres"), connect_timeout=2):
                return
        if time.monotonic() > deadline:
            raise ServerStartFailed("the container did not come back after the restart", _log_tail(container))
        time.sleep(0.2)


def _log_tail(container) -> str:
    try:
        out, err = container.get_logs()
        return (out + err).decode(errors="replace")[-3000:]
    except Exception:  # noqa: BLE001 - best effort while reporting another error
        return "(no container log available)"


def _stop(container) -> None:
    with contextlib.suppress(Exception):  # teardown must not mask the real error
        container.stop()
