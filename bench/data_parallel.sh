#!/usr/bin/env bash
# Data-parallel step time on this CPU: the tiny preset through the real Trainer on one device vs
# master + one replica (org.scribe3d.train.DataParallelBench), each device with 1 torch thread, plus
# one device with 2 torch threads as the usual single-device setting. Same work per step in every
# run (2 micro-batches of 2 examples). Runs alternate within each round, each a fresh JVM, so all see
# similar machine load. Prints one line per round and the medians over rounds.
#   usage: bench/data_parallel.sh [ROUNDS] [STEPS]   (after a build: mvn -o -q -DskipTests package)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-3}"
STEPS="${2:-8}"
PY=/usr/bin/python3
. "$ROOT/environment/malloc.sh"
CP="$ROOT/lib/target/scribe3d-lib.jar:$(cat "$ROOT/lib/target/classpath.txt")"
bench() { # DEVICES THREADS_EACH -> median step seconds
  java -Xmx4g -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error -cp "$CP" \
    org.scribe3d.train.DataParallelBench "$1" "$2" "$STEPS" 2 \
    | "$PY" -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['median_step_s'])"
}
printf "%-6s %-6s %-16s %-16s %-16s %s\n" round load "1 dev x 1 thr" "2 dev x 1 thr" "1 dev x 2 thr" "speed-up 2x1 vs 1x1"
A=(); B=(); C=()
for r in $(seq 1 "$ROUNDS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  a=$(bench 1 1); b=$(bench 2 1); c=$(bench 1 2)
  A+=("$a"); B+=("$b"); C+=("$c")
  printf "%-6s %-6s %-16s %-16s %-16s %.2f\n" "$r" "$load" "$a s" "$b s" "$c s" "$("$PY" -c "print($a/$b)")"
done
"$PY" - "${A[*]}" "${B[*]}" "${C[*]}" <<'PYEOF'
import statistics, sys
a, b, c = ([float(x) for x in s.split()] for s in sys.argv[1:4])
print("median step: 1x1 %.3f s, 2x1 %.3f s, 1x2 %.3f s; speed-up 2x1 vs 1x1 %.2f (per round %s)"
      % (statistics.median(a), statistics.median(b), statistics.median(c), statistics.median(a) / statistics.median(b),
         ", ".join("%.2f" % (x / y) for x, y in zip(a, b))))
PYEOF
