#!/usr/bin/env bash
# Builds the SCMI server's Debian packages, one per architecture, each with its own Java runtime:
#   1. the JDK modules the server needs, found by jdeps in the runnable JAR's bundles;
#   2. for the build machine's architecture, the JDK that builds; for another one, OpenJDK 25's
#      jmods of that architecture, fetched from Debian's archive (trixie) through an apt
#      configuration of its own (the host's apt state is not touched) and kept in a cache folder;
#      Debian's newest builds may come without jmods, so the newest one served that has them is
#      taken;
#   3. a runtime linked by jlink (the host's jlink links any architecture), stripped;
#   4. on the build machine's own architecture, a training run of the packaged server that writes
#      its ahead-of-time cache (other architectures ship without one: their JVM cannot run here);
#   5. the package tree (launcher, runtime, JAR, systemd unit, configuration, man page, maintainer
#      scripts), its dependencies read from the runtime's ELF files, then dpkg-deb and lintian.
#
# usage: build-packages.sh VERSION OUTPUT_DIR ARCH...   (ARCH: amd64, arm64)
# Environment: TRAINING_CLASSPATH (class path of the training run, set by the build),
# SCMI_DIST_CACHE (download cache; default ~/.cache/scmi-server-dist).
set -euo pipefail
DIST=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
ROOT=$(cd "$DIST/.." && pwd)
VERSION=${1:?VERSION}; OUT=$(readlink -m "${2:?OUTPUT_DIR}"); shift 2
[ $# -gt 0 ] || { echo "build-packages: no architecture given" >&2; exit 2; }
JAR=$ROOT/launcher/target/scmi-server.jar
CACHE=${SCMI_DIST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scmi-server-dist}
HOST_ARCH=$(dpkg --print-architecture)
DEB_VERSION=${VERSION/-SNAPSHOT/\~snapshot}
WORK=$OUT/work
say() { echo "build-packages: $*" >&2; }
die() { say "$*"; exit 1; }

. "$ROOT/scripts/java25.sh"
find_java25
[ -r "$JAR" ] || die "no runnable JAR at $JAR (build the launcher first)"
rm -rf "$WORK"; mkdir -p "$WORK" "$CACHE"

# --- 1. Modules ------------------------------------------------------------------------------------
modules() {
  mkdir -p "$WORK/jar" && (cd "$WORK/jar" && "$JAVA_HOME/bin/jar" xf "$JAR")
  # jdk.unsupported: Felix reaches sun.misc.Unsafe by reflection, which jdeps cannot see.
  local found
  found=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 \
    "$WORK"/jar/jar/*.jar "$WORK/jar/aQute")
  echo "$found,jdk.unsupported"
}

# --- 2. A JDK's jmods from Debian's archive ----------------------------------------------------------
APT=$CACHE/apt
private_apt() { APT_CONFIG=$APT/apt.conf "$@"; }
setup_apt() {
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -r $keyring ] || die "$keyring missing (apt-get install debian-archive-keyring)"
  mkdir -p "$APT"/{etc/apt.conf.d,etc/preferences.d,lists/partial,archives/partial}
  [ -f "$APT/status" ] || : > "$APT/status"
  cat > "$APT/etc/sources.list" <<SOURCES
deb [signed-by=$keyring] http://deb.debian.org/debian trixie main
deb [signed-by=$keyring] http://deb.debian.org/debian-security trixie-security main
deb [signed-by=$keyring] http://deb.debian.org/debian trixie-backports main
SOURCES
  cat > "$APT/apt.conf" <<CONF
Dir::Etc "$APT/etc";
Dir::Etc::sourcelist "sources.list";
Dir::Etc::sourceparts "-";
Dir::Etc::TrustedParts "/etc/apt/trusted.gpg.d";
Dir::State "$APT";
Dir::State::lists "lists";
Dir::State::status "$APT/status";
Dir::Cache "$APT";
Dir::Cache::archives "archives";
APT::Architecture "$HOST_ARCH";
APT::Architectures { "amd64"; "arm64"; };
APT::Sandbox::User "root";
CONF
  say "reading Debian's package lists (OpenJDK 25)"
  private_apt apt-get update -qq >&2 || die "apt-get update failed for Debian's archive"
}

# Prints the folder of an OpenJDK 25 of architecture $1 that has jmods.
fetch_jdk() {
  local arch=$1 version deb folder
  mkdir -p "$CACHE/debs" "$CACHE/jdk"
  for version in $(private_apt apt-cache madison "openjdk-25-jdk-headless:$arch" | awk -F'|' '{gsub(/ /,"",$2); print $2}'); do
    folder=$CACHE/jdk/$arch-${version//[:~+]/_}
    if [ ! -f "$folder/.jmods" ] && [ ! -f "$folder/.no-jmods" ]; then
      deb=$(ls "$CACHE"/debs/openjdk-25-jdk-headless_"${version#*:}"_"$arch".deb 2>/dev/null || true)
      if [ -z "$deb" ]; then
        say "downloading openjdk-25-jdk-headless:$arch $version"
        (cd "$CACHE/debs" && private_apt apt-get download -qq "openjdk-25-jdk-headless:$arch=$version" >&2) \
          || die "cannot download openjdk-25-jdk-headless:$arch=$version"
        deb=$(ls "$CACHE"/debs/openjdk-25-jdk-headless_*"_$arch.deb" -t | head -n1)
      fi
      mkdir -p "$folder"
      if dpkg-deb -c "$deb" | grep -c '/jmods/java\.base\.jmod$' >/dev/null; then
        dpkg-deb -x "$deb" "$folder"
        touch "$folder/.jmods"
      else
        say "openjdk-25-jdk-headless:$arch $version has no jmods; trying an older one"
        touch "$folder/.no-jmods"
        rm -f "$deb"
      fi
    fi
    if [ -f "$folder/.jmods" ]; then
      echo "$folder/usr/lib/jvm/java-25-openjdk-$arch"
      return 0
    fi
  done
  die "Debian's archive serves no openjdk-25-jdk-headless:$arch with jmods"
}

# --- 3. The runtime --------------------------------------------------------------------------------
# The build machine's own architecture is linked from the JDK that builds (its jmods, or the JDK
# itself when it is a linkable runtime without jmods, as Temurin 25 is): its runtime then runs
# wherever that JDK runs, and it can be trained and given a class data sharing archive here. Other
# architectures are linked from Debian's jmods.
link_runtime() {
  local arch=$1 output=$2 from=()
  if [ "$arch" = "$HOST_ARCH" ]; then
    [ -d "$JAVA_HOME/jmods" ] && from=(--module-path "$JAVA_HOME/jmods")
    say "$arch: linking the runtime from $JAVA_HOME ($("$JAVA" -version 2>&1 | sed -n 2p))"
    from+=(--generate-cds-archive)
  else
    local jdk
    jdk=$(fetch_jdk "$arch")
    say "$arch: linking the runtime from Debian's $(basename "$(dirname "$(dirname "$(dirname "$(dirname "$jdk")")")")")"
    from=(--module-path "$jdk/jmods")
  fi
  "$JAVA_HOME/bin/jlink" "${from[@]}" --add-modules "$MODULES" --output "$output" \
    --strip-java-debug-attributes --no-header-files --no-man-pages --exclude-files='glob:**.debuginfo' >&2
  strip_runtime "$arch" "$output"
  # The server runs with compressed object pointers (a small heap): the archive for runs without
  # them would never be read.
  rm -f "$output/lib/server/classes_nocoops.jsa"
  # jlink leaves the legal notices read-only; packaged files are 0644.
  find "$output" -type f -perm 0444 -exec chmod 0644 {} +
}

# Strips the runtime's ELF files as dh_strip does, with the binutils of their architecture.
strip_runtime() {
  local arch=$1 strip
  case $arch in
    "$HOST_ARCH") strip=strip ;;
    arm64) strip=aarch64-linux-gnu-strip ;;
    amd64) strip=x86_64-linux-gnu-strip ;;
  esac
  command -v $strip >/dev/null || die "$strip is missing (apt-get install binutils-${strip%-strip})"
  find "$2" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jexec -o -name jspawnhelper \) -print0 \
    | xargs -0 $strip --remove-section=.comment --remove-section=.note --strip-unneeded
}

# Debian packages for the shared libraries the runtime's ELF files need, with the newest glibc
# symbol version they use; an unknown library stops the build rather than shipping a package with
# a missing dependency.
depends() {
  local elves libs lib glibc packages=()
  elves=$(find "$1" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jexec -o -name jspawnhelper \))
  libs=$(readelf -d $elves 2>/dev/null | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort -u)
  glibc=$(readelf -V $elves 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n1)
  for lib in $libs; do
    case $lib in
      libjava.so|libjli.so|libjvm.so|libnet.so|libnio.so|libzip.so|libjimage.so|libverify.so|libmanagement*.so|libinstrument.so|libsyslookup.so) ;;
      libc.so.6|libm.so.6|libdl.so.2|libpthread.so.0|librt.so.1|ld-linux*) packages+=("libc6 (>= ${glibc:-2.17})") ;;
      libz.so.1) packages+=(zlib1g) ;;
      libstdc++.so.6) packages+=(libstdc++6) ;;
      libgcc_s.so.1) packages+=(libgcc-s1) ;;
      *) die "the runtime needs $lib: add its Debian package to depends() in $0" ;;
    esac
  done
  printf '%s\n' "${packages[@]}" | sort -u | paste -sd, | sed 's/,/, /g'
}

# --- 5. The package --------------------------------------------------------------------------------
stage() {
  local arch=$1 root=$2 lib=$2/usr/lib/scmi-server
  mkdir -p "$lib/bin" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/scmi-server" \
    "$root/usr/share/man/man1" "$root/usr/share/doc/scmi-server" "$root/DEBIAN"
  install -m 0755 "$DIST/src/bin/scmi-server" "$lib/bin/scmi-server"
  install -m 0644 "$JAR" "$lib/scmi-server.jar"
  install -m 0644 "$ROOT/launcher/target/transport.xen.sim.jar" "$lib/transport.xen.sim.jar"
  ln -s ../lib/scmi-server/bin/scmi-server "$root/usr/bin/scmi-server"
  install -m 0644 "$DIST/src/deb/scmi-server.service" "$root/lib/systemd/system/"
  install -m 0644 "$DIST/src/deb/config.json" "$root/etc/scmi-server/config.json"
  gzip -9n < "$DIST/src/deb/scmi-server.1" > "$root/usr/share/man/man1/scmi-server.1.gz"
  install -m 0644 "$DIST/src/deb/copyright" "$root/usr/share/doc/scmi-server/copyright"
  install -D -m 0644 "$DIST/src/deb/lintian-overrides" "$root/usr/share/lintian/overrides/scmi-server"
  printf 'scmi-server (%s) unstable; urgency=medium\n\n  * Built from the source tree.\n\n -- %s  %s\n' \
    "$DEB_VERSION" "$MAINTAINER" "$(date -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")" \
    | gzip -9n > "$root/usr/share/doc/scmi-server/changelog.gz"
  install -m 0755 "$DIST/src/deb/postinst" "$DIST/src/deb/prerm" "$DIST/src/deb/postrm" "$root/DEBIAN/"
  echo /etc/scmi-server/config.json > "$root/DEBIAN/conffiles"
}

control() {
  local arch=$1 root=$2
  cat > "$root/DEBIAN/control" <<CONTROL
Package: scmi-server
Version: $DEB_VERSION
Architecture: $arch
Maintainer: $MAINTAINER
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $(depends "$root/usr/lib/scmi-server/runtime")
Section: admin
Priority: optional
Description: SCMI platform server for virtio-scmi guests
 Serves the Arm System Control and Management Interface (clocks, power
 domains, sensors) to virtual machines over virtio-scmi: to QEMU guests
 through vhost-user sockets, and to Xen guests from dom0 or a driver domain
 through IOREQ servers for their virtio-mmio devices. Protocols and board
 drivers are OSGi bundles that can be updated while guests run.
 .
 It brings its own Java runtime, linked from OpenJDK 25, and a systemd
 service.
CONTROL
  (cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
    > "$root/DEBIAN/md5sums"
}

MAINTAINER="SCMI server maintainers <scmi-server@lists.debian.invalid>"
MODULES=$(modules)
say "JDK modules: $MODULES"
for arch in "$@"; do
  [ "$arch" = "$HOST_ARCH" ] || { setup_apt; break; }
done
for arch in "$@"; do
  case $arch in amd64|arm64) ;; *) die "unsupported architecture '$arch' (amd64, arm64)" ;; esac
  root=$WORK/$arch/root
  stage "$arch" "$root"
  link_runtime "$arch" "$root/usr/lib/scmi-server/runtime"
  if [ "$arch" = "$HOST_ARCH" ] && [ -n "${TRAINING_CLASSPATH:-}" ]; then
    say "$arch: training run for the ahead-of-time cache"
    "$JAVA" --enable-native-access=ALL-UNNAMED -Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$TRAINING_CLASSPATH" org.scmi.launcher.aot.TrainingRun \
      "$root/usr/lib/scmi-server/bin/scmi-server" "$root/usr/lib/scmi-server/scmi-server.aot" >&2
  fi
  control "$arch" "$root"
  deb=$OUT/scmi-server_${DEB_VERSION}_$arch.deb
  dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
  say "$arch: $(basename "$deb"): $(du -k "$deb" | cut -f1) KiB, runtime $(du -sk "$root/usr/lib/scmi-server/runtime" | cut -f1) KiB, installed $(du -sk --exclude=DEBIAN "$root" | cut -f1) KiB"
  if command -v lintian >/dev/null; then
    lintian --fail-on error "$deb" >&2 || die "lintian found errors in $deb"
  else
    say "lintian is not installed: $deb not checked"
  fi
done
