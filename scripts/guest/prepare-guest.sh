#!/usr/bin/env bash
# prepare-guest.sh [CACHE] - gets a machine ready to boot the SCMI probe guest (boot-guest.sh).
#
# The guest is Debian's arm64 Linux 6.12 run by QEMU; its own SCMI driver probes our server. This script:
#   1. installs QEMU >= 10 (the first release with vhost-user-scmi; on Debian 12 it comes from
#      bookworm-backports) and the tools used below: aarch64 cross compiler, make, dtc, cpio, xz, gzip;
#   2. downloads the kernel image, its headers and its source through an apt configuration kept inside
#      CACHE, so the host's dpkg database, architectures and package lists are not touched;
#   3. builds, out of tree, the SCMI modules Debian's configuration leaves out: the virtio transport
#      (refusing pre-1.0 devices, as the kernel's default configuration does), scmi-hwmon, scmi_iio,
#      scmi_power_control, scmi-regulator, pinctrl-scmi, scmi-cpufreq, and arm_scmi_powercap with the
#      powercap framework it needs (the SCMI core with every protocol, clock, power/performance domain
#      and reset drivers are built in);
#   4. packs busybox, those modules with everything they depend on, and guest-init.sh (as /init) into
#      CACHE/initrd.img.
#
# Each step is skipped when its result is already there, so running it again is cheap; delete CACHE to
# start over. Default CACHE: $SCMI_GUEST_CACHE, else /var/cache/scmi-server-guest. Needs root (re-runs itself with sudo) and
# Debian's package archive. SCMI_GUEST_KERNEL=<Debian version of linux-source-6.12> pins the kernel.
set -euo pipefail

DEFAULT_CACHE=${SCMI_GUEST_CACHE:-/var/cache/scmi-server-guest}
KERNEL_SERIES=6.12
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
say() { echo "prepare-guest: $*" >&2; }
die() { say "error: $*"; exit 1; }

case ${1:-} in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
[ $# -le 1 ] || die "usage: prepare-guest.sh [CACHE]"

if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "needs root (and sudo is not installed)"
  say "needs root: running again with sudo"
  exec sudo -- "$0" "${1:-$DEFAULT_CACHE}"
fi

mkdir -p "${1:-$DEFAULT_CACHE}"
CACHE=$(cd "${1:-$DEFAULT_CACHE}" && pwd)
WORK=$CACHE/work
export DEBIAN_FRONTEND=noninteractive

# --- 1. Host tools -----------------------------------------------------------------------------

qemu_ready() {
  local major
  major=$(qemu-system-aarch64 --version 2>/dev/null | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
  [ "${major:-0}" -ge 10 ] && qemu-system-aarch64 -device help 2>/dev/null | grep -q '"vhost-user-scmi"'
}

build_tools_ready() {
  local tool
  for tool in aarch64-linux-gnu-gcc-12 aarch64-linux-gnu-objcopy make dtc cpio xz gzip; do
    command -v "$tool" >/dev/null || return 1
  done
}

install_host_tools() {
  if qemu_ready && build_tools_ready; then
    say "host tools: present ($(qemu-system-aarch64 --version | head -1))"
    return
  fi
  local codename qemu_from=()
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  if [ "$codename" = bookworm ]; then
    # Debian 12 ships QEMU 7.2; bookworm-backports has QEMU 10.
    if ! grep -rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      say "adding bookworm-backports to the apt sources (for QEMU 10)"
      printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
        'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
        > /etc/apt/sources.list.d/bookworm-backports.sources
    fi
    qemu_from=(-t bookworm-backports)
  fi
  say "installing QEMU and build tools (apt-get)"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${qemu_from[@]}" qemu-system-arm >/dev/null
  apt-get install -y -qq --no-install-recommends gcc-12-aarch64-linux-gnu binutils-aarch64-linux-gnu \
    make device-tree-compiler cpio xz-utils gzip >/dev/null
  qemu_ready || die "the installed QEMU ($(qemu-system-aarch64 --version | head -1)) has no vhost-user-scmi device; QEMU 10 or newer is needed"
  build_tools_ready || die "build tools still missing after apt-get install"
}

# --- 2. Kernel packages through a private apt configuration ---------------------------------------

PRIVATE_APT=$WORK/apt
private_apt() { APT_CONFIG=$PRIVATE_APT/apt.conf "$@"; }

setup_private_apt() {
  local host_arch keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -r $keyring ] || die "$keyring missing (apt-get install debian-archive-keyring)"
  host_arch=$(dpkg --print-architecture)
  mkdir -p "$PRIVATE_APT"/{etc/apt.conf.d,etc/preferences.d,lists/partial,archives/partial}
  : > "$PRIVATE_APT/status"
  cat > "$PRIVATE_APT/etc/sources.list" <<SOURCES
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm main
deb [signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main
SOURCES
  # The kernel runs arm64 code, but linux-kbuild (fixdep, modpost) runs on this host.
  cat > "$PRIVATE_APT/apt.conf" <<CONF
Dir::Etc "$PRIVATE_APT/etc";
Dir::Etc::sourcelist "sources.list";
Dir::Etc::sourceparts "-";
Dir::Etc::preferencesparts "preferences.d";
Dir::Etc::TrustedParts "/etc/apt/trusted.gpg.d";
Dir::State "$PRIVATE_APT";
Dir::State::lists "lists";
Dir::State::status "$PRIVATE_APT/status";
Dir::Cache "$PRIVATE_APT";
Dir::Cache::archives "archives";
APT::Architecture "$host_arch";
APT::Architectures { "$host_arch"; "arm64"; };
APT::Sandbox::User "root";
CONF
  say "kernel packages: reading the Debian 12 package lists"
  private_apt apt-get update -qq
}

# Sets KVERSION (Debian package version) and KRELEASE (uname -r of the guest).
choose_kernel() {
  KVERSION=${SCMI_GUEST_KERNEL:-$(private_apt apt-cache policy "linux-source-$KERNEL_SERIES" |
    sed -n 's/^ *Candidate: //p')}
  if [ -z "$KVERSION" ] || [ "$KVERSION" = "(none)" ]; then die "no linux-source-$KERNEL_SERIES in Debian 12"; fi
  # Debian names the ABI after the upstream version: 6.12.N-1~deb12u1 -> 6.12.N+deb12.
  KABI="${KVERSION%%-*}+deb12"
  KRELEASE="$KABI-arm64"
}

download_kernel() {
  local host_arch
  host_arch=$(dpkg --print-architecture)
  say "kernel packages: downloading Linux $KRELEASE (Debian $KVERSION) and busybox"
  mkdir -p "$WORK/debs"
  (cd "$WORK/debs" && private_apt apt-get download -qq \
    "linux-image-$KRELEASE:arm64=$KVERSION" "linux-headers-$KRELEASE:arm64=$KVERSION" \
    "linux-headers-$KABI-common=$KVERSION" "linux-kbuild-$KABI:$host_arch=$KVERSION" \
    "linux-source-$KERNEL_SERIES=$KVERSION" busybox-static:arm64)
}

# --- 3. SCMI modules ---------------------------------------------------------------------------

# Unpacks the packages (dpkg -x, no installation) into WORK/root and the needed driver sources into WORK/src.
unpack_kernel() {
  local deb
  rm -rf "$WORK/root" "$WORK/src"
  mkdir -p "$WORK/root" "$WORK/src"
  for deb in "$WORK"/debs/linux-image-*.deb "$WORK"/debs/linux-headers-*.deb \
             "$WORK"/debs/linux-kbuild-*.deb "$WORK"/debs/busybox-static_*.deb; do
    dpkg -x "$deb" "$WORK/root"
  done
  # The arm64 headers include the common headers by absolute path: point it into WORK/root.
  sed -i "s|^include /usr/src/|include $WORK/root/usr/src/|" "$WORK/root/usr/src/linux-headers-$KRELEASE/Makefile"
  say "kernel source: extracting the SCMI, hwmon and IIO drivers"
  dpkg-deb --fsys-tarfile "$WORK"/debs/linux-source-*.deb |
    tar -xO "./usr/src/linux-source-$KERNEL_SERIES.tar.xz" |
    tar -xJ -C "$WORK/src" --strip-components=1 \
      "linux-source-$KERNEL_SERIES/drivers/firmware/arm_scmi" \
      "linux-source-$KERNEL_SERIES/drivers/hwmon/scmi-hwmon.c" \
      "linux-source-$KERNEL_SERIES/drivers/iio/common/scmi_sensors/scmi_iio.c" \
      "linux-source-$KERNEL_SERIES/drivers/regulator/scmi-regulator.c" \
      "linux-source-$KERNEL_SERIES/drivers/cpufreq/scmi-cpufreq.c" \
      "linux-source-$KERNEL_SERIES/drivers/powercap/powercap_sys.c" \
      "linux-source-$KERNEL_SERIES/drivers/powercap/arm_scmi_powercap.c" \
      "${PINCTRL_SOURCES[@]/#/linux-source-$KERNEL_SERIES/}"
}

# Pin control (protocol 0x19): the pinctrl-scmi driver and the pinctrl core's private headers it includes.
PINCTRL_SOURCES=(drivers/pinctrl/pinctrl-scmi.c drivers/pinctrl/core.h drivers/pinctrl/pinconf.h
                 drivers/pinctrl/pinmux.h drivers/pinctrl/pinctrl-utils.h)

# Builds the modules with the kernel's own kbuild; the sources keep their tree layout below the build
# folder because transports/virtio.c includes "../common.h".
build_modules() {
  local build=$WORK/build
  rm -rf "$build"
  mkdir -p "$build/drivers/hwmon" "$build/drivers/iio" "$build/drivers/regulator"
  cp -r "$WORK/src/drivers/firmware" "$build/drivers/"
  cp "$WORK/src/drivers/hwmon/scmi-hwmon.c" "$build/drivers/hwmon/"
  cp "$WORK/src/drivers/iio/common/scmi_sensors/scmi_iio.c" "$build/drivers/iio/"
  # Voltage domains as regulators (REGULATOR_ARM_SCMI), which Debian does not build.
  cp "$WORK/src/drivers/regulator/scmi-regulator.c" "$build/drivers/regulator/"
  cp -r "$WORK/src/drivers/pinctrl" "$build/drivers/"
  cat > "$build/Kbuild" <<'KBUILD'
obj-m := scmi_transport_virtio.o scmi-hwmon.o scmi_iio.o scmi_power_control.o
scmi_transport_virtio-y := drivers/firmware/arm_scmi/transports/virtio.o
scmi_power_control-y := drivers/firmware/arm_scmi/scmi_power_control.o
scmi-hwmon-y := drivers/hwmon/scmi-hwmon.o
scmi_iio-y := drivers/iio/scmi_iio.o
obj-m += scmi-regulator.o
scmi-regulator-y := drivers/regulator/scmi-regulator.o
obj-m += pinctrl-scmi.o
pinctrl-scmi-y := drivers/pinctrl/pinctrl-scmi.o
# The kernel's Kconfig default for the virtio transport: only VIRTIO_F_VERSION_1 devices.
ccflags-y += -DCONFIG_ARM_SCMI_TRANSPORT_VIRTIO_VERSION1_COMPLIANCE=1
KBUILD
  add_perf_powercap_sources "$build"
  say "building scmi_transport_virtio, scmi-hwmon, scmi_iio, scmi_power_control, scmi-regulator, pinctrl-scmi, scmi-cpufreq, powercap_sys and arm_scmi_powercap for $KRELEASE"
  # No BTF for out-of-tree modules: it would need pahole and the kernel's vmlinux.
  make -s -C "$WORK/root/usr/src/linux-headers-$KRELEASE" M="$build" -j"$(nproc)" \
    CONFIG_DEBUG_INFO_BTF_MODULES= modules >&2
}

# Performance domains and power capping: Debian 6.12 builds neither scmi-cpufreq (ARM_SCMI_CPUFREQ is
# off) nor the powercap framework (POWERCAP is off) that arm_scmi_powercap registers its zones with.
# The framework is a built-in-only option; as a module it needs the licence its source leaves to the
# kernel image, given here in a file of its own.
add_perf_powercap_sources() {
  local build=$1
  mkdir -p "$build/drivers/cpufreq" "$build/drivers/powercap"
  cp "$WORK/src/drivers/cpufreq/scmi-cpufreq.c" "$build/drivers/cpufreq/"
  cp "$WORK/src/drivers/powercap/powercap_sys.c" "$WORK/src/drivers/powercap/arm_scmi_powercap.c" \
    "$build/drivers/powercap/"
  printf '%s\n' '#include <linux/module.h>' 'MODULE_LICENSE("GPL");' > "$build/drivers/powercap/powercap_licence.c"
  cat >> "$build/Kbuild" <<'KBUILD'
obj-m += scmi-cpufreq.o powercap_sys.o arm_scmi_powercap.o
scmi-cpufreq-y := drivers/cpufreq/scmi-cpufreq.o
powercap_sys-y := drivers/powercap/powercap_sys.o drivers/powercap/powercap_licence.o
arm_scmi_powercap-y := drivers/powercap/arm_scmi_powercap.o
KBUILD
}

# Prints the "depends=" list of a module file, one name a line.
module_depends() {
  aarch64-linux-gnu-objcopy -O binary --only-section=.modinfo "$1" /dev/stdout |
    tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' '\n' | sed '/^$/d'
}

# Copies module NAME (ours stripped of debug information; Debian's decompressed, keeping their
# signatures) into MODULES together with everything it depends on, and appends each to the load order
# after its dependencies.
MODULES=$CACHE/initramfs/lib/modules
# The modules the guest loads, in this order (each after what it depends on). virtio_mmio first: the
# virtio-mmio variant of the device needs it before the transport loads. A cache prepared for another
# list is prepared again.
GUEST_MODULES="virtio_mmio scmi_transport_virtio scmi_hwmon scmi_iio scmi_power_control"
# Voltage domains (protocol 0x17) as regulators.
GUEST_MODULES+=" scmi_regulator"
# Pin control (protocol 0x19).
GUEST_MODULES+=" pinctrl_scmi"
# Performance domains (cpufreq, with the userspace governor the probe sets levels with) and power capping.
GUEST_MODULES+=" scmi_cpufreq cpufreq_userspace arm_scmi_powercap"
add_module() {
  local name=$1 file dep
  grep -qx "$name" "$MODULES/load-order" && return
  file=$(find "$WORK/build" "$WORK/root/lib/modules/$KRELEASE" \
    \( -name "$name.ko" -o -name "$name.ko.xz" -o -name "${name//_/-}.ko" -o -name "${name//_/-}.ko.xz" \) \
    -print -quit)
  if [ -z "$file" ]; then
    # Not a module file: built into Debian's kernel (its modules.builtin lists it).
    grep -q "/${name//_/[-_]}\.ko$" "$WORK/root/lib/modules/$KRELEASE/modules.builtin" ||
      die "module $name: neither built in nor found"
    return
  fi
  case $file in
    *.xz) xz -dc "$file" > "$MODULES/$name.ko" ;;
    *) aarch64-linux-gnu-strip --strip-debug -o "$MODULES/$name.ko" "$file" ;;
  esac
  for dep in $(module_depends "$MODULES/$name.ko"); do add_module "$dep"; done
  echo "$name" >> "$MODULES/load-order"
}

# --- 4. Initramfs ------------------------------------------------------------------------------

make_initramfs_tree() {
  local tree=$CACHE/initramfs
  rm -rf "$tree"
  mkdir -p "$tree"/{bin,dev,proc,sys,tmp} "$MODULES"
  cp "$WORK/root/bin/busybox" "$tree/bin/"
  : > "$MODULES/load-order"
  for name in $GUEST_MODULES; do
    add_module "$name"
  done
  say "initramfs modules: $(tr '\n' ' ' < "$MODULES/load-order")"
}

pack_initramfs() {
  install -m 755 "$HERE/guest-init.sh" "$CACHE/initramfs/init"
  (cd "$CACHE/initramfs" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -9) \
    > "$CACHE/initrd.img.new"
  mv "$CACHE/initrd.img.new" "$CACHE/initrd.img"
  say "initramfs: $CACHE/initrd.img"
}

# --- main --------------------------------------------------------------------------------------

install_host_tools

if [ -f "$CACHE/kernel.env" ] && [ -f "$CACHE/vmlinuz" ] && [ -s "$MODULES/load-order" ] &&
   grep -qxF "GUEST_MODULES=$GUEST_MODULES" "$CACHE/kernel.env"; then
  say "kernel and modules: present ($(paste -sd" " "$CACHE/kernel.env"))"
else
  rm -f "$CACHE/kernel.env" "$CACHE/initrd.img"
  setup_private_apt
  choose_kernel
  download_kernel
  unpack_kernel
  build_modules
  make_initramfs_tree
  cp "$WORK/root/boot/vmlinuz-$KRELEASE" "$CACHE/vmlinuz"
  printf 'KERNEL_VERSION=%s\nKERNEL_RELEASE=%s\nGUEST_MODULES=%s\n' "$KVERSION" "$KRELEASE" "$GUEST_MODULES" \
    > "$CACHE/kernel.env"
  # Downloads and build trees are only needed again for another kernel (about 300 MB).
  rm -rf "$WORK"
fi

if [ -f "$CACHE/initrd.img" ] && cmp -s "$HERE/guest-init.sh" "$CACHE/initramfs/init"; then
  say "initramfs: up to date"
else
  pack_initramfs
fi
say "ready in $CACHE"
