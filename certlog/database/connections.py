"""Connections to a server, and the statements that create and drop its databases (one spelling each)."""

from __future__ import annotations

import psycopg
from psycopg import sql

from certlog.provision.server import Server


def connect(server: Server, dbname: str, user: str | None = None, **kwargs) -> psycopg.Connection:
    return psycopg.connect(server.conninfo(dbname, user), **kwargs)


def create_database(conn, name: str, *, template: str | None = None, owner: str | None = None) -> None:
    """On an autocommit connection; a clone of `template` is a file copy (no WAL for every page)."""
    statement = sql.SQL("create database {}").format(sql.Identifier(name))
    if owner:
        statement += sql.SQL(" owner {}").format(sql.Identifier(owner))
    if template:
        statement += sql.SQL(" template {} strategy file_copy").format(sql.Identifier(template))
    conn.execute(statement)


def drop_database(conn, name: str) -> None:
    """On an autocommit connection; whoever is still connected is disconnected."""
    conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
