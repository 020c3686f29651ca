#!/bin/sh
# Installs Debian's xenstore-utils (the real libxenstore clients: xenstore-read, -write, -ls,
# -watch, ...) for the interoperability tests of the simulated XenStore. Does nothing when they
# are present. Needs root (or sudo) and an apt-based system.
set -eu
if command -v xenstore-read >/dev/null 2>&1 && command -v xenstore-watch >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q xenstore-utils || { $SUDO apt-get update -q && $SUDO apt-get install -y -q xenstore-utils; }
command -v xenstore-read >/dev/null
