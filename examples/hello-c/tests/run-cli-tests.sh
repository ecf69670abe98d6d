#!/bin/sh
# Runs the CLI cases of shard SHARD (1-based) of COUNT against build/hello.
# Usage: run-cli-tests.sh SHARD COUNT    Needs GREETING in the environment.
set -eu
shard=$1
count=$2
cases=$(dirname "$0")/cli-cases.txt
# Escaped for use as a sed replacement.
greeting=$(printf '%s' "$GREETING" | sed 's/[&/\\]/\\&/g')
greeting_upper=$(printf '%s' "$greeting" | tr '[:lower:]' '[:upper:]')
failures=0
ran=0
n=0
while IFS='|' read -r args want status; do
    case "$args" in \#*) continue ;; esac
    n=$((n + 1))
    [ $(( (n - 1) % count + 1 )) -eq "$shard" ] || continue
    ran=$((ran + 1))
    want=$(printf '%s' "$want" | sed "s/\${GREETING_UPPER}/$greeting_upper/g; s/\${GREETING}/$greeting/g")
    want=$(printf '%b' "$want")
    # shellcheck disable=SC2086 # the arguments are split on purpose
    got=$(./build/hello $args 2>/dev/null) && code=0 || code=$?
    if [ "$got" = "$want" ] && [ "$code" -eq "$status" ]; then
        echo "ok   hello $args"
    else
        echo "FAIL hello $args: got \"$got\" (exit $code), want \"$want\" (exit $status)"
        failures=$((failures + 1))
    fi
done < "$cases"
echo "shard $shard/$count: $ran case(s), $failures failure(s)"
[ "$failures" -eq 0 ]
