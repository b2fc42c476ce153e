"""What one test session stands on: a server, the run's databases, the templates, the Supabase CLI.

The server is started here, or handed over by a runner that keeps one server for many
sessions (the mutation tests); everything else belongs to the session and is removed with it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import psycopg

from certlog import standin
from certlog.database import seed
from certlog.database.workspace import Workspace
from certlog.provision import start_server
from certlog.provision.docker_api import docker_api
from certlog.provision.server import Server
from certlog.provision.tempdirs import TempDir
from certlog.session import templates as build
from certlog.session.lazy import Lazy
from certlog.settings import PRIVILEGE_MODES, Settings
from certlog.standin import Provenance, cron
from certlog.tools.supabase_cli import SupabaseCli


@dataclass(eq=False)  # a pytest plugin: hashed by identity
class ProvidedServer:
    """A server (with the stand-in's roles installed) that outlives the session: handed in by a runner."""

    server: Server
    provenance: Provenance
    base: str | None = None  # a base database built by the runner (its seed plan in `data`)
    data: seed.SeedPlan | None = None
    lazy: bool = False  # templates built when first needed, legacy-mode tests first (see session.run_session)
    cron_template: str | None = None
    docker_env: Callable[[], dict[str, str]] | None = None  # the runner's Docker API, started once for its sessions


@dataclass(eq=False)
class ProvidedSettings:
    """The session's settings, handed in by a runner instead of read from the environment."""

    settings: Settings


def provided(config, kind: type):
    """The object of `kind` a runner passed to pytest.main(plugins=...), if any."""
    return next((p for p in config.pluginmanager.get_plugins() if isinstance(p, kind)), None)


def available_extensions(server: Server) -> set[str]:
    """Extensions the server can create (and, for those that must be preloaded, has loaded)."""
    from certlog.database.connections import connect

    with connect(server, "postgres", autocommit=True) as conn:
        names = {n for (n,) in conn.execute("select name from pg_available_extensions")}
        preloaded = conn.execute("show shared_preload_libraries").fetchone()[0]
        try:  # a module, not an extension: the batch check's plan is read through it
            conn.execute("load 'auto_explain'")
            names.add("auto_explain")
        except psycopg.Error:
            pass
    return {n for n in names if n not in ("pg_cron", "pg_stat_statements") or n in preloaded}


@dataclass
class Harness:
    settings: Settings
    say: Callable[[str], None]
    stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    server: Server | None = None
    provenance: Provenance | None = None
    workspace: Workspace | None = None
    scratch: TempDir | None = None
    on_template: Callable[[build.PreparedTemplate], None] = lambda template: None
    lazy: bool = False  # build each template when a test first needs it (the mutation runs), else all at once
    cron_template: str | None = None  # every database is cloned from it, so has pg_cron (standin.cron)
    provided_docker: Callable[[], dict[str, str]] | None = None
    _docker: dict[str, str] | None = None
    _docker_lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, provided: ProvidedServer | None) -> Server:
        if provided is not None:
            self.server, self.provenance = provided.server, provided.provenance
            self.cron_template = provided.cron_template
            self.provided_docker = provided.docker_env
            if provided.base is not None:
                self.__dict__.update(base=provided.base, data=provided.data)  # the cached properties, given
            self.lazy = provided.lazy
        else:
            self.say(f"starting PostgreSQL (backend: {self.settings.backend})")
            self.server = self.stack.enter_context(start_server(self.settings))
            self.provenance = standin.install_roles(self.server)
            if self.server.kind == "external":  # leave it as it was found
                self.stack.callback(standin.remove_supplied, self.server, self.provenance)
            self.cron_template = cron.prepare(self.server, self.provenance)
        self.scratch = TempDir("run")
        self.stack.callback(self.scratch.remove)
        self.workspace = Workspace(self.server)
        self.stack.callback(self.workspace.close)
        return self.server

    def close(self) -> None:
        self.stack.close()

    def provide(self, *, with_base: bool = False, lazy: bool = False) -> ProvidedServer:
        """This harness's server, for sessions a runner starts on it (the mutation tests, the majors)."""
        return ProvidedServer(self.server, self.provenance, self.base if with_base else None,
                              self.data if with_base else None, lazy=lazy, cron_template=self.cron_template,
                              docker_env=self.docker)

    def docker(self) -> dict[str, str]:
        """A Docker API (DOCKER_HOST and Testcontainers' settings) for the CLI's `test db` container: started on
        first use, once per harness (a runner's sessions share the runner's), ended with it."""
        with self._docker_lock:
            if self._docker is None:
                self._docker = (self.provided_docker() if self.provided_docker
                                else self.stack.enter_context(docker_api()))
            return self._docker

    @cached_property
    def cli(self) -> SupabaseCli:
        cli = SupabaseCli(self.settings.supabase_cli, self.server, self.scratch.path)
        self.stack.callback(cli.stop)  # a command still running when the session ends is ended first
        return cli

    @cached_property
    def data(self) -> seed.SeedPlan:
        return seed.plan(self.settings.seed_rows, self.settings.seed)

    @cached_property
    def base(self) -> str:
        self.say("building the base database (Supabase stand-in, Tier 0, seeded people)")
        return build.build_base(self.workspace, self.provenance, self.data, template=self.cron_template)

    @cached_property
    def migrated(self) -> Lazy:
        """mode -> MigratedTemplate (pushed, no log rows yet), each built when first needed."""
        return Lazy(PRIVILEGE_MODES, lambda mode: build.build_migrated(
            self.workspace, self.cli, self.base, mode, self.settings.migrations_dir, progress=self.say))

    @cached_property
    def templates(self) -> Lazy:
        """mode -> PreparedTemplate (seeded, applied again), each built when first needed from the migrated one;
        on_template(t) is told of each."""
        def make(mode: str) -> build.PreparedTemplate:
            made = build.build_template(self.workspace, self.cli, self.migrated[mode], self.settings.migrations_dir,
                                        self.data, progress=self.say, repeat_push=not self.lazy)
            self.on_template(made)
            return made

        return Lazy(PRIVILEGE_MODES, make)

    @cached_property
    def available_extensions(self) -> set[str]:
        return available_extensions(self.server)

    @cached_property
    def server_version(self) -> str:
        from certlog.database.connections import connect

        with connect(self.server, "postgres") as conn:
            return "PostgreSQL " + conn.execute("show server_version").fetchone()[0]

    def scaled_template(self, rows: int) -> str:
        """A legacy-mode template seeded with `rows` log rows (benchmarks at other scales)."""
        if rows == self.settings.seed_rows:
            return self.templates["legacy"].name
        data = seed.plan(rows, self.settings.seed)
        base = build.build_base(self.workspace, self.provenance, data, what=f"base_{rows}",
                                template=self.cron_template)
        def progress(message: str) -> None:
            self.say(f"[{rows:,} rows] {message}")

        migrated = build.build_migrated(self.workspace, self.cli, base, "legacy", self.settings.migrations_dir,
                                        progress=progress, what=f"migrated_{rows}")
        built = build.build_template(self.workspace, self.cli, migrated, self.settings.migrations_dir, data,
                                     progress=progress, what=f"tmpl_{rows}")
        return built.name

    def clone(self, what: str, mode: str = "legacy", *, seeded: bool = True) -> str:
        """A clone of the mode's seeded template, or (seeded=False) of its migrated one: the catalog alone."""
        template = self.templates[mode] if seeded else self.migrated[mode]
        return self.workspace.create(what, template=template.name)
