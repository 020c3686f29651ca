#!/usr/bin/env bash
# Round-trip latency of an SCMI command through the Xen path (simulated hypervisor: grants, foreign
# mapping, grants with the kernel's irqfd/ioeventfd) against the vhost-user path, in one OSGi
# framework, through the same virtio-scmi device, dispatcher, protocols and simulated board.
# Prints p50/p90/p99 and the ratios.
#
#   scripts/bench-xen.sh [ROUND_TRIPS]           default 20000 per path and command (about 20 s)
#   scripts/bench-xen.sh --build [ROUND_TRIPS]   build and install the server's modules first
#
# The figures are also left in launcher/itest/target/bench-xen.txt; the Maven log of a failed run
# is kept in a temporary file whose name is printed.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$HERE"
BUILD=no
if [ "${1:-}" = "--build" ]; then BUILD=yes; shift; fi
ROUND_TRIPS=${1:-20000}
. scripts/java25.sh
find_java25

if [ $BUILD = yes ]; then
  ./mvnw -B -q install -DskipTests -pl launcher/itest -am
fi
LOG=$(mktemp "${TMPDIR:-/tmp}/bench-xen.XXXXXX.log")
REPORT=launcher/itest/target/bench-xen.txt
# clean: the integration-test bundle packs copies of the vhost-user test front-end, which must be fresh
if ! SCMI_XEN_BENCH_ROUND_TRIPS=$ROUND_TRIPS ./mvnw -B -pl launcher/itest clean verify \
    -Dtest=org.scmi.itest.xen.XenVersusVhostUserLatencyTest -Dsurefire.failIfNoSpecifiedTests=false >"$LOG" 2>&1; then
  tail -n 40 "$LOG" >&2
  echo "benchmark failed; full log in $LOG (modules not installed? run: scripts/bench-xen.sh --build)" >&2
  exit 1
fi
rm -f "$LOG"
cat "$REPORT"
