"""One owner per fact: what derives from the table contract (and the settings) is up to date.

The pgTAP structure test and the README's generated blocks are committed copies; they must be
exactly what `certlog contract --write` would write from certlog/data/contract.toml and
certlog/settings.py.
"""

import json
import os
import subprocess

import pytest

from certlog import derived
from certlog.model.contract import load
from certlog.paths import ROOT


@pytest.mark.repository
@pytest.mark.requirement("AC-4", "AC-7")
@pytest.mark.parametrize("path", list(derived.expected()), ids=lambda p: str(p.relative_to(ROOT)))
def test_derived_file_is_what_the_contract_says(path):
    assert path.read_text() == derived.expected()[path], f"{path.name} is stale: run `certlog contract --write`"


@pytest.mark.repository
@pytest.mark.requirement("IMPL-1")
def test_the_edge_functions_schedule_is_the_contracts(settings):
    """The Edge Function's code states the schedule for its runtime; it must be the contract's."""
    if not settings.deno.exists():
        pytest.fail(f"Deno is not installed at {settings.deno}: run `npm ci` (make setup does)", pytrace=False)
    module = ROOT / "supabase" / "functions" / "_shared" / "cert_notifications.ts"
    out = subprocess.run([str(settings.deno), "eval", f"import {{ SCHEDULE }} from '{module.as_uri()}'; "
                          "console.log(JSON.stringify(SCHEDULE))"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "NO_COLOR": "1"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {n.name: n.days_before for n in load().notification_types}
