#!/bin/sh
# Installs the Debian packages the host lab needs (npm run lab:setup). Root only.
# Skips quickly when every package is already installed; otherwise runs `apt-get update` once
# and installs without recommends. Package scripts do not start services on the build machine
# (its policy-rc.d says no), which is what the lab wants: lab hosts start their own.
set -eu

PACKAGES="mariadb-server galera-4 mariadb-backup openssh-server rsync socat iproute2 procps psmisc lsof sudo faketime libfaketime util-linux openssl"

if [ "$(id -u)" -ne 0 ]; then
  echo "lab:setup must run as root (it installs Debian packages): sudo npm run lab:setup" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  echo "lab:setup needs a Debian-like system (apt-get, dpkg-query)" >&2
  exit 1
fi

missing=""
for package in $PACKAGES; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing="$missing $package"
done

if [ -z "$missing" ]; then
  echo "lab:setup: all packages present ($PACKAGES)"
  exit 0
fi

echo "lab:setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y --no-install-recommends $missing
echo "lab:setup: done"
