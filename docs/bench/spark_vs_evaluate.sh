#!/usr/bin/env bash
# Cases per minute of one split's predictions, side by side in one script: the single-JVM `evaluate --run`
# (generation part: its "generated ... in X s" line) and the Spark batch job in local mode (`batch`, its
# summary.json: prediction stage, Spark's start-up separately, and the whole command's wall clock). Both start
# with a cold preprocessing cache (evaluate --run has none; batch gets a fresh --cache directory), decode as the
# run's recipe says, and use all cores. Runs alternate ROUNDS times so both see similar machine load; the script
# also checks that both wrote the same lines (sorted).
#   usage: docs/bench/spark_vs_evaluate.sh RUN DATASET.json [SPLIT] [ROUNDS] [MASTER]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$1"
DATA="$2"
SPLIT="${3:-validation}"
ROUNDS="${4:-2}"
MASTER="${5:-local[*]}"
WORK="$(mktemp -d /tmp/spark-vs-evaluate.XXXXXX)"
S3D="$ROOT/scribe3d"

printf 'round  %-16s %8s %10s %12s %14s %10s\n' command cases "pred s" "cases/min" "spark start s" "wall s"
for r in $(seq 1 "$ROUNDS"); do
  ev="$WORK/eval-$r"
  t0=$(date +%s.%N)
  "$S3D" evaluate --run "$RUN" --data "$DATA" --split "$SPLIT" --out "$ev" --no-meteor --bootstrap 100 \
    > "$ev.out" 2> "$ev.err"
  t1=$(date +%s.%N)
  gen=$(sed -n 's/^generated .* for \([0-9]*\) .* cases in \([0-9.]*\) s .*/\1 \2/p' "$ev.err")
  n=${gen% *}; sec=${gen#* }
  printf '%-6s %-16s %8s %10s %12.1f %14s %10.1f\n' "$r" "evaluate --run" "$n" "$sec" \
    "$(echo "$n * 60 / $sec" | bc -l)" "-" "$(echo "$t1 - $t0" | bc -l)"

  sp="$WORK/spark-$r"
  t0=$(date +%s.%N)
  "$S3D" batch --model "$RUN" --data "$DATA" --split "$SPLIT" --out "$sp" --master "$MASTER" \
    --cache "$WORK/cache-$r" --progress-every 30 > "$sp.out" 2> "$sp.err"
  t1=$(date +%s.%N)
  read -r n sec start < <(/usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1]));
print(s["done"], s["predict_seconds"], s["spark_start_seconds"])' "$sp/summary.json")
  printf '%-6s %-16s %8s %10s %12.1f %14s %10.1f\n' "$r" "batch $MASTER" "$n" "$sec" \
    "$(echo "$n * 60 / $sec" | bc -l)" "$start" "$(echo "$t1 - $t0" | bc -l)"
  if ! cmp -s <(sort "$ev/predictions.jsonl") <(sort "$sp/predictions.jsonl"); then
    echo "round $r: the two predictions files differ" >&2
    exit 1
  fi
done
echo "same lines (sorted) in every round; load average now: $(cut -d' ' -f1-3 /proc/loadavg); files in $WORK"
