"""Choose and start a backend: embedded (default), container, or external."""

from __future__ import annotations

from contextlib import contextmanager

from certlog.errors import BackendUnavailable, ExecutableMissing
from certlog.provision import docker_api
from certlog.provision.container import container_server
from certlog.provision.embedded import embedded_server, find_bindir
from certlog.provision.external import external_server
from certlog.provision.interrupts import terminate_as_interrupt
from certlog.provision.server import Server
from certlog.settings import Settings

__all__ = ["Server", "start_server"]


@contextmanager
def start_server(settings: Settings):
    kind = settings.backend
    if kind == "auto":
        kind = _choose(settings)
    if kind == "external":
        ctx = external_server(settings.database_url)
    elif kind == "container":
        ctx = container_server(settings.image, settings.pg_major, has_pgtap=settings.image_has_pgtap)
    else:
        ctx = embedded_server(major=settings.pg_major, bindir=str(settings.pg_bindir) if settings.pg_bindir else None,
                              root=settings.server_dir)
    with terminate_as_interrupt(), ctx as server:
        yield server


def _choose(settings: Settings) -> str:
    if settings.database_url:
        return "external"
    reasons = []
    try:
        find_bindir(settings.pg_major, str(settings.pg_bindir) if settings.pg_bindir else None)
        return "embedded"
    except ExecutableMissing as exc:
        if settings.server_dir is not None:  # given for a server this machine cannot start: never ignored
            raise BackendUnavailable(f"CERTLOG_SERVER_DIR is set, but no embedded server can start here: {exc}") \
                from None
        reasons.append(f"embedded: {exc}")
    if docker_api.engine_reachable():
        return "container"
    reasons.append("container: no Docker engine reachable (DOCKER_HOST unset, /var/run/docker.sock missing)")
    reasons.append("external: CERTLOG_DATABASE_URL is not set")
    raise BackendUnavailable.none_can_serve(reasons)
