"""Switch roles exactly the way PostgREST does.

PostgREST logs in as `authenticator` (NOINHERIT) and, inside each request's
transaction, runs set_config('role', <role from the JWT>, true) and
set_config('request.jwt.claims', <claims json>, true).
"""

from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager

import psycopg

from certlog.database.connections import connect
from certlog.provision.server import Server

SWITCH = "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)"


def claims(role: str, sub: uuid.UUID | str | None = None, **extra) -> dict:
    """The claims of a Supabase JWT for `role` (the anon or service-role key, or a user's token)."""
    now = int(time.time())
    body = {"iss": "supabase", "role": role, "iat": now, "exp": now + 3600}
    if sub is not None:
        body.update(sub=str(sub), aud="authenticated")
    body.update(extra)
    return body


class PostgrestSession:
    """One `authenticator` connection; each `request()` is one transaction under one role."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    @contextmanager
    def request(self, role: str, jwt_claims: dict | None = None, *, commit: bool = False):
        body = jwt_claims if jwt_claims is not None else claims(role)
        with self.conn.transaction(force_rollback=not commit):
            self.conn.execute(SWITCH, (role, json.dumps(body)))
            yield self.conn


@contextmanager
def postgrest_session(server: Server, dbname: str):
    with connect(server, dbname, user="authenticator", autocommit=True) as conn:
        yield PostgrestSession(conn)
