"""One owner per fact: what derives from the table contract (and the settings) is up to date.

The pgTAP structure test and the README's generated blocks are committed copies; they must be
exactly what `certlog contract --write` would write from certlog/data/contract.toml and
certlog/settings.py.
"""

import pytest

from certlog.paths import ROOT
from certlog.runners import derived


@pytest.mark.repository
@pytest.mark.requirement("AC-4", "AC-7")
@pytest.mark.parametrize("path", list(derived.expected()), ids=lambda p: str(p.relative_to(ROOT)))
def test_derived_file_is_what_the_contract_says(path):
    assert path.read_text() == derived.expected()[path], f"{path.name} is stale: run `certlog contract --write`"
