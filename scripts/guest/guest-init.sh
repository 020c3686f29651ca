#!/bin/busybox sh
# shellcheck shell=dash
# /init of the SCMI probe guest (arm64, busybox only; packed by prepare-guest.sh).
#
# Loads the SCMI virtio transport and the SCMI consumer drivers, waits for the SCMI core to probe the
# device, then reports what the kernel found (and sets a performance level and a power cap, as a
# guest's governors would) as machine-readable console lines
#   SCMI-PROBE: <topic> key=value ...
# followed by the kernel's own SCMI/virtio messages as "SCMI-DMESG: <line>", and powers the VM off.
# The last line is always "SCMI-PROBE: done".
#
# Kernel command line knobs:
#   scmi_wait=N   seconds to wait for the SCMI core to probe (default 20)
#   scmi_watch=N  before powering off, read every hwmon sensor once a second for N seconds and print
#                 "SCMI-PROBE: hwmon_watch ..." lines (shows readings keep coming while the server changes)
#   scmi_power_request=N  after the report, print "SCMI-PROBE: system_power_ready" and wait up to N
#                 seconds for the platform to ask for a shutdown (SYSTEM_POWER_STATE_NOTIFIER), which
#                 scmi_power_control turns into the kernel's orderly poweroff

/bin/busybox --install -s /bin
export PATH=/bin

report() { echo "SCMI-PROBE: $*"; }

# Prints the content of a sysfs/debugfs file, or ERR(<reason>) when reading it fails (for example a
# sensor read the server answered with an error).
read_value() {
  if value=$(cat "$1" 2>/tmp/read-error); then
    echo "$value"
  else
    echo "ERR($(sed 's/.*: //' /tmp/read-error | tr ' ' _))"
  fi
}

# Prints the value of NAME=value on the kernel command line, or DEFAULT.
cmdline_value() {
  read -r cmdline < /proc/cmdline
  for arg in $cmdline; do
    case $arg in "$1"=*) echo "${arg#*=}"; return ;; esac
  done
  echo "$2"
}

SCMI_NODE=/sys/firmware/devicetree/base/firmware/scmi
DEBUGFS=/sys/kernel/debug
MODULE_DIR=/lib/modules

mount_filesystems() {
  mount -t proc proc /proc
  mount -t sysfs sysfs /sys
  mount -t devtmpfs devtmpfs /dev
  mount -t debugfs debugfs $DEBUGFS
}

# The SCMI core binds only to a DT node with compatible "arm,scmi-virtio", and creates devices only
# for the protocols listed under it.
report_device_tree() {
  if [ ! -d $SCMI_NODE ]; then
    report "dt_node=missing"
    return
  fi
  report "dt_node=present compatible=$(tr '\0' ' ' < $SCMI_NODE/compatible | sed 's/ $//')"
  for node in "$SCMI_NODE"/protocol@*; do
    [ -d "$node" ] && report "dt_protocol=0x${node##*@}"
  done
}

# Turns on the SCMI core's debug messages (protocol and agent counts, protocol versions, agents), and
# loads the modules in the order prepare-guest.sh wrote (dependencies first).
load_modules() {
  echo 'file drivers/firmware/arm_scmi/* +p' > $DEBUGFS/dynamic_debug/control 2>/dev/null
  while read -r name; do
    if insmod $MODULE_DIR/"$name".ko dyndbg=+p 2>/tmp/insmod-error; then
      report "module=$name loaded=yes"
    else
      report "module=$name loaded=no error=\"$(tr '\n' ' ' < /tmp/insmod-error)\""
    fi
  done < $MODULE_DIR/load-order
}

# SCMI kernel messages, without the taint notices of our out-of-tree modules.
scmi_messages() {
  dmesg | grep -iE 'scmi' | grep -vE 'module verification failed|out-of-tree module'
}

# Waits until the base protocol banner or an SCMI error shows up (at most scmi_wait seconds), then
# until the kernel log stays unchanged for a second, so the consumer drivers (clock, power domain,
# hwmon, IIO) have finished probing the devices the core created.
wait_for_probe() {
  limit=$(( $(cmdline_value scmi_wait 20) * 10 ))
  tick=0
  while [ $tick -lt $limit ]; do
    dmesg | grep -q "SCMI Protocol v" && break
    scmi_messages | grep -qiE 'fail|error|timed out' && break
    sleep 0.1
    tick=$((tick + 1))
  done
  lines=-1
  quiet=0
  tick=0
  while [ $quiet -lt 4 ] && [ $tick -lt 40 ]; do
    now=$(dmesg | wc -l)
    if [ "$now" = "$lines" ]; then quiet=$((quiet + 1)); else quiet=0; lines=$now; fi
    sleep 0.25
    tick=$((tick + 1))
  done
}

# Virtio devices (SCMI is device id 0x0020) and the feature bits the driver accepted; sysfs "features"
# is a string of 0/1 where character i stands for bit i.
report_virtio() {
  grep -qs 0x0020 /sys/bus/virtio/devices/*/device || report "virtio_scmi=missing"
  for dev in /sys/bus/virtio/devices/*; do
    [ -e "$dev/device" ] || continue
    bits=$(awk '{ for (i = 1; i <= length($0); i++) if (substr($0, i, 1) == "1") printf "%s%d", (n++ ? "," : ""), i - 1 }' "$dev/features")
    driver=$(readlink "$dev/driver")
    report "virtio_device=${dev##*/} id=$(cat "$dev/device") vendor=$(cat "$dev/vendor") feature_bits=$bits driver=${driver##*/}"
  done
}

# The base protocol's banner: "SCMI Protocol vMAJ.MIN 'vendor:sub_vendor' Firmware version 0xN".
report_base() {
  banner=$(dmesg | grep -m1 "SCMI Protocol v")
  if [ -z "$banner" ]; then
    report "base=failed"
    return
  fi
  report "base_version=$(echo "$banner" | sed -n 's/.*SCMI Protocol v\([0-9.]*\) .*/\1/p')"
  report "vendor=$(echo "$banner" | sed -n "s/.*SCMI Protocol v[0-9.]* '\([^:]*\):.*/\1/p")"
  report "sub_vendor=$(echo "$banner" | sed -n "s/.*SCMI Protocol v[0-9.]* '[^:]*:\([^']*\)'.*/\1/p")"
  report "impl_version=$(echo "$banner" | sed -n 's/.*Firmware version \(0x[0-9a-fA-F]*\).*/\1/p')"
  report "base=ok"
  # Debug messages of the base protocol: "Found N protocol(s) M agent(s)" and "Agent I: name".
  counts=$(dmesg | grep -m1 'Found [0-9]* protocol(s)')
  [ -n "$counts" ] && report "num_protocols=$(echo "$counts" | sed -n 's/.*Found \([0-9]*\) protocol.*/\1/p') num_agents=$(echo "$counts" | sed -n 's/.* \([0-9]*\) agent(s).*/\1/p')"
  dmesg | sed -n 's/.*: Agent \([0-9]*\): \(.*\)$/\1 \2/p' | while read -r id name; do
    report "agent id=$id name=\"$name\""
  done
}

# A DT protocol the server does not list makes the core log "SCMI protocol N not implemented"
# (N in decimal); every other DT protocol got its devices.
report_protocols() {
  dmesg | grep -q 'SCMI Protocol v' || { report "protocols="; return; }
  list=""
  for node in "$SCMI_NODE"/protocol@*; do
    [ -d "$node" ] || continue
    id=0x${node##*@}
    if dmesg | grep -q "SCMI protocol $((id)) not implemented"; then
      report "protocol=$id implemented=no"
    else
      report "protocol=$id implemented=yes"
      list="$list,$id"
    fi
  done
  report "protocols=${list#,}"
  # Debug messages of each protocol's init, such as "Clock Version 3.0".
  dmesg | sed -n 's/.*: \([A-Z][A-Za-z ]*\) Version \([0-9]*\.[0-9]*\)$/\1|\2/p' | sort -u |
    while IFS='|' read -r name version; do report "protocol_version name=\"$name\" version=$version"; done
}

# Devices on the SCMI bus and the consumer driver bound to each, leaving out the transport's channel
# devices ("__scmi_transport_device_*"); probe failures of any device as the driver core logs them.
report_devices() {
  dmesg | sed -n "s/.*Created SCMI device '\([^']*\)' for protocol \(0x[0-9a-fA-F]*\) (\([^)]*\)).*/\1 \2 \3/p" |
    while read -r dev protocol name; do
      case $name in __scmi_transport_device_*) continue ;; esac
      driver=$(readlink /sys/bus/scmi_protocol/devices/"$dev"/driver)
      driver=${driver##*/}
      report "scmi_device=$dev protocol=$protocol name=$name bound_driver=${driver:-none}"
    done
  dmesg | sed -n 's/.* \([^ ]*\): probe with driver \([^ ]*\) failed with error \(-[0-9]*\).*/\1 \2 \3/p' |
    while read -r dev driver error; do report "probe_failed device=$dev driver=$driver error=$error"; done
}

# Scalar sensors through hwmon (temperature, voltage, current, power, energy in milli units).
report_hwmon() {
  prefix=$1
  for hwmon in /sys/class/hwmon/hwmon*; do
    [ -e "$hwmon/name" ] || continue
    for input in "$hwmon"/*_input; do
      [ -e "$input" ] || continue
      channel=$(basename "$input" _input)
      report "$prefix hwmon=${hwmon##*/} driver=$(cat "$hwmon/name") channel=$channel label=\"$(cat "$hwmon/${channel}_label" 2>/dev/null)\" value=$(read_value "$input")"
    done
  done
}

# Three-axis sensors (accelerometers, gyroscopes) through IIO; each axis is read twice.
report_iio() {
  for dev in /sys/bus/iio/devices/iio:device*; do
    [ -e "$dev/name" ] || continue
    for raw in "$dev"/in_*_raw; do
      [ -e "$raw" ] || continue
      channel=$(basename "$raw" _raw)
      # The scale is per channel (in_accel_x_scale) or shared by the axes (in_accel_scale).
      scale=$(cat "${raw%_raw}_scale" 2>/dev/null || cat "${raw%_*_raw}_scale" 2>/dev/null)
      report "iio_sensor dev=${dev##*/} name=$(cat "$dev/name") channel=$channel raw=$(read_value "$raw") raw2=$(read_value "$raw") scale=$scale"
    done
  done
}

# Clocks of the common clock framework; SCMI clocks carry their SCMI names. clk24mhz is QEMU's own
# fixed clock of the PL011 UART.
report_clocks() {
  for clk in "$DEBUGFS"/clk/*/; do
    [ -e "$clk/clk_rate" ] || continue
    report "clock name=$(basename "$clk") rate=$(read_value "$clk/clk_rate") enable_count=$(cat "$clk/clk_enable_count") prepare_count=$(cat "$clk/clk_prepare_count")"
  done
}

# Generic PM domains registered by the SCMI power and performance domain drivers.
report_power_domains() {
  for domain in "$DEBUGFS"/pm_genpd/*/; do
    [ -e "$domain/current_state" ] || continue
    report "power_domain name=$(basename "$domain") state=$(read_value "$domain/current_state")"
  done
}

# Pin control (0x19): the scmi-pinctrl driver's pin controller in debugfs (pins, groups, functions),
# the pins the consumer device of scmi-guest.dtsi claimed at its probe (function and group), and the
# configs the server reports for them. No driver matches the consumer by itself: it is bound here to
# the generic simple-pm-bus driver once the pin controller exists, so its probe always finds it.
PINCTRL_CONSUMER=/sys/bus/platform/devices/scmi-pinctrl-consumer
report_pinctrl() {
  dir=$(ls -d "$DEBUGFS"/pinctrl/*scmi-pinctrl* 2>/dev/null | head -n 1)
  [ -n "$dir" ] || return
  if [ -d $PINCTRL_CONSUMER ] && [ ! -e $PINCTRL_CONSUMER/driver ]; then
    echo simple-pm-bus > $PINCTRL_CONSUMER/driver_override
    echo scmi-pinctrl-consumer > /sys/bus/platform/drivers/simple-pm-bus/bind
  fi
  report "pinctrl dev=${dir##*/} pins=$(grep -c '^pin ' "$dir/pins") groups=$(grep -c '^group: ' "$dir/pingroups") functions=$(grep -c '^function [0-9]*: ' "$dir/pinmux-functions")"
  driver=$(readlink $PINCTRL_CONSUMER/driver 2>/dev/null)
  report "pinctrl_consumer driver=${driver##*/}"
  # "pin 0 (GPIO_0): scmi-pinctrl-consumer function uart0 group uart0_grp"
  sed -n 's/^pin [0-9]* (\([^)]*\)): scmi-pinctrl-consumer .*function \([^ ]*\) group \([^ ]*\).*/\1 \2 \3/p' "$dir/pinmux-pins" |
    while read -r pin function group; do report "pinctrl_mux pin=$pin function=$function group=$group"; done
  # "pin 15 (GPIO_15_WAKEUP_KEY): input bias pull up (1 ohms), ..." for the consumer's pins
  grep -E "^pin [0-9]+ \(($(sed -n 's/^pin [0-9]* (\([^)]*\)): scmi-pinctrl-consumer.*/\1/p' "$dir/pinmux-pins" | paste -sd'|' -)|GPIO_15_WAKEUP_KEY)\)" "$dir/pinconf-pins" |
    sed -n 's/^pin [0-9]* (\([^)]*\)): *\(.*\)/\1|\2/p' | while IFS='|' read -r pin config; do
      report "pinctrl_conf pin=$pin config=\"$config\""
    done
}

# Performance domains through cpufreq: scmi-cpufreq's policies, whose frequencies are the server's
# performance levels (Linux runs a domain at level x sustained frequency / sustained level).
# scaling_cur_freq is the policy's view, cpuinfo_cur_freq asks the server (PERFORMANCE_LEVEL_GET).
report_cpufreq() {
  for policy in /sys/devices/system/cpu/cpufreq/policy*; do
    [ -e "$policy/scaling_driver" ] || continue
    report "cpufreq_policy name=${policy##*/} driver=$(cat "$policy/scaling_driver") cpus=$(tr ' ' , < "$policy/related_cpus") governor=$(cat "$policy/scaling_governor") frequencies=$(tr -s ' ' , < "$policy/scaling_available_frequencies" | sed 's/,$//') cur=$(read_value "$policy/scaling_cur_freq") hw=$(read_value "$policy/cpuinfo_cur_freq") latency_ns=$(cat "$policy/cpuinfo_transition_latency")"
  done
}

# A level set from the guest: the userspace governor, then scaling_setspeed at the policy's lowest
# frequency (its highest if it runs at the lowest already), which reaches the server as a
# PERFORMANCE_LEVEL_SET; cpuinfo_cur_freq reads the level back from the server.
set_cpufreq_level() {
  for policy in /sys/devices/system/cpu/cpufreq/policy*; do
    [ -e "$policy/scaling_driver" ] || continue
    if ! echo userspace 2>/tmp/cpufreq-error > "$policy/scaling_governor"; then
      report "cpufreq_set policy=${policy##*/} error=\"$(tr '\n' ' ' < /tmp/cpufreq-error)\""
      continue
    fi
    frequencies=$(cat "$policy/scaling_available_frequencies")
    target=${frequencies%% *}
    [ "$target" = "$(cat "$policy/scaling_cur_freq")" ] && target=$(echo $frequencies | awk '{ print $NF }')
    if echo "$target" 2>/tmp/cpufreq-error > "$policy/scaling_setspeed"; then
      report "cpufreq_set policy=${policy##*/} requested=$target cur=$(read_value "$policy/scaling_cur_freq") hw=$(read_value "$policy/cpuinfo_cur_freq")"
    else
      report "cpufreq_set policy=${policy##*/} requested=$target error=\"$(tr '\n' ' ' < /tmp/cpufreq-error)\""
    fi
  done
}

# Power capping zones of the powercap framework: arm_scmi_powercap registers the server's zones under
# the control type arm-scmi (arm-scmi:0, its children arm-scmi:0:0, ...).
report_powercap() {
  for zone in /sys/class/powercap/arm-scmi:*; do
    [ -e "$zone/name" ] || continue
    report "powercap_zone zone=${zone##*/} name=$(cat "$zone/name") enabled=$(read_value "$zone/enabled") limit_uw=$(read_value "$zone/constraint_0_power_limit_uw") min_uw=$(read_value "$zone/constraint_0_min_power_uw") max_uw=$(read_value "$zone/constraint_0_max_power_uw") window_us=$(read_value "$zone/constraint_0_time_window_us") power_uw=$(read_value "$zone/power_uw")"
  done
}

# A cap set from the guest: the first enabled zone's limit lowered halfway to its minimum (to 100 mW),
# which reaches the server as a POWERCAP_CAP_SET (asynchronous, with a delayed response, where the zone
# offers it); the limit read back is the cap in effect.
set_powercap_limit() {
  for zone in /sys/class/powercap/arm-scmi:*; do
    [ "$(cat "$zone/enabled" 2>/dev/null)" = 1 ] || continue
    limit=$(cat "$zone/constraint_0_power_limit_uw")
    target=$(( (limit + $(cat "$zone/constraint_0_min_power_uw")) / 2 / 100000 * 100000 ))
    if echo "$target" 2>/tmp/powercap-error > "$zone/constraint_0_power_limit_uw"; then
      report "powercap_set zone=${zone##*/} requested=$target limit_uw=$(read_value "$zone/constraint_0_power_limit_uw")"
    else
      report "powercap_set zone=${zone##*/} requested=$target error=\"$(tr '\n' ' ' < /tmp/powercap-error)\""
    fi
    return
  done
}

watch_hwmon() {
  seconds=$(cmdline_value scmi_watch 0)
  [ "$seconds" -gt 0 ] 2>/dev/null || return
  report "hwmon_watch_start seconds=$seconds"
  second=1
  while [ $second -le "$seconds" ]; do
    report_hwmon "hwmon_watch second=$second uptime=$(cut -d' ' -f1 /proc/uptime)"
    sleep 1
    second=$((second + 1))
  done
  report "hwmon_watch_end"
}

# --- SCMI message trace (reset, voltage, system power) ------------------------------------------------
# The SCMI core's scmi_msg_dump trace event records every command, response, delayed response and
# notification with its status and payload bytes; it is switched on before the transport loads so that
# the messages the consumer drivers send while they probe are caught.
TRACING=$DEBUGFS/tracing
start_scmi_trace() {
  echo 1 > $TRACING/events/scmi/scmi_msg_dump/enable 2>/dev/null || report "scmi_trace=unavailable"
}

# "SCMI-PROBE: scmi_msg pt=16 t=CMND msg_id=04 seq=0005 s=0 pyld=..." for the protocols given (hex ids).
report_scmi_messages() {
  for protocol in "$@"; do
    grep -o "pt=$protocol t=[A-Z]* msg_id=[0-9A-F]* seq=[0-9A-F]* s=-\{0,1\}[0-9]* pyld=[0-9a-f]*" $TRACING/trace |
      while read -r message; do report "scmi_msg $message"; done
  done
}

# --- Reset domains (reset-scmi) -------------------------------------------------------------------
# The PL031 real-time clock names reset domain 0 (scmi-guest.dtsi): the AMBA bus deasserts it through
# reset-scmi before rtc-pl031 binds, so a bound rtc0 shows the consumer got past its reset.
report_resets() {
  for rtc in /sys/class/rtc/rtc*; do
    [ -e "$rtc/name" ] && report "reset_consumer rtc=${rtc##*/} driver=$(cat "$rtc/name")"
  done
}

# --- Voltage domains (scmi-regulator) ---------------------------------------------------------------
# Regulators the SCMI regulator driver registered under the voltage protocol's device, with the name
# the server gave each domain, its voltage and state.
report_regulators() {
  for regulator in /sys/class/regulator/regulator.*; do
    [ -e "$regulator/name" ] || continue
    case $(readlink -f "$regulator/device") in */scmi_dev.*) ;; *) continue ;; esac
    report "regulator name=$(cat "$regulator/name") microvolts=$(read_value "$regulator/microvolts") state=$(read_value "$regulator/state")"
  done
}

# --- System power (scmi_power_control) ------------------------------------------------------------
# With scmi_power_request=N: waits up to N seconds for the platform's shutdown request. The kernel's
# orderly poweroff runs /sbin/poweroff as a user-mode helper; the one installed here only records that it
# ran, and this script then finishes its report and powers the guest off itself (which also cancels the
# forced poweroff scmi_power_control schedules at 75% of the request's timeout).
await_system_power_request() {
  seconds=$(cmdline_value scmi_power_request 0)
  [ "$seconds" -gt 0 ] 2>/dev/null || return
  mkdir -p /sbin
  printf '#!/bin/sh\necho "$0 $*" > /tmp/orderly-poweroff\n' > /sbin/poweroff
  chmod 755 /sbin/poweroff
  report "system_power_ready seconds=$seconds"
  tenth=0
  while [ ! -e /tmp/orderly-poweroff ] && [ $tenth -lt $((seconds * 10)) ]; do
    sleep 0.1
    tenth=$((tenth + 1))
  done
  if [ -e /tmp/orderly-poweroff ]; then
    served=$(dmesg | sed -n 's/.*Serving shutdown\/reboot request: \([0-9]*\).*/\1/p' | head -n 1)
    report "system_power reacted=yes request=${served:-unknown} ran=\"$(cat /tmp/orderly-poweroff)\" after=$((tenth / 10)).$((tenth % 10))s"
  else
    report "system_power reacted=no waited=${seconds}s"
  fi
}

mount_filesystems
report "kernel=$(uname -r) machine=$(uname -m)"
report_device_tree
start_scmi_trace
load_modules
wait_for_probe
report_virtio
report_base
report_protocols
report_devices
report_hwmon hwmon_sensor
report_iio
report_clocks
report_power_domains
report_resets
report_regulators
report_pinctrl
report_cpufreq
set_cpufreq_level
report_powercap
set_powercap_limit
watch_hwmon
await_system_power_request
report_scmi_messages 12 16 17
# Last, so that errors caused by the reads above are included; the kernel's echo of our command line
# knobs is left out.
dmesg | grep -iE 'scmi|virtio' | grep -vE 'scmi_(wait|watch)=' | sed 's/^/SCMI-DMESG: /'
report "uptime=$(cut -d' ' -f1 /proc/uptime)"
report "done"
sync
poweroff -f
