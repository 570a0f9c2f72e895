#!/bin/bash
# Request-path figure against a real daemon (fresh home, own xmtp-node): answers/s and daemon CPU per answer.
# usage: bench/ws/request_daemon.sh build/src/cli/xs build/src/node/xmtp-node build/bench/ws/xs-ws-load
set -u
XS=$1; NODE=$2; LOAD=$3
ROOT=$(mktemp -d)
for d in home config data state run node; do mkdir -p -m 700 $ROOT/$d; done
NPORT=$((40000 + RANDOM % 10000))
$NODE --host 127.0.0.1 --port $NPORT --data-dir $ROOT/node > $ROOT/node.log 2>&1 &
NPID=$!
sleep 1
export PATH=/usr/local/bin:/usr/bin:/bin HOME=$ROOT/home XDG_CONFIG_HOME=$ROOT/config XDG_DATA_HOME=$ROOT/data \
  XDG_STATE_HOME=$ROOT/state XDG_RUNTIME_DIR=$ROOT/run TMPDIR=$ROOT/run XMTP_SIGNET_WS_PORT=0 \
  XMTP_SIGNET_LOCAL_NODE=127.0.0.1:$NPORT
$XS init trusted-local --env local --json > /dev/null || exit 1
$XS daemon start --daemon --json > /dev/null || exit 1
$XS operator create --label bot --json > /dev/null
A=$($XS chat create --name a --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
B=$($XS chat create --name b --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
TOKENS=""
for i in 1 2 3 4; do
  T=$($XS cred issue --op bot --chat $A --allow send --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  TOKENS="$TOKENS${TOKENS:+,}$T"
done
STATUS=$($XS status --json)
WSPORT=$(echo "$STATUS" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("wsPort") or d.get("ws",{}).get("port"))')
DPID=$(echo "$STATUS" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("pid",""))')
[ -n "$DPID" ] || { echo "xs status gave no pid" >&2; exit 1; }
echo "daemon pid $DPID" >&2  # for perf record -p
TCK=$(getconf CLK_TCK)
C0=$(awk '{print $14+$15}' /proc/$DPID/stat)
RES=$($LOAD request --port $WSPORT --tokens $TOKENS --chat $B --connections 16 --window 16 --seconds 5)
C1=$(awk '{print $14+$15}' /proc/$DPID/stat)

python3 -c "
import json
r=json.loads('''$RES''')
n=r['errorAnswers']+r['okAnswers']
cpu=($C1-$C0)/$TCK
print('answers/s %.0f p50 %.1f ms p99 %.1f ms daemon cpu %.2f s = %.1f us/answer' % (r['answersPerSecond'], r['latency']['p50Us']/1000, r['latency']['p99Us']/1000, cpu, cpu*1e6/max(n,1)))"
$XS daemon stop --json > /dev/null
kill $NPID; wait $NPID 2>/dev/null
rm -rf "$ROOT"
