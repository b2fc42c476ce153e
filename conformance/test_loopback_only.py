"""Test traffic stays on this machine: the server under test takes connections on the loopback (and its unix
socket) only, whichever backend started it."""

import pytest

from certlog.database import connections as databases

LOOPBACK = "127.0.0.1"


def test_the_server_under_test_listens_on_the_loopback_only(server):
    if server.kind == "external":
        pytest.skip("an external server's addresses are its owner's to choose")
    if server.kind == "container":
        published = server.details["published"].split(", ")
        assert all(p.startswith(f"{LOOPBACK}:") for p in published), (  # none published: [""], a failure too
            f"the container's port is published on {server.details['published']}, not on the loopback only")
    else:
        with databases.connect(server, "postgres") as conn:
            assert conn.execute("show listen_addresses").fetchone()[0] == LOOPBACK
