#!/usr/bin/env bash
# What the Neo4j tests need before they run: Java 17+ and Maven (installed from Debian's packages
# when missing) and the bundled server jar neo4j-server/target/vbgraph-neo4j-server.jar.
# Maven's cache stays in ~/.m2: with it warm the jar builds offline in ~15 s (cold: ~1 min, ~160 MB
# of downloads from Maven Central). Safe to run again: an up-to-date jar is kept.
#   bash .ci/neo4j-setup.sh            # then: python -m pytest
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "neo4j-setup: $*"; }

java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\)\.\{0,1\}\([0-9]*\).*/\1 \2/p' | head -1 |
    awk '{ print ($1 == 1 ? $2 : $1) }'
}

missing=()
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
  missing+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null 2>&1 || missing+=(maven)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
major=$(java_major)
if [ -z "$major" ] || [ "$major" -lt 17 ]; then
  say "error: Java 17+ is needed, found: $(java -version 2>&1 | head -1)" >&2
  exit 1
fi
say "java $major ($(command -v java)), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"

jar=neo4j-server/target/vbgraph-neo4j-server.jar
if [ -f "$jar" ] && [ -z "$(find neo4j-server/pom.xml neo4j-server/src -newer "$jar" -print -quit)" ]; then
  say "$jar is up to date"
else
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  flags=(-q -B -f neo4j-server/pom.xml package -DskipTests)
  start=$(date +%s)
  # offline first: a warm ~/.m2 needs no network; fall back to Maven Central when it lacks anything
  if mvn -o "${flags[@]}" >"$log" 2>&1; then
    say "built $jar offline from ~/.m2 in $(( $(date +%s) - start )) s"
  else
    say "not everything is in ~/.m2 yet: building with downloads from Maven Central"
    if ! mvn "${flags[@]}" >"$log" 2>&1; then
      say "error: building $jar failed; the end of Maven's output:" >&2
      sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -v -E '^(Download|Progress)' | tail -40 >&2
      exit 1
    fi
    say "built $jar in $(( $(date +%s) - start )) s"
  fi
fi
ls -l "$jar"
