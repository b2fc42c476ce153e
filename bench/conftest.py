"""Benchmark fixtures: the table at each requested scale, and what every benchmark records.

Scales come from CERTLOG_BENCH_SCALES (comma-separated row counts, default the seed size,
50 000); for example CERTLOG_BENCH_SCALES=50000,500000,5000000.
"""


import pytest

from certlog.database import connections as databases
from certlog.database import plans
from certlog.plugin.fixtures import settings_of


def pytest_generate_tests(metafunc):
    if "rows" in metafunc.fixturenames:
        scales = settings_of(metafunc.config).bench_scales
        metafunc.parametrize("rows", scales, ids=[f"{r}rows" for r in scales], scope="session")


@pytest.fixture(scope="session")
def scaled_templates(harness, shared_dbs):
    """Seeded databases by row count, each built once per session however the benchmarks are ordered."""
    built: dict[int, str] = {harness.settings.seed_rows: shared_dbs["legacy"]}

    def get(rows: int) -> str:
        if rows not in built:
            built[rows] = harness.scaled_template(rows)
        return built[rows]

    return get


@pytest.fixture
def superuser_of(server):
    """superuser_of(db): a superuser connection to a benchmark database (for auto_explain)."""
    return lambda dbname: databases.connect(server, dbname)


@pytest.fixture
def scaled_db(rows, scaled_templates) -> str:
    """A database seeded with `rows` log rows (legacy privileges); benchmarks roll back what they write."""
    return scaled_templates(rows)


@pytest.fixture(scope="session")
def server_version(server) -> str:
    with databases.connect(server, "postgres") as conn:
        return conn.execute("show server_version").fetchone()[0]


@pytest.fixture
def record(benchmark, server, server_version):
    """record(rows=..., plan=...): the context every saved benchmark carries."""

    def _record(*, rows: int, plan: dict | None = None, **extra):
        benchmark.extra_info.update(rows=rows, postgresql=server_version, backend=server.kind, **extra)
        if plan is not None:
            scans = [n.node_type + (f" using {n.index}" if n.index else "")
                     for n in plans.nodes(plan) if n.relation == "cert_notification_log" or n.index]
            benchmark.extra_info["scan"] = "; ".join(scans)

    return _record
