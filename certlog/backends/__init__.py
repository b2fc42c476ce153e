"""Choose and start a backend: embedded (default), container, or external."""

from __future__ import annotations

from contextlib import contextmanager

from certlog.backends.base import Server, terminate_as_interrupt
from certlog.backends.container import container_server, docker_api_reachable
from certlog.backends.embedded import embedded_server, find_bindir
from certlog.backends.external import external_server
from certlog.config import Settings
from certlog.errors import BackendUnavailable, ExecutableMissing

__all__ = ["Server", "start_server"]


@contextmanager
def start_server(settings: Settings):
    kind = settings.backend
    if kind == "auto":
        kind = _choose(settings)
    if kind == "external":
        ctx = external_server(settings.database_url)
    elif kind == "container":
        ctx = container_server(settings.image, settings.pg_major)
    else:
        ctx = embedded_server(major=settings.pg_major, bindir=settings.pg_bindir)
    with terminate_as_interrupt(), ctx as server:
        yield server


def _choose(settings: Settings) -> str:
    if settings.database_url:
        return "external"
    reasons = []
    try:
        find_bindir(settings.pg_major, settings.pg_bindir)
        return "embedded"
    except ExecutableMissing as exc:
        reasons.append(f"embedded: {exc}")
    if docker_api_reachable():
        return "container"
    reasons.append("container: no Docker API reachable (DOCKER_HOST unset, /var/run/docker.sock missing)")
    reasons.append("external: CERTLOG_DATABASE_URL is not set")
    raise BackendUnavailable.none_can_serve(reasons)
