"""Create, clone and drop databases on a server."""

from __future__ import annotations

import psycopg
from psycopg import sql

from certlog.provision.server import Server


def connect(server: Server, dbname: str, user: str | None = None, **kwargs) -> psycopg.Connection:
    return psycopg.connect(server.conninfo(dbname, user), **kwargs)


def create_database(server: Server, name: str, *, template: str | None = None) -> None:
    statement = sql.SQL("create database {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" template {} strategy file_copy").format(sql.Identifier(template))
    with connect(server, "postgres", autocommit=True) as conn:
        conn.execute(statement)


def drop_database(server: Server, name: str) -> None:
    with connect(server, "postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
