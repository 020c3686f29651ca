# Sourced by the project's scripts: finds a JDK 25 or newer and exports JAVA_HOME and JAVA.
# Looks at JAVA_HOME first, then the usual install places, then the java on PATH.

java_feature_version() {  # prints the feature version of the java binary $1, e.g. 25
  # A JDK's release file says it without starting a JVM, which would cost every start of the
  # server a tenth of a second or more; it is read by the shell itself, and the binary's real
  # location is looked up only for a java that is not in a JDK's bin folder (a link on PATH).
  local home=${1%/bin/java} line
  [ -r "$home/release" ] || { home=$(readlink -f "$1"); home=${home%/bin/java}; }
  if [ -r "$home/release" ]; then
    while IFS= read -r line; do
      case $line in
        JAVA_VERSION=\"[0-9]*) line=${line#JAVA_VERSION=\"}; echo "${line%%[!0-9]*}"; return ;;
      esac
    done <"$home/release"
  else
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1
  fi
}

find_java25() {
  local candidate version
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk* \
      /usr/local/*jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$(java_feature_version "$candidate/bin/java")
    if [ -n "$version" ] && [ "${version%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate" JAVA="$candidate/bin/java"
      return 0
    fi
  done
  if command -v javac >/dev/null && command -v java >/dev/null; then
    version=$(java_feature_version "$(command -v java)")
    if [ -n "$version" ] && [ "${version%%.*}" -ge 25 ] 2>/dev/null; then
      JAVA_HOME=$(cd "$(dirname "$(readlink -f "$(command -v javac)")")/.." && pwd)
      export JAVA_HOME JAVA="$JAVA_HOME/bin/java"
      return 0
    fi
  fi
  cat >&2 <<'MSG'
No JDK 25 found (looked at JAVA_HOME, /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks and the java on PATH).
The SCMI server needs Java 25 or newer. Install one, for example:
  Debian/Ubuntu:  apt-get install temurin-25-jdk   (Adoptium repository) or openjdk-25-jdk
  any system:     https://adoptium.net (unpack it and set JAVA_HOME to its folder)
then run this command again, or point JAVA_HOME at it.
MSG
  return 1
}
