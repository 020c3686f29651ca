#!/usr/bin/env bash
# probe.sh [OPTION]... [-- SERVER_ARG...] - checks the SCMI server against a real Linux guest.
#
# Starts ./scmi-server on a temporary vhost-user socket, boots the arm64 probe guest against it
# (boot-guest.sh), stops the server with SIGTERM and checks what the guest's own SCMI driver found:
# the base protocol must have probed, and the guest's SCMI kernel messages must show no error;
# scmi-cpufreq must have registered a policy whose level the guest set shows in the server's trace, and
# the powercap framework must show the server's zones. Prints a summary (base version, vendor,
# protocols, clocks, power domains, sensors, resets, regulators, system power, pins, cpufreq policies,
# powercap zones). Once the guest has reported, the probe asks it to shut down from the server's admin
# shell (systemPower shutdown graceful all) and checks that its scmi_power_control reacted. The first
# run prepares the guest with prepare-guest.sh (root, via sudo; about a minute).
#
#   --mmio            connect through vhost-user-scmi on virtio-mmio instead of virtio-pci
#   --server-arg ARG  pass ARG to the server (repeatable); so is every argument after "--"
#   --keep-logs DIR   keep server.log and guest.log (the guest console) in DIR
#   --cache DIR       the guest's folder (default /var/cache/scmi-server-guest)
#   --verbose         show the guest console while it runs
#   -h, --help        print this help
#
# Exit status: 0 all checks passed; 1 a check failed (each failure is listed); 2 usage error;
# 3 the server or the guest could not be started.
#
# Environment (optional): SCMI_SERVER, the server command (default: scmi-server at the top of the
# repository); SCMI_PROBE_SERVER_WAIT, seconds to wait for the server's "listening on" line (600: the
# first start builds the server); the SCMI_GUEST_* settings of boot-guest.sh, e.g.
# SCMI_GUEST_APPEND="scmi_watch=20" to keep reading the sensors for 20 s.
set -euo pipefail

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
say() { echo "probe: $*" >&2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

BOOT_OPTIONS=() SERVER_ARGS=() KEEP="" VERBOSE=no
CACHE=${SCMI_GUEST_CACHE:-/var/cache/scmi-server-guest}
while [ $# -gt 0 ]; do
  case $1 in
    --mmio) BOOT_OPTIONS+=(--mmio); shift ;;
    --server-arg) SERVER_ARGS+=("${2:?--server-arg needs an argument}"); shift 2 ;;
    --server-arg=*) SERVER_ARGS+=("${1#*=}"); shift ;;
    --keep-logs) KEEP=${2:?--keep-logs needs a folder}; shift 2 ;;
    --keep-logs=*) KEEP=${1#*=}; shift ;;
    --cache) CACHE=${2:?--cache needs a folder}; shift 2 ;;
    --cache=*) CACHE=${1#*=}; shift ;;
    --verbose) VERBOSE=yes; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; SERVER_ARGS+=("$@"); break ;;
    *) say "unknown option '$1'"; usage >&2; exit 2 ;;
  esac
done
SERVER=${SCMI_SERVER:-$REPO/scmi-server}
export SCMI_GUEST_CACHE=$CACHE

# --- the guest ---------------------------------------------------------------------------------
if [ ! -f "$CACHE/initrd.img" ] || ! qemu-system-aarch64 -device help 2>/dev/null | grep -q '"vhost-user-scmi"'; then
  say "preparing the guest in $CACHE (once per machine)"
  "$HERE/prepare-guest.sh" "$CACHE" || { say "preparing the guest failed"; exit 3; }
fi

# --- the server --------------------------------------------------------------------------------
RUN=$(mktemp -d)
RUN=$(cd "$RUN" && pwd -P)
SOCKET=$RUN/scmi.sock
ADMIN_SOCKET=$RUN/admin.sock
ADMIN_LOG=$RUN/admin.log
SERVER_LOG=$RUN/server.log
GUEST_LOG=$RUN/guest.log
SERVER_PID=""
BOOT_PID=""
finish() {
  if [ -n "$BOOT_PID" ] && kill -0 "$BOOT_PID" 2>/dev/null; then kill -TERM "$BOOT_PID" 2>/dev/null || true; fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$KEEP" ]; then
    mkdir -p "$KEEP" && cp "$RUN"/*.log "$KEEP"/ 2>/dev/null && say "logs kept in $KEEP"
  fi
  rm -rf "$RUN"
}
trap finish EXIT

say "starting $SERVER --socket-path $SOCKET --admin-socket $ADMIN_SOCKET ${SERVER_ARGS[*]}"
"$SERVER" --socket-path "$SOCKET" --admin-socket "$ADMIN_SOCKET" "${SERVER_ARGS[@]}" </dev/null >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
WAIT=${SCMI_PROBE_SERVER_WAIT:-600}
for ((tenth = 0; ; tenth++)); do
  grep -qF "listening on $SOCKET" "$SERVER_LOG" && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    wait "$SERVER_PID" && status=0 || status=$?
    SERVER_PID=""
    say "the server stopped (exit status $status) before listening; its last lines:"
    tail -n 20 "$SERVER_LOG" >&2
    exit 3
  fi
  if [ $tenth -ge $((WAIT * 10)) ]; then
    say "no 'listening on $SOCKET' from the server within ${WAIT}s; its last lines:"
    tail -n 20 "$SERVER_LOG" >&2
    exit 3
  fi
  sleep 0.1
done
say "server listening"

# The server traces every performance and powercap command, so that the levels the guest sets show in
# its log (checked below).
source "$REPO/scripts/java25.sh"
for protocol in perf powercap; do
  find_java25 && "$JAVA" "$REPO/scripts/AdminCommand.java" "$ADMIN_SOCKET" trace protocol $protocol on >/dev/null ||
    say "could not turn the server's $protocol trace on"
done

# --- the guest probe ---------------------------------------------------------------------------
# The guest waits up to POWER_REQUEST_WAIT seconds after its report for the platform's shutdown request.
POWER_REQUEST_WAIT=60
export SCMI_GUEST_APPEND="${SCMI_GUEST_APPEND:+$SCMI_GUEST_APPEND }scmi_power_request=$POWER_REQUEST_WAIT"
set +e
if [ $VERBOSE = yes ]; then
  "$HERE/boot-guest.sh" "${BOOT_OPTIONS[@]}" "$SOCKET" "$GUEST_LOG" &
else
  "$HERE/boot-guest.sh" "${BOOT_OPTIONS[@]}" "$SOCKET" "$GUEST_LOG" >/dev/null &
fi
BOOT_PID=$!
set -e

# --- system power: the platform asks the guest to shut down ----------------------------------------
# Sent only once the guest said it is ready (its scmi_power_control subscribed while it probed), so the
# request cannot arrive before the guest listens; the admin shell's answer says who was told.
while kill -0 "$BOOT_PID" 2>/dev/null && ! grep -q '^SCMI-PROBE: system_power_ready' "$GUEST_LOG" 2>/dev/null; do
  sleep 0.2
done
if grep -q '^SCMI-PROBE: system_power_ready' "$GUEST_LOG" 2>/dev/null && find_java25; then
  "$JAVA" "$REPO/scripts/AdminCommand.java" "$ADMIN_SOCKET" systemPower shutdown graceful all >"$ADMIN_LOG" 2>&1 || true
fi
set +e
wait "$BOOT_PID"
BOOT_STATUS=$?
BOOT_PID=""
set -e

# SIGTERM must close every guest and end the server with status 0.
FAILURES=()
kill -TERM "$SERVER_PID" 2>/dev/null || true
for ((tenth = 0; tenth < 300; tenth++)); do
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$SERVER_PID" 2>/dev/null; then
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  FAILURES+=("the server did not stop within 30 s of SIGTERM (killed)")
else
  wait "$SERVER_PID" && SERVER_STATUS=0 || SERVER_STATUS=$?
  [ "$SERVER_STATUS" = 0 ] || FAILURES+=("the server exited with status $SERVER_STATUS after SIGTERM (expected 0)")
fi
SERVER_PID=""

# --- checks ------------------------------------------------------------------------------------
case $BOOT_STATUS in
  0) ;;
  2) FAILURES+=("the guest stopped before printing 'SCMI-PROBE: done'") ;;
  124) FAILURES+=("the guest timed out") ;;
  3) say "boot-guest.sh found no socket at $SOCKET"; exit 3 ;;
  *) say "boot-guest.sh could not start the guest (exit status $BOOT_STATUS)"; exit 3 ;;
esac

# Values of "SCMI-PROBE: key=value" lines; probe_value KEY prints the first value.
probe_value() { sed -n "s/^SCMI-PROBE: $1=//p" "$GUEST_LOG" | head -n 1; }
grep -qx 'SCMI-PROBE: base=ok' "$GUEST_LOG" ||
  FAILURES+=("the guest's SCMI driver did not probe the base protocol (no 'SCMI-PROBE: base=ok')")

# SCMI kernel messages that report a problem. Not problems: "SCMI protocol N not implemented" (a DT
# protocol the server does not list), the reply timeout taken from the device tree, scmi_power_control's
# debug line for the shutdown request the probe sends (it names the request's timeout), and the taint
# notices of the guest's out-of-tree modules.
# Error names such as -EPROTO are matched in capitals only, the words in any case.
ERROR_WORDS='fail|error|timed out|timeout|not expected|unexpected|unsupported|invalid|buggy|unable|cannot|can.t|refus|malformed|corrupt|warning|bug:|oops|call trace'
HARMLESS='SCMI protocol [0-9]+ not implemented|SCMI max-rx-timeout: [0-9]+ms$|scmi-system-power .*: Serving graceful req:0 \(timeout_ms:|module verification failed|out-of-tree module taints'
while IFS= read -r line; do
  FAILURES+=("guest kernel: ${line#SCMI-DMESG: }")
done < <(grep '^SCMI-DMESG: ' "$GUEST_LOG" | awk -v words="$ERROR_WORDS" 'tolower($0) ~ words || /-E[A-Z][A-Z]+/' |
         grep -vE "$HARMLESS" || true)
while IFS= read -r line; do
  FAILURES+=("guest read error: ${line#SCMI-PROBE: }")
done < <(grep -E '^SCMI-PROBE: .*=ERR\(' "$GUEST_LOG" || true)
while IFS= read -r line; do
  FAILURES+=("guest module not loaded: ${line#SCMI-PROBE: }")
done < <(grep -E '^SCMI-PROBE: module=.* loaded=no' "$GUEST_LOG" || true)

# Reset, voltage and system power: their drivers bound, and what they did worked.
scmi_driver_bound() { grep -qE "^SCMI-PROBE: scmi_device=.* name=$1 bound_driver=[^n]" "$GUEST_LOG"; }
scmi_driver_bound reset || FAILURES+=("reset-scmi did not bind the reset protocol's device")
grep -qE '^SCMI-PROBE: scmi_msg pt=16 t=RESP msg_id=04 .* s=0 ' "$GUEST_LOG" ||
  FAILURES+=("the guest reset no domain through reset-scmi (no successful RESET)")
scmi_driver_bound regulator || FAILURES+=("scmi-regulator did not bind the voltage protocol's device")
grep -q '^SCMI-PROBE: regulator name=' "$GUEST_LOG" || FAILURES+=("scmi-regulator registered no regulator")
scmi_driver_bound syspower || FAILURES+=("scmi_power_control did not bind the system power protocol's device")
grep -q 'sent to 1 of 1 guests' "$ADMIN_LOG" 2>/dev/null ||
  FAILURES+=("the admin shell's shutdown request reached no guest: $(tr '\n' ' ' < "$ADMIN_LOG" 2>/dev/null)")
grep -q '^SCMI-PROBE: system_power reacted=yes' "$GUEST_LOG" ||
  FAILURES+=("the guest did not react to the platform's shutdown request")

# Pin control (0x19): when the server lists the protocol, the guest's scmi-pinctrl driver must have
# registered its pin controller and the consumer device of scmi-guest.dtsi must have got its pins at
# probe, which the server logs ("Agent N (name): group G (uart0_grp) function uart0").
if grep -qx 'SCMI-PROBE: protocol=0x19 implemented=yes' "$GUEST_LOG"; then
  grep -q '^SCMI-PROBE: pinctrl dev=.* pins=[1-9]' "$GUEST_LOG" ||
    FAILURES+=("the guest's pinctrl-scmi driver registered no pin controller")
  grep -q '^SCMI-PROBE: pinctrl_mux ' "$GUEST_LOG" ||
    FAILURES+=("the pinctrl consumer device got no function applied at probe")
  grep -qE 'PinctrlProtocol -- Agent [0-9]+ .*: group [0-9]+ \([^)]*\) function [^ ]+' "$SERVER_LOG" ||
    FAILURES+=("the server applied no function for the guest")
fi
# Performance domains: scmi-cpufreq must have registered a policy, and each level the guest set must
# have been set (read back from the server) and traced by the server as a PERFORMANCE_LEVEL_SET
# (message 0x07: domain_id, then the level, little-endian).
grep -q '^SCMI-PROBE: cpufreq_policy .* driver=scmi ' "$GUEST_LOG" ||
  FAILURES+=("scmi-cpufreq registered no cpufreq policy (no 'SCMI-PROBE: cpufreq_policy ... driver=scmi')")
le_bytes() { printf '%02x %02x %02x %02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }
while IFS= read -r line; do
  policy=$(field policy "$line") requested=$(field requested "$line") hw=$(field hw "$line")
  if [[ $line == *" error="* ]] || [ -z "$requested" ]; then
    FAILURES+=("cpufreq: setting $policy failed: ${line#* error=}")
  elif [ "$hw" != "$requested" ]; then
    FAILURES+=("cpufreq: $policy was set to $requested kHz but the server reports $hw kHz")
  elif ! grep -qE "protocol 0x13 \(perf\) message 0x07 .*: SUCCESS, 8 bytes in \[([0-9a-f]{2} ){4}$(le_bytes "$requested")\]" "$SERVER_LOG"; then
    FAILURES+=("cpufreq: the server's trace shows no PERFORMANCE_LEVEL_SET of level $requested for $policy")
  fi
done < <(grep '^SCMI-PROBE: cpufreq_set ' "$GUEST_LOG" || true)
# Power capping: the powercap framework must show the server's zones; a cap the guest set must stick.
grep -q '^SCMI-PROBE: powercap_zone ' "$GUEST_LOG" ||
  FAILURES+=("the powercap framework shows no arm-scmi zone (no 'SCMI-PROBE: powercap_zone')")
while IFS= read -r line; do
  FAILURES+=("powercap: ${line#SCMI-PROBE: }")
done < <(grep -E '^SCMI-PROBE: powercap_set .* error=' "$GUEST_LOG" || true)

# --- summary -----------------------------------------------------------------------------------
# "name=value" pairs of the given topic lines, joined by ", ".
pairs() {
  sed -n "s/^SCMI-PROBE: $1 .*$2=\\(\"[^\"]*\"\\|[^ ]*\\).* $3=\\([^ ]*\\).*/\\1=\\2/p" "$GUEST_LOG" |
    tr -d '"' | joined
}
# The RESET commands the guest sent (payload: domain_id, flags, reset_state as little-endian words), each
# with the status of its response: "domain 0 deassert: status 0".
reset_commands() {
  sed -n 's/^SCMI-PROBE: scmi_msg pt=16 t=CMND msg_id=04 seq=\([0-9A-F]*\) .* pyld=\(..\)......\(..\).*/\1 \2 \3/p' "$GUEST_LOG" |
    while read -r seq domain flags; do
      status=$(sed -n "s/^SCMI-PROBE: scmi_msg pt=16 t=RESP msg_id=04 seq=$seq s=\(-\{0,1\}[0-9]*\) .*/\1/p" "$GUEST_LOG" | head -n 1)
      case $((16#$flags & 3)) in 0) kind=deassert ;; 2) kind=assert ;; *) kind=reset ;; esac
      echo "domain $((16#$domain)) $kind: status ${status:-none}"
    done
}
# Joins its input lines with ", ", or prints "(none)".
joined() { paste -sd, - | sed 's/,/, /g; s/^$/(none)/'; }
# Pin control: the guest's counts, and what the server applied for it ("uart0_grp function uart0",
# "uart0_grp bias-pull-up=1 drive-strength=8").
pinctrl_summary() {
  local counts applied
  counts=$(sed -n 's/^SCMI-PROBE: pinctrl dev=[^ ]* pins=\([0-9]*\) groups=\([0-9]*\) functions=\([0-9]*\)/\1 pins, \2 groups, \3 functions/p' "$GUEST_LOG" | head -n 1)
  applied=$(sed -n 's/.*PinctrlProtocol -- Agent [0-9]* ([^)]*): [a-z]* [0-9]* (\([^)]*\))\( function [^ ]*\)\{0,1\}\( configs \[\(.*\)\]\)\{0,1\}$/\1\2 \4/p' "$SERVER_LOG" |
    sed 's/, / /g; s/ *$//' | joined)
  echo "pinctrl:        ${counts:-(no pin controller)}; applied at probe: ${applied}"
}
if grep -qx 'SCMI-PROBE: base=ok' "$GUEST_LOG"; then
  echo "base protocol:  v$(probe_value base_version), vendor '$(probe_value vendor)', sub-vendor '$(probe_value sub_vendor)', implementation $(probe_value impl_version)"
  echo "protocols:      $(probe_value protocols | sed 's/^$/(none besides base)/')"
  echo "agents:         $(sed -n 's/^SCMI-PROBE: num_protocols=[0-9]* num_agents=//p' "$GUEST_LOG" | head -n 1)"
  # clk24mhz is QEMU's fixed UART clock, not one of the server's.
  echo "clocks:         $(grep -v 'name=clk24mhz ' "$GUEST_LOG" | sed -n 's/^SCMI-PROBE: clock name=\([^ ]*\) rate=\([^ ]*\).*/\1=\2 Hz/p' | joined)"
  echo "power domains:  $(pairs power_domain name state)"
  echo "hwmon sensors:  $(pairs hwmon_sensor label value)"
  echo "IIO channels:   $(grep -c '^SCMI-PROBE: iio_sensor ' "$GUEST_LOG")"
  echo "resets:         $(reset_commands | joined)$(sed -n 's/^SCMI-PROBE: reset_consumer rtc=\([^ ]*\) driver=\(.*\)/; consumer \1 (\2) bound/p' "$GUEST_LOG" | head -n 1)"
  echo "regulators:     $(sed -n 's/^SCMI-PROBE: regulator name=\([^ ]*\) microvolts=\([^ ]*\) state=\([^ ]*\)/\1=\2 uV (\3)/p' "$GUEST_LOG" | joined)"
  echo "system power:   $(sed -n 's/^SCMI-PROBE: system_power reacted=\(.*\)/reacted=\1/p' "$GUEST_LOG" | head -n 1)${ADMIN_LOG:+; admin: $(head -n 1 "$ADMIN_LOG" 2>/dev/null)}"
  pinctrl_summary
  echo "cpufreq:        $(sed -n 's/^SCMI-PROBE: cpufreq_policy name=\([^ ]*\) driver=\([^ ]*\) cpus=\([^ ]*\) .*frequencies=\([0-9]*\)[^ ]*,\([0-9]*\) .*/\1 (cpus \3 via \2) \4..\5 kHz/p' "$GUEST_LOG" | joined)$(sed -n 's/^SCMI-PROBE: cpufreq_set policy=\([^ ]*\) requested=\([0-9]*\) .*hw=\([0-9]*\).*/\1 set to \3 kHz/p' "$GUEST_LOG" | paste -sd, - | sed 's/,/, /g; s/^./; &/')"
  echo "powercap:       $(sed -n 's/^SCMI-PROBE: powercap_zone zone=\([^ ]*\) name=\([^ ]*\) enabled=\([^ ]*\) limit_uw=\([^ ]*\) .*power_uw=\([^ ]*\)/\2 (\1) enabled=\3 limit=\4 uW power=\5 uW/p' "$GUEST_LOG" | joined)$(sed -n 's/^SCMI-PROBE: powercap_set zone=\([^ ]*\) requested=\([0-9]*\) limit_uw=\([0-9]*\)/\1 capped at \3 uW/p' "$GUEST_LOG" | sed 's/^/; /')"
fi

if [ ${#FAILURES[@]} -gt 0 ]; then
  say "FAILED (${#FAILURES[@]} problem(s)):"
  printf '  - %s\n' "${FAILURES[@]}" >&2
  [ -n "$KEEP" ] || say "run again with --keep-logs DIR to keep the guest console and the server log"
  exit 1
fi
say "OK: the guest's Linux probed the server without SCMI errors"
