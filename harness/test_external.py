"""On a server it did not start (the external backend, e.g. a `supabase start` database), a run changes
nothing that exists and leaves nothing behind, and its evidence says which Supabase pieces were the server's.

The server here is a fresh cluster given Supabase's roles first, with settings of its own that differ from
the stand-in's, as a real project's may."""

import os
import subprocess
import sys

import pytest
from psycopg import sql

from certlog import standin
from certlog.database.connections import connect
from certlog.paths import ROOT
from certlog.plugin.results import load
from certlog.provision.embedded import embedded_server

OWN_SETTINGS = {("postgres", "search_path"): "public, extensions, \"$user\"", ("anon", "statement_timeout"): "'5s'"}


@pytest.fixture
def supabase_like_server():
    with embedded_server() as server:
        standin.install_roles(server)
        with connect(server, "postgres", autocommit=True) as conn:
            for (role, name), value in OWN_SETTINGS.items():
                conn.execute(sql.SQL("alter role {} set {} = {}").format(
                    sql.Identifier(role), sql.Identifier(name), sql.SQL(value)))
            conn.execute(sql.SQL("alter role supabase_admin password {}").format(sql.Literal(server.password)))
        yield server


def _state(server) -> dict:
    with connect(server, "postgres") as conn:
        return {
            "databases": sorted(d for (d,) in conn.execute("select datname from pg_database")),
            "roles": sorted(r for (r,) in conn.execute("select rolname from pg_roles")),
            "settings": sorted(map(tuple, conn.execute(
                "select r.rolname, s.setconfig::text from pg_db_role_setting s join pg_roles r on r.oid = s.setrole"))),
            "members": sorted(map(tuple, conn.execute("select roleid::regrole::text, member::regrole::text "
                                                      "from pg_auth_members"))),
        }


def test_an_external_run_changes_nothing_and_leaves_nothing(supabase_like_server, tmp_path):
    server = supabase_like_server
    before = _state(server)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTLOG_")}
    env.update(CERTLOG_DATABASE_URL=server.tcp_url("postgres", "supabase_admin"), CERTLOG_REPORT_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-m", "certlog", "test", "-q", "-k", "describe or migration_files",
                          f"--certlog-results={tmp_path / 'results.json'}"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert _state(server) == before
    pieces = {p.piece: p.source for p in load(tmp_path / "results.json").standin}
    assert {pieces[f"role {r}"] for r in ("postgres", "anon", "authenticated", "service_role", "authenticator")} == {
        "server"}
