"""AC-2: the composite index as a reviewer confirms it, in the real `psql \\d+` output."""

import re

import pytest

from certlog.database import connections as databases
from certlog.database import psql, queries
from certlog.model.contract import load
from certlog.model.evidence import Describe


@pytest.mark.requirement("AC-2")
def test_composite_index_is_shown_by_psql_describe(server, catalog_db, evidence):
    contract = load()
    output = psql.describe(server, catalog_db, contract.qualified)
    with databases.connect(server, catalog_db) as conn:
        comments = {r["column_name"]: r["comment"]
                    for r in queries.rows(conn, "column_comments", {"table": contract.qualified})}
    evidence.put(Describe(table=contract.qualified, output=output, comments=comments))
    section = re.search(r"^Indexes:\n((?:    .*\n)+)", output, re.MULTILINE)
    lines = [line.strip() for line in section.group(1).splitlines()] if section else []
    index = contract.composite_index
    wanted = rf'"{index.name}" {index.method} \({", ".join(index.columns)}\)'
    assert any(re.fullmatch(wanted, line) for line in lines), (
        f"psql \\d+ shows no index {index.name} {index.method} ({', '.join(index.columns)}); its indexes: "
        + ("; ".join(lines) or "none"))
