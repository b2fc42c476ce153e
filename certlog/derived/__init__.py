"""Files derived from the one place their facts are declared, committed so that tools read them as they are:
the pgTAP tests generated from the contract and the key vectors, the README's and tox.ini's generated blocks.
`certlog contract` checks them (the suite fails while any differs); `certlog contract --write` rewrites them."""

from __future__ import annotations

from pathlib import Path

from certlog.derived import pgtap, readme, tox
from certlog.model import contract, keys, rule
from certlog.paths import ROOT

README = ROOT / "README.md"
TOX = ROOT / "tox.ini"


def expected() -> dict[Path, str]:
    """Each derived file, and what it must hold."""
    return {pgtap.STRUCTURE_FILE: pgtap.render(contract.load()),
            pgtap.VECTORS_FILE: pgtap.render_vectors(contract.load(), keys.vectors()),
            pgtap.CRON_FILE: pgtap.render_cron(contract.load()),
            pgtap.RULE_VECTORS_FILE: pgtap.render_rule_vectors(contract.load(), rule.vectors()),
            README: readme.regenerate(README.read_text()),
            TOX: tox.regenerate(TOX.read_text())}
