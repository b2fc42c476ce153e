# The two entry points (both do their own set-up first):
#   make verify   the full verification on the embedded default: reports/evidence.md, exit 1 on any failed verdict
#   make test     the test suite (tox: lint, schema + conformance, pgTAP through pg_prove)
.PHONY: setup verify test bench bench-compare

setup:
	@scripts/setup.sh

verify: setup
	.venv/bin/tox -e verify

test: setup
	.venv/bin/tox

bench: setup
	.venv/bin/tox -e bench

bench-compare: setup
	.venv/bin/tox -e bench-compare
