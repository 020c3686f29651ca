#!/usr/bin/env bash
# Installs the system packages the tests use, if missing (Debian/Ubuntu; needs root or sudo).
set -euo pipefail
NEED=()
command -v xenstore-read >/dev/null || NEED+=(xenstore-utils)
[ ${#NEED[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "install-test-deps: installing ${NEED[*]}" >&2
$SUDO apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${NEED[@]}" >/dev/null
