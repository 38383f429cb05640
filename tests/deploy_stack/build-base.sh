#!/usr/bin/env bash
# Debian bookworm made by debootstrap (minbase, with Python 3.11 and pip), kept as a tarball
# in a cache outside the repository and imported into Docker: the base of the stand-ins for
# the official images deploy/ names (python:3.11-slim-bookworm, postgres:16, nginx:stable),
# for machines that cannot pull from Docker Hub, with the certificate authorities this
# machine trusts beyond Debian's. Prints the base image's name.
# One debootstrap per package list: the tarball's name carries a hash of what made it.
#
#   bash tests/deploy_stack/build-base.sh      (root; MESDROITS_TEST_CACHE, DEBIAN_MIRROR)
set -euo pipefail
cache="${MESDROITS_TEST_CACHE:-/var/cache/mesdroits-test}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
# python-is-python3: the `python` command of the official image; pip installs system-wide
# (PEP 668 is lifted by the python stand-in's PIP_BREAK_SYSTEM_PACKAGES).
packages=python3,python3-pip,python-is-python3,ca-certificates
recipe_version=2
key=$(printf '%s %s %s %s' "$suite" "$packages" "$mirror" "$recipe_version" | sha256sum | cut -c1-12)
image="mesdroits-test/base:$suite-$key"

plain="mesdroits-test/debootstrap:$suite-$key"
mkdir -p "$cache"
tarball="$cache/$suite-minbase-$key.tar"
if ! docker image inspect "$plain" >/dev/null 2>&1 && [ ! -s "$tarball" ]; then
  command -v debootstrap >/dev/null || { echo "debootstrap manque : apt-get install debootstrap (.ci/system-deps.sh le fait)." >&2; exit 1; }
  root=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap $suite ($packages) dans $root…" >&2
  # A second try on a fresh folder when the mirror drops a download.
  debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" >&2 || {
    echo "debootstrap a échoué ; nouvel essai." >&2
    rm -rf "$root" && mkdir "$root"
    debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" >&2
  }
  # As the official images: the updates and security suites, no service started by a package
  # install, no documentation nor translations kept.
  cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
SOURCES
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  printf 'path-exclude=/usr/share/%s/*\n' doc man info locale > "$root/etc/dpkg/dpkg.cfg.d/docker-slim"
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
         "$root"/var/cache/debconf/*-old "$root"/var/log/*.log
  tar --numeric-owner --xattrs -C "$root" --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* \
      -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
  rm -rf "$root"
  # Tarballs of an older recipe are no longer used.
  find "$cache" -maxdepth 1 -name "$suite-minbase-*.tar" ! -name "${tarball##*/}" -delete
fi
if ! docker image inspect "$plain" >/dev/null 2>&1; then
  docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' "$tarball" "$plain" >/dev/null
fi
# Then base.Dockerfile, with the certificate authorities this machine adds to Debian's.
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
mkdir "$context/ca"
find /usr/local/share/ca-certificates -maxdepth 1 -name '*.crt' -exec cp {} "$context/ca/" \; 2>/dev/null || true
cp "$(dirname "$0")/base.Dockerfile" "$context/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q --build-arg PLAIN="$plain" -t "$image" "$context" >/dev/null
echo "$image"
