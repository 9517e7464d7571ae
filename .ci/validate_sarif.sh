#!/usr/bin/env bash
# Validates SARIF files as GitHub code scanning would ingest them: the SARIF
# team's multitool with the SARIF spec rules and GitHub's (Gh, Ghas) rules.
# The multitool exits 0 even when it finds errors, so this reads its output
# log and fails on any result of level "error". Warnings are printed, not fatal.
#
#   .ci/validate_sarif.sh FILE.sarif [FILE.sarif ...]
#
# Installs @microsoft/sarif-multitool first when it is not there yet
# (install_sarif_multitool.sh). Linux x64/arm64 only.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 FILE.sarif [FILE.sarif ...]" >&2
    exit 2
fi

multitool=$(bash "$(dirname "$0")/install_sarif_multitool.sh")

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status=0
for input in "$@"; do
    if [ ! -f "$input" ]; then
        echo "$input: no such file" >&2
        status=1
        continue
    fi
    log="$work/validation.sarif"
    rm -f "$log"
    "$multitool" validate --rule-kind "Gh;Ghas;Sarif" --log ForceOverwrite --output "$log" "$input" \
        >"$work/console.txt" 2>&1 || true
    if [ ! -s "$log" ]; then
        cat "$work/console.txt" >&2
        echo "$input: the SARIF multitool wrote no validation log" >&2
        status=1
        continue
    fi
    # The console output has the readable messages; the log is what we count.
    grep -E ': (error|warning) ' "$work/console.txt" >&2 || true
    python3 - "$input" "$log" <<'PY' || status=1
import json
import sys

source, log = sys.argv[1], sys.argv[2]
results = json.load(open(log, encoding="utf-8"))["runs"][0].get("results", [])
errors = sum(result.get("level", "warning") == "error" for result in results)
print(f"{source}: {errors} errors, {len(results) - errors} warnings (SARIF multitool, rules Gh;Ghas;Sarif)",
      file=sys.stderr)
sys.exit(1 if errors else 0)
PY
done
exit "$status"
