# The two entry points (both do their own set-up first, scripts/setup.sh):
#   make verify   the main job: every requirement's verdict on the embedded PostgreSQL 15, evidence in reports/
#   make test     the test gate (tox -e gate): lint, the suite, mutation tests, containers, majors, benchmarks
# tox runs through scripts/tox.sh, which passes a SIGTERM on as Ctrl-C and waits, so nothing outlives make.
.PHONY: setup verify test

setup:
	@scripts/setup.sh

verify: setup
	scripts/tox.sh -e verify

test: setup
	scripts/tox.sh -e gate
