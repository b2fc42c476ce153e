#!/usr/bin/env bash
# tox, as make runs it. tox ends at once on SIGTERM, leaving its command (certlog) to clean up on its own after the
# prompt has returned; a Ctrl-C from a terminal reaches tox and certlog together, and tox then waits for certlog.
# So tox runs in a session of its own, and a SIGTERM (make forwards one; a CI job being cancelled) or a Ctrl-C
# reaches that whole session as a terminal's Ctrl-C would; this script returns only once tox, and with it
# everything certlog started, is done.
set -uo pipefail
cd "$(dirname "$0")/.."
setsid .venv/bin/tox "$@" &
tox=$!
ended=""
stop() { ended=$1; kill -INT -- "-$tox" 2>/dev/null; }
trap 'stop 143' TERM
trap 'stop 130' INT
status=0
while :; do
  wait "$tox"
  status=$?
  kill -0 "$tox" 2>/dev/null || break  # a trapped signal ended the wait, not tox
done
exit "${ended:-$status}"
