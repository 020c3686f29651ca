#!/usr/bin/env bash
# shellcheck disable=SC2054  # the commas in the QEMU arguments below are QEMU's option syntax
# boot-guest.sh [--pci|--mmio] SOCKET [LOG] - boots the SCMI probe guest (see prepare-guest.sh) in
# QEMU with a vhost-user-scmi device connected to the vhost-user backend listening on the Unix socket
# SOCKET, e.g. ./scmi-server --socket-path SOCKET.
#
# The guest's Linux probes the backend with its own SCMI driver, prints "SCMI-PROBE: ..." lines (see
# guest-init.sh) and powers off. The console goes to stdout and, without carriage returns, to LOG, line by
# line as the guest prints it (probe.sh watches LOG while the guest runs).
#
#   --pci    the device is vhost-user-scmi-pci (default)
#   --mmio   the device is vhost-user-scmi on virtio-mmio
#
# Exit status: 0 the guest printed "SCMI-PROBE: done"; 1 usage or set-up error; 2 the guest stopped
# without it; 3 no socket appeared at SOCKET; 124 timeout.
#
# Environment (optional):
#   SCMI_GUEST_CACHE        folder prepared by prepare-guest.sh (/var/cache/scmi-server-guest)
#   SCMI_GUEST_TIMEOUT      seconds before QEMU is stopped (120, plus N with scmi_watch=N or
#                           scmi_power_request=N)
#   SCMI_GUEST_SOCKET_WAIT  seconds to wait for SOCKET to appear (10)
#   SCMI_GUEST_MEM          guest RAM, shared with the backend as a memfd (512M)
#   SCMI_GUEST_SMP          number of vCPUs (2)
#   SCMI_GUEST_APPEND       extra kernel command line, e.g. "scmi_wait=30 scmi_watch=20"
#   SCMI_GUEST_QEMU_ARGS    extra QEMU arguments, e.g. "-trace vhost_user_* -D /tmp/qemu.log"
set -euo pipefail

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
say() { echo "boot-guest: $*" >&2; }
usage() { sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

DEVICE=pci
while [ $# -gt 0 ]; do
  case $1 in
    --pci) DEVICE=pci; shift ;;
    --mmio) DEVICE=mmio; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) say "unknown option '$1'"; usage >&2; exit 1 ;;
    *) break ;;
  esac
done
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage >&2; exit 1; fi
SOCKET=$1
LOG=${2:-}

CACHE=${SCMI_GUEST_CACHE:-/var/cache/scmi-server-guest}
MEM=${SCMI_GUEST_MEM:-512M}
APPEND=${SCMI_GUEST_APPEND:-}
WATCH=$(sed -n 's/.*\bscmi_watch=\([0-9]*\).*/\1/p' <<< "$APPEND")
POWER_REQUEST=$(sed -n 's/.*\bscmi_power_request=\([0-9]*\).*/\1/p' <<< "$APPEND")
TIMEOUT=${SCMI_GUEST_TIMEOUT:-$((120 + ${WATCH:-0} + ${POWER_REQUEST:-0}))}

if [ ! -f "$CACHE/vmlinuz" ] || [ ! -f "$CACHE/initrd.img" ]; then
  say "no guest in $CACHE: run scripts/guest/prepare-guest.sh first"
  exit 1
fi
qemu-system-aarch64 -device help 2>/dev/null | grep -q '"vhost-user-scmi"' ||
  { say "qemu-system-aarch64 with vhost-user-scmi (QEMU >= 10) is missing: run prepare-guest.sh"; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The initramfs carries the guest-init.sh of its preparation. When this folder's copy differs, a second
# archive holding only the new /init is appended: Linux unpacks both, the later file wins.
INITRD=$CACHE/initrd.img
if ! cmp -s "$HERE/guest-init.sh" "$CACHE/initramfs/init"; then
  mkdir -p "$TMP/init-overlay"
  install -m 755 "$HERE/guest-init.sh" "$TMP/init-overlay/init"
  (cd "$TMP/init-overlay" && echo init | cpio -o -H newc -R 0:0 --quiet | gzip) > "$TMP/init.cpio.gz"
  cat "$CACHE/initrd.img" "$TMP/init.cpio.gz" > "$TMP/initrd.img"
  INITRD=$TMP/initrd.img
fi

# QEMU is the vhost-user client: the backend must be listening before it starts.
for ((tenth = 0; tenth < ${SCMI_GUEST_SOCKET_WAIT:-10} * 10; tenth++)); do
  [ -S "$SOCKET" ] && break
  sleep 0.1
done
[ -S "$SOCKET" ] || { say "no vhost-user socket at $SOCKET (is the server running?)"; exit 3; }

# The backend maps guest RAM from the file descriptors QEMU sends, so RAM must be a shared memfd.
MACHINE=(-M virt,memory-backend=ram -cpu max,pauth-impdef=on -smp "${SCMI_GUEST_SMP:-2}" -m "$MEM"
         -object memory-backend-memfd,id=ram,size="$MEM",share=on -nic none)

# The CPUs' performance domains (scmi-cpufreq finds a CPU's domain in its power-domains entry named
# "perf"): the first half of the CPUs of the device tree $1 run in the server's performance domain 0, the
# others in domain 1, as the built-in board's little and big clusters; a single CPU is in domain 0.
cpu_performance_domains() {
  local cpus total index=0 cpu
  cpus=$(sed -n 's/^\t\t\(cpu@[0-9a-f]*\) {$/\1/p' "$1")
  total=$(wc -w <<< "$cpus")
  for cpu in $cpus; do
    printf '&{/cpus/%s} { power-domains = <&scmi_performance %d>; power-domain-names = "perf"; };\n' \
      "$cpu" $((index * 2 / total))
    index=$((index + 1))
  done
}

# The device tree QEMU generates for exactly this machine, plus the SCMI node and the CPUs' domains.
qemu-system-aarch64 "${MACHINE[@]}" -machine dumpdtb="$TMP/virt.dtb" >/dev/null
dtc -q -I dtb -O dts -o "$TMP/virt.dts" "$TMP/virt.dtb"
{ cat "$TMP/virt.dts" "$HERE/scmi-guest.dtsi"; cpu_performance_domains "$TMP/virt.dts"; } > "$TMP/guest.dts"
dtc -q -I dts -O dtb -o "$TMP/guest.dtb" "$TMP/guest.dts"

case $DEVICE in
  pci) SCMI_DEVICE=(-device vhost-user-scmi-pci,chardev=scmi) ;;
  # Linux accepts only virtio 1.x SCMI devices; QEMU's virtio-mmio would otherwise be legacy.
  mmio) SCMI_DEVICE=(-global virtio-mmio.force-legacy=false -device vhost-user-scmi,chardev=scmi) ;;
esac

CONSOLE=${LOG:-$TMP/console.log}
say "booting (${DEVICE}, socket $SOCKET, timeout ${TIMEOUT}s)"
set +e
# shellcheck disable=SC2086  # SCMI_GUEST_QEMU_ARGS is meant to be split into words
timeout "$TIMEOUT" qemu-system-aarch64 "${MACHINE[@]}" \
  -kernel "$CACHE/vmlinuz" -initrd "$INITRD" -dtb "$TMP/guest.dtb" \
  -append "console=ttyAMA0 panic=-1 $APPEND" \
  -chardev socket,id=scmi,path="$SOCKET" "${SCMI_DEVICE[@]}" \
  -display none -monitor none -serial stdio -no-reboot ${SCMI_GUEST_QEMU_ARGS:-} \
  </dev/null 2>&1 | stdbuf -oL tr -d '\r' | tee "$CONSOLE"
QEMU_STATUS=${PIPESTATUS[0]}
set -e

if [ "$QEMU_STATUS" = 124 ]; then
  say "timed out after ${TIMEOUT}s"
  exit 124
fi
grep -q '^SCMI-PROBE: done' "$CONSOLE" && exit 0
say "the guest stopped without 'SCMI-PROBE: done' (QEMU exit status $QEMU_STATUS)"
exit 2
