"""What the suite itself costs: seeding 50 000 rows, and provisioning a server plus the migration."""

import itertools

from certlog import standin
from certlog.database import connections, seed
from certlog.database.workspace import Workspace
from certlog.provision import start_server
from certlog.session.templates import push
from certlog.standin import cron
from certlog.tools.supabase_cli import SupabaseCli

SEED_ROWS = 50_000


def test_seed_50000_rows(benchmark, record, harness, settings, templates):
    """Generating and loading people and log rows into a migrated database with no rows yet."""
    empty = harness.workspace.create("bench_empty", template=harness.base)  # people seeded: removed below
    push(harness.cli, empty, settings.migrations_dir)
    with connections.connect(harness.server, empty, autocommit=True) as conn:
        conn.execute("truncate public.users, public.peer_mentor_certifications cascade")
    names = (f"bench_seed_{i}" for i in itertools.count())
    created = []

    def setup():
        name = harness.workspace.create(next(names), template=empty)
        created.append(name)
        return (name,), {}

    def load(name):
        return seed.seed(lambda: connections.connect(harness.server, name, autocommit=True), SEED_ROWS,
                         settings.seed)

    try:
        report = benchmark.pedantic(load, setup=setup, rounds=3)
    finally:
        for name in [*created, empty]:
            harness.workspace.drop(name)
    record(rows=SEED_ROWS)
    assert report.log_rows == SEED_ROWS


def test_provision_and_migrate(benchmark, record, settings, harness):
    """A fresh server of the configured backend, the Supabase stand-in, and the migration pushed by the CLI."""

    def provision():
        with start_server(settings) as fresh:
            provenance = standin.install_roles(fresh)
            template = cron.prepare(fresh, provenance)
            workspace = Workspace(fresh)
            try:
                name = workspace.create("provision", template=template)
                standin.install_database(fresh, name, provenance)
                standin.set_privilege_mode(fresh, name, "legacy")
                push(SupabaseCli(settings.supabase_cli, fresh, harness.scratch.path), name, settings.migrations_dir)
            finally:
                workspace.close()
            return fresh.kind

    kind = benchmark.pedantic(provision, rounds=3)
    record(rows=0, provisioned=kind)
    assert kind in ("embedded", "container", "external")
