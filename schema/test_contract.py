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
@pytest.mark.requirement("IMPL-1", "RULE-1")
def test_the_edge_functions_schedule_and_rule_are_the_contracts(settings):
    """The Edge Function's code states the schedule and the rule's numbers for its runtime: they must be the
    contract's."""
    if not settings.deno.exists():
        pytest.fail(f"Deno is not installed at {settings.deno}: run `npm ci` (make setup does)", pytrace=False)
    module = ROOT / "supabase" / "functions" / "_shared" / "cert_notifications.ts"
    out = subprocess.run([str(settings.deno), "eval", f"import {{ RULE, SCHEDULE }} from '{module.as_uri()}'; "
                          "console.log(JSON.stringify({ RULE, SCHEDULE }))"], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "NO_COLOR": "1"})
    assert out.returncode == 0, out.stderr
    contract = load()
    assert json.loads(out.stdout) == {
        "SCHEDULE": {n.name: n.days_before for n in contract.notification_types},
        "RULE": {"correction_days": contract.rule.correction_days,
                 "expired_catch_up_days": contract.rule.expired_catch_up_days}}
