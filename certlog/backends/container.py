"""Testcontainers: one PostgreSQL container per session, reached on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from contextlib import contextmanager

from certlog.backends.base import Server
from certlog.errors import BackendUnavailable, ServerStartFailed

SUPERUSER = "supabase_admin"


def docker_api_reachable() -> bool:
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if host.startswith("unix://"):
        return os.path.exists(host[len("unix://"):])
    return bool(os.environ.get("DOCKER_HOST"))


@contextmanager
def container_server(image: str):
    try:
        from testcontainers.community.postgres import PostgresContainer
    except ImportError as exc:  # pragma: no cover - dependency pinned in pyproject
        raise BackendUnavailable(f"testcontainers is not installed: {exc}") from exc
    if not docker_api_reachable():
        raise BackendUnavailable(
            "no Docker API reachable (DOCKER_HOST unset and /var/run/docker.sock missing); "
            "start Docker, or serve the Docker API with podman (see README: container backend)"
        )
    password = secrets.token_hex(16)
    container = (
        PostgresContainer(image, username=SUPERUSER, password=password, dbname="postgres", driver=None,
                          network_mode="slirp4netns" if _is_podman() else None)
        .with_command("postgres -c fsync=off -c full_page_writes=off -c max_connections=120")
    )
    started = time.perf_counter()
    try:
        container.start()
    except Exception as exc:
        tail = _log_tail(container)
        _stop(container)
        raise ServerStartFailed(f"container {image} did not become ready: {exc}", tail) from exc
    try:
        yield Server(
            kind="container",
            host="127.0.0.1",
            port=int(container.get_exposed_port(5432)),
            superuser=SUPERUSER,
            password=password,
            startup_seconds=time.perf_counter() - started,
            details={"image": image},
        )
    finally:
        _stop(container)


def _is_podman() -> bool:
    return "podman" in os.environ.get("DOCKER_HOST", "")


def _log_tail(container) -> str:
    try:
        out, err = container.get_logs()
        return (out + err).decode(errors="replace")[-3000:]
    except Exception:  # noqa: BLE001 - best effort while reporting another error
        return "(no container log available)"


def _stop(container) -> None:
    with contextlib.suppress(Exception):  # teardown must not mask the real error
        container.stop()
