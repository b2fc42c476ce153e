#!/usr/bin/env bash
# One-time set-up, safe to run again, fast when nothing is missing:
#   - system packages (Debian, as root): PostgreSQL 15 with pgTAP, pg_prove, plpgsql_check (supabase db lint)
#     pg_cron (Supabase Cron) and hypopg (the index set's hypothetical indexes); podman, runc and debootstrap (a
#     Docker API and the locally built images)
#   - the locally built container images (scripts/build-images.sh: PostgreSQL 15 and 17, pg_prove), once per machine
#   - the Supabase CLI and Deno, pinned in package.json / package-lock.json (npm ci): node_modules
#   - .venv with the pinned tox, tox-uv and uv (tox then builds its environments from uv.lock)
# node_modules, .venv and .tox are links into a per-machine cache ($CERTLOG_CACHE, default ~/.cache/certlog), one
# entry per lock file and per set of pins: a second clone on the machine is set up, and runs, at once.
# Elsewhere (not Debian, not root) it says exactly what to install, and exits 3.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR="${CERTLOG_PG_MAJOR:-15}"
TOX_VERSION="4.67.15"
TOX_UV_VERSION="1.37.1"
UV_VERSION="0.13.9"
CACHE="${CERTLOG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/certlog}"
say() { echo "setup: $*" >&2; }

# The settings this script acts on are checked before it acts (certlog checks every other one when it starts).
if ! [[ "$PG_MAJOR" =~ ^[0-9]+$ ]]; then
  say "CERTLOG_PG_MAJOR=$PG_MAJOR is not a whole number (README: Settings)"
  exit 2
elif [ "$PG_MAJOR" -lt 15 ]; then
  say "CERTLOG_PG_MAJOR=$PG_MAJOR is below the minimum of 15 (the task's PostgreSQL; README: Settings)"
  exit 2
fi
# The container images are built with debootstrap and a rootful podman: as another user, both must be there
# already (on PATH), or nothing is started (a rootless podman would leave its per-user state behind).
if [ "$(id -u)" != 0 ] && ! { command -v debootstrap >/dev/null && command -v podman >/dev/null; }; then
  say "not root, and debootstrap or podman is not on PATH: run make setup as root once (it installs them and builds the images), or install debootstrap and podman"
  exit 3
fi

wanted=("postgresql-${PG_MAJOR}" "postgresql-${PG_MAJOR}-pgtap" "libtap-parser-sourcehandler-pgtap-perl"
        "postgresql-${PG_MAJOR}-plpgsql-check" "postgresql-${PG_MAJOR}-cron" "postgresql-${PG_MAJOR}-hypopg"
        podman debootstrap)
# podman's runtime: Debian's runc, unless one is there already (Docker's containerd.io ships its own runc and
# conflicts with the package: installing it would remove Docker)
command -v runc >/dev/null || wanted+=(runc)
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
if ! mkdir -p "$CACHE" 2>/dev/null || [ ! -w "$CACHE" ]; then
  say "CERTLOG_CACHE=$CACHE: not a directory this user can write to; set CERTLOG_CACHE to one"
  exit 2
fi

# link NAME TARGET: NAME (node_modules, .venv, .tox) becomes a link to the cache entry TARGET, whatever it was.
link() {
  [ "$(readlink "$1" 2>/dev/null)" = "$2" ] && return
  rm -rf "$1"
  ln -s "$2" "$1"
}

lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
npm_entry="$CACHE/npm-${lock_sum:0:16}"
npm_job=""
if [ ! -f "$npm_entry/.complete" ]; then
  say "installing the Supabase CLI and Deno from package-lock.json into $npm_entry (npm ci, beside the rest)"
  # One install per entry at a time (flock); .complete is written last, so an interrupted install is redone.
  setsid -w flock "$CACHE/.npm.lock" bash -c '
    [ -f "$1/.complete" ] && exit 0
    rm -rf "$1" && mkdir -p "$1" && cp package.json package-lock.json "$1/" &&
      (cd "$1" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) && touch "$1/.complete"' \
    npm-ci "$npm_entry" &
  npm_job=$!
  # Whatever ends this script early (a failed step, Ctrl-C, kill) ends the install too: never two at once.
  # (Its own process group once started; the job itself if it has not got that far.)
  trap '[ -z "$npm_job" ] || { kill -- "-$npm_job" 2>/dev/null || kill "$npm_job" 2>/dev/null
                               wait "$npm_job" 2>/dev/null || true; }' EXIT
fi

scripts/build-images.sh

python_id=$(python3 -c 'import sys; print(sys.implementation.cache_tag, sys.executable, sys.version)' | sha256sum)
venv_entry="$CACHE/tox-${TOX_VERSION}-${TOX_UV_VERSION}-uv${UV_VERSION}-${python_id:0:12}"
pinned_tox() {
  "$venv_entry/bin/python" - "$TOX_VERSION" "$TOX_UV_VERSION" "$UV_VERSION" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
sys.exit((version("tox"), version("tox-uv"), version("uv")) != tuple(sys.argv[1:]))
PY
}
if [ ! -f "$venv_entry/.complete" ] || ! pinned_tox; then
  say "creating $venv_entry with tox ${TOX_VERSION}, tox-uv ${TOX_UV_VERSION} and uv ${UV_VERSION}"
  pins=("tox==${TOX_VERSION}" "tox-uv==${TOX_UV_VERSION}" "uv==${UV_VERSION}")
  (
    flock 9
    [ -f "$venv_entry/.complete" ] && pinned_tox && exit 0
    # A venv cannot be moved once made: it is made where it stays, and marked complete last.
    python3 -m venv --clear --without-pip "$venv_entry"
    if python3 -m pip --python "$venv_entry/bin/python" --version >/dev/null 2>&1; then
      # This interpreter's pip installs into the venv: no copy of pip to bootstrap inside it (seconds saved).
      python3 -m pip --python "$venv_entry/bin/python" install -q --disable-pip-version-check "${pins[@]}"
    else
      if ! "$venv_entry/bin/python" -m ensurepip >/dev/null 2>&1; then
        say "this python3 has neither pip nor ensurepip (Debian: apt-get install python3-venv python3-pip)"
        exit 3
      fi
      "$venv_entry/bin/python" -m pip install -q --disable-pip-version-check "${pins[@]}"
    fi
    touch "$venv_entry/.complete"
  ) 9>"$CACHE/.venv.lock"
fi
link .venv "$venv_entry"
# tox's environments (.tox), shared by the clones whose uv.lock and tox.ini are these (tox runs uv sync each time).
envs_id=$(cat uv.lock tox.ini | sha256sum)
mkdir -p "$CACHE/tox-envs-${envs_id:0:16}-${python_id:0:12}"
link .tox "$CACHE/tox-envs-${envs_id:0:16}-${python_id:0:12}"

if [ -n "$npm_job" ]; then
  status=0
  wait "$npm_job" || status=$?
  npm_job=""
  if [ "$status" != 0 ]; then
    say "npm ci failed (see its messages above); the Supabase CLI and Deno are not installed"
    exit 3
  fi
fi
link node_modules "$npm_entry/node_modules"
