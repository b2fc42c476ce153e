#!/usr/bin/env bash
# One-time set-up, safe to run again, fast when nothing is missing:
#   - system packages (Debian, as root): PostgreSQL 15 with pgTAP, pg_prove, plpgsql_check (supabase db lint)
#     and pg_cron (Supabase Cron); podman, runc and debootstrap (a Docker API and the locally built images)
#   - the locally built container images (scripts/build-images.sh), once per machine
#   - the Supabase CLI and Deno, pinned in package.json / package-lock.json (npm ci)
#   - .venv with the pinned tox and tox-uv (tox then builds its environments from pyproject.toml)
# Elsewhere (not Debian, not root) it says exactly what to install, and exits 3.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR="${CERTLOG_PG_MAJOR:-15}"
TOX_VERSION="4.67.15"
TOX_UV_VERSION="1.37.1"
say() { echo "setup: $*" >&2; }

wanted=("postgresql-${PG_MAJOR}" "postgresql-${PG_MAJOR}-pgtap" "libtap-parser-sourcehandler-pgtap-perl"
        "postgresql-${PG_MAJOR}-plpgsql-check" "postgresql-${PG_MAJOR}-cron" podman runc debootstrap)
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]} (apt-get)"
    # The suite runs its own throwaway clusters: no system cluster wanted.
    mkdir -p /etc/postgresql-common
    grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf \
      || echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing system packages: ${missing[*]}"
    say "install them (Debian/Ubuntu: sudo apt-get install ${missing[*]})"
    exit 3
  fi
fi

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  say "Node.js and npm are needed for the pinned Supabase CLI and Deno (Debian: apt-get install nodejs npm)"
  exit 3
fi
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
npm_job=""
if [ "$(cat node_modules/.certlog-lock 2>/dev/null)" != "$lock_sum" ]; then
  say "installing the Supabase CLI and Deno from package-lock.json (npm ci, beside the rest)"
  # The stamp is written last: an interrupted install is redone by the next run.
  setsid -w bash -c 'npm ci --no-audit --no-fund --loglevel=error >/dev/null && echo "$1" > node_modules/.certlog-lock' \
    npm-ci "$lock_sum" &
  npm_job=$!
  # Whatever ends this script early (a failed step, Ctrl-C, kill) ends the install too: never two at once.
  # (Its own process group once started; the job itself if it has not got that far.)
  trap '[ -z "$npm_job" ] || { kill -- "-$npm_job" 2>/dev/null || kill "$npm_job" 2>/dev/null
                               wait "$npm_job" 2>/dev/null || true; }' EXIT
fi

scripts/build-images.sh

pinned_tox() {
  .venv/bin/python - "$TOX_VERSION" "$TOX_UV_VERSION" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
sys.exit((version("tox"), version("tox-uv")) != tuple(sys.argv[1:]))
PY
}
if [ ! -x .venv/bin/tox ] || ! pinned_tox; then
  say "creating .venv with tox ${TOX_VERSION} and tox-uv ${TOX_UV_VERSION}"
  python3 -m venv --clear --without-pip .venv
  if python3 -m pip --python .venv/bin/python --version >/dev/null 2>&1; then
    # This interpreter's pip installs into the venv: no copy of pip to bootstrap inside it (seconds saved).
    python3 -m pip --python .venv/bin/python install -q --disable-pip-version-check \
      "tox==${TOX_VERSION}" "tox-uv==${TOX_UV_VERSION}"
  else
    if ! .venv/bin/python -m ensurepip >/dev/null 2>&1; then
      say "this python3 has neither pip nor ensurepip (Debian: apt-get install python3-venv python3-pip)"
      exit 3
    fi
    .venv/bin/python -m pip install -q --disable-pip-version-check "tox==${TOX_VERSION}" "tox-uv==${TOX_UV_VERSION}"
  fi
fi
if [ -n "$npm_job" ]; then
  status=0
  wait "$npm_job" || status=$?
  npm_job=""
  if [ "$status" != 0 ]; then
    say "npm ci failed (see its messages above); the Supabase CLI and Deno are not installed"
    exit 3
  fi
fi
