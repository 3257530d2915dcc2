# Sourced by ./qonnect and ./test.sh: exports JAVA_HOME pointing at a JDK >= 21 and puts it first on PATH.
# Looks at $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*; the default `java` may well be older.
qonnect_java_major() {
  # the JDK's release file says it without starting a JVM (every ./qonnect command runs this)
  local v=""
  [ -f "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release")
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1)
  fi
  echo "$v"
}
qonnect_find_jdk() {
  local candidates=() c
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"); fi
  for c in /usr/lib/jvm/*; do [ -d "$c" ] && candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    local major; major=$(qonnect_java_major "$c")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}
if ! QONNECT_JDK=$(qonnect_find_jdk); then
  echo "qonnect: no JDK 21 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm). Install one, e.g. apt-get install openjdk-21-jdk-headless" >&2
  exit 1
fi
export JAVA_HOME="$QONNECT_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Guava (in Maven) and Netty (in the fabric8 client) warn about sun.misc.Unsafe on JDK 23+; the flag that
# silences it does not exist before, so it is added only there; RocksDB's JNI loader warns likewise.
QONNECT_JAVA_OPTS=""
if [ "$(qonnect_java_major "$JAVA_HOME")" -ge 23 ] 2>/dev/null; then
  QONNECT_JAVA_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
  case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} $QONNECT_JAVA_OPTS";; esac
fi
export QONNECT_JAVA_OPTS
