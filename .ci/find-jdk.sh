# Sourced by .ci/run and ./cairn: exports JAVA_HOME pointing at a JDK 21 or newer.
# Order: $JAVA_HOME if it is new enough, else the newest JDK under /usr/lib/jvm.

cairn_jdk_major() { # prints the feature version of the JDK at $1, or nothing
  local release="$1/release"
  [[ -x "$1/bin/java" && -f "$release" ]] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
}

cairn_find_jdk() {
  local major best="" best_major=0 dir
  if [[ -n "${JAVA_HOME:-}" ]]; then
    major=$(cairn_jdk_major "$JAVA_HOME")
    if [[ -n "$major" && "$major" -ge 21 ]]; then return 0; fi
    echo "cairn: JAVA_HOME=$JAVA_HOME is JDK ${major:-unknown}; Cairn needs 21 or newer, looking under /usr/lib/jvm" >&2
  fi
  for dir in /usr/lib/jvm/*; do
    [[ -L "$dir" ]] && continue
    major=$(cairn_jdk_major "$dir")
    if [[ -n "$major" && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then
      best="$dir"; best_major="$major"
    fi
  done
  if [[ -z "$best" ]]; then
    echo "cairn: no JDK 21 or newer found (checked JAVA_HOME and /usr/lib/jvm)." >&2
    echo "cairn: install one (e.g. Temurin 21 or 25) and set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
