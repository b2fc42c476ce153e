"""What the suite itself costs: seeding 50 000 rows, and provisioning a server plus the migration."""

import dataclasses
import itertools

from certlog import standin
from certlog.database import connections as databases
from certlog.database import seed
from certlog.database import templates as prepare
from certlog.paths import migration_files
from certlog.provision import start_server

SEED_ROWS = 50_000


def test_seed_50000_rows(benchmark, record, server, settings, templates):
    empty = "certlog_bench_empty"
    prepare.build_empty(server, settings, "legacy", empty)
    names = (f"certlog_bench_seed_{i}" for i in itertools.count())
    created = []

    def setup():
        name = next(names)
        databases.create_database(server, name, template=empty)
        created.append(name)
        return (name,), {}

    def load(name):
        with databases.connect(server, name, autocommit=True) as conn:
            return seed.seed(conn, SEED_ROWS, settings.seed)

    try:
        report = benchmark.pedantic(load, setup=setup, rounds=3)
    finally:
        for name in [*created, empty]:
            databases.drop_database(server, name)
    record(rows=SEED_ROWS)
    assert report.log_rows == SEED_ROWS


def test_provision_and_migrate(benchmark, record, settings):
    """A fresh server of the configured backend, the Supabase stand-in, and the migration applied."""

    def provision():
        with start_server(dataclasses.replace(settings)) as fresh:
            prepare.build_base(fresh)
            standin.set_privilege_mode(fresh, prepare.BASE_DB, "legacy")
            prepare.apply_migrations(fresh, prepare.BASE_DB, migration_files(settings.migrations_dir))
            return fresh.kind

    kind = benchmark.pedantic(provision, rounds=3)
    record(rows=0, provisioned=kind)
    assert kind in ("embedded", "container", "external")
