#!/usr/bin/env bash
# Installs the SARIF team's validator (npm @microsoft/sarif-multitool) into
# $SARIF_MULTITOOL_DIR (default /tmp/sarifmt) unless it is there, and prints
# the path of its binary. Used by .ci/run (before the tests, so the SARIF
# test that runs it does not skip) and by .ci/validate_sarif.sh.
set -euo pipefail
tool_dir="${SARIF_MULTITOOL_DIR:-/tmp/sarifmt}"
multitool="$tool_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -e "$multitool" ]; then
    echo "installing @microsoft/sarif-multitool into $tool_dir" >&2
    npm install --prefix "$tool_dir" --no-audit --no-fund --loglevel=error "@microsoft/sarif-multitool@^5.7.0" >&2
fi
chmod u+x "$multitool"
echo "$multitool"
