#!/usr/bin/env bash
# Fuzzes one Jazzer target (a @FuzzTest method) with coverage guidance for a number of minutes.
#
#   scripts/fuzz.sh                       lists the targets
#   scripts/fuzz.sh TARGET [MINUTES]      fuzzes TARGET (Class or Class#method), 10 minutes by default
#
# Every build runs the targets in regression mode: each input committed under
# src/test/resources/<package>/<Class>Inputs/<method>/ is replayed as a test. This script fuzzes for
# real: it builds a copy of the sources in .fuzz/ (so it never disturbs the builds of the
# working tree), compiled for Java 23 because Jazzer's instrumentation reads class files up to
# Java 23 only. The generated corpus stays in .fuzz/ between runs. A finding (an input that
# makes the target fail) is copied into the target's Inputs directory of the working tree: fix
# the bug, keep the input there as its regression test. Coverage reached is printed by libFuzzer
# (cov: edges, ft: features) and written per class to .fuzz/TARGET-coverage.txt.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$HERE"

targets() {
  grep -rl --include='*FuzzTest.java' '@FuzzTest' --exclude-dir=target . | sort | while read -r file; do
    local class
    class=$(basename "$file" .java)
    sed -n 's/^ *@FuzzTest.*//;T;n;s/^ *void \([a-zA-Z0-9_]*\)(.*/\1/p' "$file" | while read -r method; do
      echo "$class#$method  (${file#./})"
    done
  done
}

if [ $# -lt 1 ]; then
  echo "usage: scripts/fuzz.sh TARGET [MINUTES]    targets:"
  targets | sed 's/^/  /'
  exit 2
fi
TARGET=$1
MINUTES=${2:-10}
CLASS=${TARGET%%#*}
SOURCE=$(grep -rl --include="$CLASS.java" '@FuzzTest' --exclude-dir=target . | head -n1)
if [ -z "$SOURCE" ]; then
  echo "no fuzz target class $CLASS; the targets are:" >&2
  targets | sed 's/^/  /' >&2
  exit 2
fi
MODULE=${SOURCE#./}
MODULE=${MODULE%%/src/*}

. scripts/java25.sh
find_java25

# Outside target/, so that a build's clean keeps the corpora.
WORK=$HERE/.fuzz
mkdir -p "$WORK/tree"
# A fresh copy of the sources; the previous copy's target/ folders (and generated corpora) stay
# for Maven and the fuzzer to build on.
find "$WORK/tree" -mindepth 2 -maxdepth 2 -name src -type d -exec rm -rf {} +
tar --exclude=./target --exclude='*/target' --exclude=./.git --exclude=./.fuzz -cf - . | tar -xf - -C "$WORK/tree"
cd "$WORK/tree"
touch "$WORK/started"

set +e
JAZZER_FUZZ=1 ./mvnw -B -pl "$MODULE" -am test \
  -Dmaven.compiler.release=23 -Djazzer.hooks=true \
  -Dtest="$TARGET" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time=$((MINUTES * 60)) \
  -Djazzer.internal.arg.2=-print_final_stats=1 -Djazzer.internal.arg.3=-len_control=0 \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=error -Dlogback.configurationFile="$HERE/scripts/fuzz-logback.xml" \
  -Djazzer.coverage_report="$WORK/${TARGET//#/-}-coverage.txt" \
  -Djunit.jupiter.execution.timeout.default=$((MINUTES + 10))m 2>&1 | tee "$WORK/${TARGET//#/-}.log"
STATUS=${PIPESTATUS[0]}
set -e

# Findings land in the Inputs directories of the copy: bring them home as regression inputs.
find . -path '*/src/test/resources/*Inputs/*' -type f -newer "$WORK/started" | while read -r input; do
  if [ ! -e "$HERE/$input" ]; then
    mkdir -p "$(dirname "$HERE/$input")"
    cp "$input" "$HERE/$input"
    echo "finding: $input"
  fi
done
grep -E '^#[0-9]+ *(DONE|INITED|pulse|REDUCE|NEW)' "$WORK/${TARGET//#/-}.log" | tail -n1 || true
exit "$STATUS"
