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
    lazy: bool = False  # templates built when first needed, legacy-mode tests first (the plugin's ordering)
    cron_template: str | None = None
    docker_env: Callable[[], dict[str, str]] | None = None  # the runner's Docker API, started once for its sessions


@dataclass(eq=False)
class ProvidedSettings:
    """The session's settings, handed in by a runner instead of read from the environment."""

    settings: Settings
    first: tuple[str, ...] = ()  # node-id prefixes to run before the rest (the tests that must catch a mutant)
    suspects: tuple[str, ...] = ()  # requirements a mutant says it breaks: their tests run before the others'


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
    """Made whole by `Harness.open` (a server, its stand-in roles, the run's databases and scratch directory);
    `close` removes everything it started."""

    settings: Settings
    say: Callable[[str], None]
    server: Server
    provenance: Provenance
    workspace: Workspace
    scratch: TempDir
    stack: contextlib.ExitStack
    provided: ProvidedServer | None = None  # a runner's server (its base database, laziness and Docker API too)
    cron_template: str | None = None  # every database is cloned from it, so has pg_cron (standin.cron)
    on_template: Callable[[build.PreparedTemplate], None] = lambda template: None
    _cli: SupabaseCli | None = None
    _docker: dict[str, str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, settings: Settings, say: Callable[[str], None], provided: ProvidedServer | None = None, *,
             on_template: Callable[[build.PreparedTemplate], None] = lambda template: None) -> Harness:
        """The server (started here, or a runner's), the run's scratch directory and databases."""
        stack = contextlib.ExitStack()
        try:
            if provided is not None:
                server, provenance, cron_template = provided.server, provided.provenance, provided.cron_template
            else:
                say(f"starting PostgreSQL (backend: {settings.backend})")
                server = stack.enter_context(start_server(settings))
                provenance = standin.install_roles(server)
                if server.kind == "external":  # leave it as it was found
                    stack.callback(standin.remove_supplied, server, provenance)
                cron_template = cron.prepare(server, provenance)
            scratch = TempDir("run")
            stack.callback(scratch.remove)
            workspace = Workspace(server)
            stack.callback(workspace.close)
        except BaseException:
            stack.close()
            raise
        return cls(settings, say, server, provenance, workspace, scratch, stack, provided, cron_template, on_template)

    @property
    def lazy(self) -> bool:
        """Templates built when a test first needs them (the mutation runs), else all at once."""
        return self.provided is not None and self.provided.lazy

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
        with self._lock:
            if self._docker is None:
                given = self.provided.docker_env if self.provided else None
                self._docker = given() if given else self.stack.enter_context(docker_api())
            return self._docker

    @property
    def cli(self) -> SupabaseCli:
        with self._lock:
            if self._cli is None:
                self._cli = SupabaseCli(self.settings.supabase_cli, self.server, self.scratch.path)
                self.stack.callback(self._cli.stop)  # a command still running when the session ends is ended first
            return self._cli

    def stop_cli(self) -> None:
        """End the CLI's commands still running (an interrupted session), if the CLI was ever used."""
        if self._cli is not None:
            self._cli.stop()

    @cached_property
    def data(self) -> seed.SeedPlan:
        if self.provided is not None and self.provided.data is not None:
            return self.provided.data
        return seed.plan(self.settings.seed_rows, self.settings.seed)

    @cached_property
    def base(self) -> str:
        if self.provided is not None and self.provided.base is not None:
            return self.provided.base
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
