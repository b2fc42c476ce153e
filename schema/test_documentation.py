"""AC-4: the idempotency_key format is documented where a developer reads it (the README).

The column comment in the database states it too: the pgTAP structure test checks that.
"""

import pytest

from certlog.model.contract import load
from certlog.paths import ROOT


@pytest.mark.repository
@pytest.mark.requirement("AC-4")
def test_readme_states_the_key_format_and_how_to_insert():
    readme = (ROOT / "README.md").read_text()
    key_format = load().documentation_mentions[1]
    assert key_format in readme
    assert "onConflict: 'idempotency_key', ignoreDuplicates: true" in readme
