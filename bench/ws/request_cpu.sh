#!/bin/bash
# Request-path figure against xs-ws-test-server: answers/s and the server CPU per answer.
# usage: bench/ws/request_cpu.sh build/src/transport/ws/xs-ws-test-server build/bench/ws/xs-ws-load [--io-threads N --workers M]
SERVER=$1; LOAD=$2; shift 2
OUT=$(mktemp)
$SERVER --credentials 2000 --chats 4 "$@" > $OUT &
SPID=$!
for i in $(seq 50); do grep -q port= $OUT && break; sleep 0.1; done
PORT=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' $OUT)
TCK=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' /proc/$SPID/stat; }
C0=$(cpu)
RES=$($LOAD request --port $PORT --connections 16 --window 16 --seconds 5)
C1=$(cpu)
kill $SPID; wait $SPID 2>/dev/null
python3 -c "
import json
r=json.loads('''$RES''')
n=r['errorAnswers']+r['okAnswers']
cpu=($C1-$C0)/$TCK
print('answers/s %.0f p50 %.1f ms p99 %.1f ms server cpu %.2f s = %.1f us/answer' % (r['answersPerSecond'], r['latency']['p50Us']/1000, r['latency']['p99Us']/1000, cpu, cpu*1e6/max(n,1)))"
rm -f $OUT
