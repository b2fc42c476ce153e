"""An existing server, given as a superuser connection string (CERTLOG_DATABASE_URL).

Every role the harness logs in as (postgres, authenticator) is assumed to share
the password of that connection string, as on a local `supabase start` database.
"""

from __future__ import annotations

from contextlib import contextmanager

import psycopg
from psycopg.conninfo import conninfo_to_dict

from certlog.errors import BackendUnavailable
from certlog.provision.server import Server


@contextmanager
def external_server(url: str):
    params = conninfo_to_dict(url)
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            is_super = conn.execute("select rolsuper from pg_roles where rolname = current_user").fetchone()[0]
    except psycopg.OperationalError as exc:
        raise BackendUnavailable(f"CERTLOG_DATABASE_URL is not reachable: {exc}".strip()) from exc
    if not is_super:
        raise BackendUnavailable(
            f"CERTLOG_DATABASE_URL connects as {params.get('user')!r}, which is not a superuser; "
            "the harness creates databases and roles, so use supabase_admin (or another superuser)"
        )
    host, port = params.get("host", "127.0.0.1"), int(params.get("port", 5432))
    tcp = not host.startswith("/")  # the Supabase CLI reaches the server the same way, over TCP
    yield Server(kind="external", host=host, port=port, superuser=params.get("user", "postgres"),
                 password=params.get("password"), tcp_port=port if tcp else None, tcp_host=host)
