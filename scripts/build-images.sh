#!/usr/bin/env bash
# The container images the suite runs, built locally once per machine (no registry is needed):
#   localhost/certlog-local/postgres:15        Debian bookworm + PostgreSQL 15 and pg_cron, the container
#                                              backend's base (Testcontainers adds pgTAP and plpgsql_check)
#   localhost/certlog-local/postgres:17        Debian trixie + PostgreSQL 17 with pg_cron, pgTAP, plpgsql_check
#                                              and hypopg: hosted Supabase's current major, which the gate's
#                                              containers step verifies in full
#   public.ecr.aws/supabase/pg_prove:3.36      what `supabase test db` runs (containers/pg-prove/)
# Each is built only when podman does not have it yet. Needs podman, runc and debootstrap (Debian, root).
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE="localhost/certlog-local/postgres:15"  # pg_prove's base too
PG_PROVE_IMAGE="public.ecr.aws/supabase/pg_prove:3.36"
RECIPE=2  # raise when the base image's contents change: an older build is then rebuilt
say() { echo "build-images: $*" >&2; }

# This sandbox has no CAP_SYS_RESOURCE and hybrid cgroups: pin ulimits and use runc.
if [ ! -f /etc/containers/containers.conf ] || ! grep -q certlog /etc/containers/containers.conf; then
  nofile=$(ulimit -Hn)
  mkdir -p /etc/containers
  cat > /etc/containers/containers.conf <<CONF
# written by certlog scripts/build-images.sh
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]
[engine]
runtime = "runc"
exit_command_delay = 5
CONF
fi

debian_mirror() {  # this machine's Debian mirror (on another distribution, Debian's own)
  local uri=""
  if grep -qs '^ID=debian' /etc/os-release; then
    uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | head -n1 | awk '{print $2}')
    [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list | grep -v security | head -n1 | awk '{print $2}')
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

recipe() { podman image inspect --format '{{index .Labels "certlog.recipe"}}' "$1" 2>/dev/null || true; }

# build_base IMAGE MAJOR SUITE PACKAGE...: Debian SUITE with PostgreSQL MAJOR and PACKAGEs, unless podman has it
build_base() {
  local image=$1 major=$2 suite=$3
  shift 3
  [ "$(recipe "$image")" != "$RECIPE" ] || return 0
  local mirror rootfs
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { say "no Debian mirror found in /etc/apt/sources*"; exit 3; }
  rootfs=$(mktemp -d /var/tmp/certlog-rootfs.XXXXXX)
  # shellcheck disable=SC2064  # the path is fixed now
  trap "umount '$rootfs/proc' 2>/dev/null || true; rm -rf '$rootfs'" EXIT
  say "building $image (debootstrap $suite, about a minute, once per machine)"
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >/dev/null
  mkdir -p "$rootfs/etc/postgresql-common"
  echo "create_main_cluster = false" > "$rootfs/etc/postgresql-common/createcluster.conf"
  mount -t proc proc "$rootfs/proc"
  chroot "$rootfs" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends $* >/dev/null 2>&1 && apt-get clean && rm -rf /var/lib/apt/lists/*"
  umount "$rootfs/proc"
  install -m 0755 containers/postgres-local/docker-entrypoint.sh "$rootfs/usr/local/bin/docker-entrypoint.sh"
  tar -C "$rootfs" -c . | podman import \
    --change "ENV PATH=/usr/lib/postgresql/${major}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV PGDATA=/var/lib/postgresql/data" --change "EXPOSE 5432" --change "STOPSIGNAL SIGINT" \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' --change 'CMD ["postgres"]' \
    --change "LABEL certlog.recipe=$RECIPE" \
    - "$image" >/dev/null
  umount "$rootfs/proc" 2>/dev/null || true
  rm -rf "$rootfs"
  trap - EXIT
}

build_base "$BASE_IMAGE" 15 bookworm postgresql-15 postgresql-15-cron
build_base "localhost/certlog-local/postgres:17" 17 trixie postgresql-17 postgresql-17-cron postgresql-17-pgtap \
  postgresql-17-plpgsql-check postgresql-17-hypopg

if [ "$(recipe "$PG_PROVE_IMAGE")" != "$RECIPE" ]; then
  say "building $PG_PROVE_IMAGE from $BASE_IMAGE with Debian's pg_prove (once per machine)"
  podman build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "certlog.recipe=$RECIPE" -t "$PG_PROVE_IMAGE" \
    containers/pg-prove >/dev/null
fi
