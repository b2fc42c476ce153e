"""Testcontainers: one PostgreSQL container per session, reached on 127.0.0.1 only.

The image is CERTLOG_IMAGE (default postgres:15) with pgTAP, plpgsql_check and pg_cron added by a
small derived image (containers/postgres-extensions/Dockerfile) that Testcontainers builds once per
base image and keeps; CERTLOG_IMAGE_PGTAP=present for Supabase's own image, which ships them.
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
from certlog.provision.docker_api import docker_api, environment
from certlog.provision.embedded import CRON_DATABASE
from certlog.provision.janitor import Janitor
from certlog.provision.server import SUPERUSER, Server
from certlog.provision.tempdirs import TempDir, memory_root, process_identity

EXTENSIONS_DOCKERFILE_DIR = ROOT / "containers" / "postgres-extensions"
READY_TIMEOUT = 60
OWNER_LABEL = "certlog.owner"  # the process that started the container (pid:start time)
PORT = 5432  # the server's port inside the container
LOOPBACK = "127.0.0.1"


def _client():
    from testcontainers.core.docker_client import DockerClient

    try:
        client = DockerClient()
        version = client.client.version()
    except Exception as exc:  # noqa: BLE001 - docker-py raises many kinds
        raise BackendUnavailable(
            f"the Docker API at {os.environ.get('DOCKER_HOST', 'unix:///var/run/docker.sock')} does not answer "
            f"({exc}); start Docker, or install podman (make setup)") from exc
    engine = " ".join(c.get("Name", "") for c in version.get("Components", []))
    return client, "podman" in engine.lower()


def extensions_image(client, base: str, major: int, has_pgtap: bool) -> str:
    """The base image with the extensions, built through Testcontainers once per base and kept."""
    _require_image(client, base)
    if has_pgtap:
        return base
    base_id = client.client.images.get(base).id.removeprefix("sha256:")[:12]  # a rebuilt base, a new image
    tag = "certlog/postgres-extensions:" + re.sub(r"[^a-zA-Z0-9_.-]+", "-", base)[-100:] + "-" + base_id
    with contextlib.suppress(Exception):
        client.client.images.get(tag)
        return tag
    from testcontainers.core.image import DockerImage

    try:
        DockerImage(path=EXTENSIONS_DOCKERFILE_DIR, tag=tag, clean_up=False,
                    buildargs={"BASE_IMAGE": base, "PG_MAJOR": str(major)}).build()
    except Exception as exc:  # noqa: BLE001
        raise BackendUnavailable(f"building {tag} (extensions on {base}) failed: {exc}") from exc
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
    """One container for the run, on a Docker API (podman's when no engine runs)."""
    with docker_api() as api_env, environment(api_env):
        client, podman = _client()
        _remove_stale(client)
        started = time.perf_counter()
        tag = extensions_image(client, image, major, has_pgtap)
        built = time.perf_counter() - started
        yield from _run_container(podman, tag, _server_command(has_pgtap), image, built, api_env["DOCKER_HOST"])


def _server_command(has_extensions: bool) -> str:
    """fsync off; the libraries hosted Supabase preloads (Supabase's own image preloads them itself)."""
    command = "postgres -c fsync=off -c full_page_writes=off -c max_connections=120"
    if not has_extensions:
        command += " -c shared_preload_libraries=pg_stat_statements,pg_cron"
    return command + f" -c cron.database_name={CRON_DATABASE} -c cron.host=/var/run/postgresql"


def _run_container(podman: bool, tag: str, command: str, image: str, built: float, docker_host: str):
    from testcontainers.community.postgres import PostgresContainer

    password = secrets.token_hex(16)
    owner = f"{OWNER_LABEL}={process_identity(os.getpid())}"
    container = (PostgresContainer(tag, username=SUPERUSER, password=password, dbname="postgres", driver=None)
                 .with_command(command)
                 .with_kwargs(labels={OWNER_LABEL: owner.split("=", 1)[1]}))
    container.ports[str(PORT)] = (LOOPBACK,)  # published on the loopback only, on a port the engine picks
    volume = _memory_volume(docker_host)
    if volume is not None:
        try:
            container.with_volume_mapping(str(volume.path / "data"), _pgdata(tag), "rw")
        except BaseException:
            volume.remove()
            raise
    started = time.perf_counter()
    janitor = Janitor.get()
    token = janitor.register("remove_containers", docker_host=docker_host, label=owner)  # before it exists
    try:
        try:
            container.start()
        except BaseException as exc:
            tail = _log_tail(container)
            raise ServerStartFailed(f"container {tag} did not become ready: {exc}", tail) from exc
        port = int(container.get_exposed_port(PORT))
        server = Server(
            kind="container", host=LOOPBACK, port=port, superuser=SUPERUSER, password=password, tcp_port=port,
            startup_seconds=time.perf_counter() - started,
            details={"image": tag, "base_image": image, "image_build_seconds": f"{built:.1f}",
                     "engine": "podman" if podman else "docker", "published": _published(container)},
        )
        # psql and pg_dump run inside the container: its client tools are the server's major, the host's may not be
        server.client_container = ("podman" if podman else "docker", container.get_wrapped_container().id)
        server.crash_and_start = lambda: _restart(container, server)
        yield server
    finally:
        _stop(container)
        janitor.done(token)
        if volume is not None:
            volume.remove()


def _memory_volume(docker_host: str) -> TempDir | None:
    """A directory in memory for the container's data, where the engine runs here, as root (whose files the
    run can remove): the server's files then cost what they cost the embedded server, and a restart keeps them
    (a tmpfs mount would not). None elsewhere: the data stays in the container."""
    root = memory_root()
    if root is None or os.geteuid() != 0 or not docker_host.startswith("unix://"):
        return None
    volume = TempDir("volume", root)
    (volume.path / "data").mkdir(mode=0o700)
    return volume


def _pgdata(tag: str) -> str:
    """Where the image keeps its data (its PGDATA)."""
    import docker

    env = docker.from_env().images.get(tag).attrs["Config"].get("Env") or []
    return next((e.split("=", 1)[1] for e in env if e.startswith("PGDATA=")), "/var/lib/postgresql/data")


def _remove_stale(client) -> None:
    """Containers of earlier runs whose process is gone (killed before anything could clean up)."""
    with contextlib.suppress(Exception):
        for found in client.client.containers.list(all=True, filters={"label": OWNER_LABEL}):
            owner = found.labels.get(OWNER_LABEL, "")
            if owner and process_identity(int(owner.split(":")[0])) != owner:
                found.remove(force=True)


def _published(container) -> str:
    """Where the engine publishes the server's port on this machine, as it says ("0.0.0.0:N" for every
    address)."""
    wrapped = container.get_wrapped_container()
    wrapped.reload()
    bindings = (wrapped.attrs.get("NetworkSettings", {}).get("Ports") or {}).get(f"{PORT}/tcp") or []
    return ", ".join(f"{b.get('HostIp') or '0.0.0.0'}:{b.get('HostPort')}" for b in bindings)


def _restart(container, server: Server) -> None:
    """Kill the server process (SIGKILL: no shutdown checkpoint) and start the container again."""
    wrapped = container.get_wrapped_container()
    wrapped.kill()
    wrapped.start()
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        with contextlib.suppress(Exception):
            wrapped.reload()
            server.port = server.tcp_port = int(container.get_exposed_port(PORT))
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
