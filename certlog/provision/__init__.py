"""Choose and start a backend: embedded (default), container, or external.

BACKENDS is the one registry: a backend is a context manager yielding a Server (its own module here), and its
entry below, in the order `auto` tries them; its name is one of certlog.settings.BACKENDS.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from certlog.errors import BackendUnavailable, ExecutableMissing
from certlog.provision import docker_api
from certlog.provision.container import container_server
from certlog.provision.embedded import embedded_server, find_bindir
from certlog.provision.external import external_server
from certlog.provision.interrupts import terminate_as_interrupt
from certlog.provision.server import Server
from certlog.settings import Settings

__all__ = ["BACKENDS", "Server", "start_server"]


@dataclass(frozen=True)
class Backend:
    name: str
    start: Callable[[Settings], AbstractContextManager[Server]]
    unusable: Callable[[Settings], str | None]  # why `auto` cannot choose it here, or None


def _bindir(settings: Settings) -> str | None:
    return str(settings.pg_bindir) if settings.pg_bindir else None


def _embedded_unusable(settings: Settings) -> str | None:
    try:
        find_bindir(settings.pg_major, _bindir(settings))
    except ExecutableMissing as exc:
        if settings.server_dir is not None:  # given for a server this machine cannot start: never ignored
            raise BackendUnavailable(f"CERTLOG_SERVER_DIR is set, but no embedded server can start here: {exc}") \
                from None
        return str(exc)
    return None


BACKENDS = (
    Backend("external", lambda s: external_server(s.database_url),
            lambda s: None if s.database_url else "CERTLOG_DATABASE_URL is not set"),
    Backend("embedded", lambda s: embedded_server(major=s.pg_major, bindir=_bindir(s), root=s.server_dir),
            _embedded_unusable),
    Backend("container", lambda s: container_server(s.image, s.pg_major, has_pgtap=s.image_has_pgtap),
            lambda s: None if docker_api.engine_reachable()
            else "no Docker engine reachable (DOCKER_HOST unset, /var/run/docker.sock missing)"),
)


@contextmanager
def start_server(settings: Settings):
    backend = next((b for b in BACKENDS if b.name == settings.backend), None) or _choose(settings)
    with terminate_as_interrupt(), backend.start(settings) as server:
        yield server


def _choose(settings: Settings) -> Backend:
    reasons = []
    for backend in BACKENDS:
        reason = backend.unusable(settings)
        if reason is None:
            return backend
        reasons.append(f"{backend.name}: {reason}")
    raise BackendUnavailable.none_can_serve(reasons)
