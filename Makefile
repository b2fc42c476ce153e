# The two entry points (both do their own set-up first, scripts/setup.sh):
#   make verify   the main job: every requirement's verdict on the embedded PostgreSQL 15, evidence in reports/
#   make test     the test gate (tox -e gate): lint, the suite, mutation tests, containers, majors, benchmarks
.PHONY: setup verify test

setup:
	@scripts/setup.sh

verify: setup
	.venv/bin/tox -e verify

test: setup
	.venv/bin/tox -e gate
