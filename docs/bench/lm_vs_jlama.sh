#!/usr/bin/env bash
# Greedy decoding speed of Scribe3D (`lm generate`) and Jlama 0.8.4 (jlama-core, F32 weights and
# F32 working memory, JDK 25 with the Vector API) on the same random-weight F32 checkpoint with
# Llama-3.2-1B dimensions. Runs alternate (Scribe3D, Jlama, Scribe3D, ...) so both see similar
# machine load; each run is a fresh JVM. Prints one line per round and the medians.
#   usage: docs/bench/lm_vs_jlama.sh [MODEL_DIR] [NEW_TOKENS] [ROUNDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-/tmp/llama-1b-random}"
N="${2:-64}"
ROUNDS="${3:-3}"
JDK25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
PY=/usr/bin/python3
PROMPT="Findings: the liver is normal in size and attenuation without focal lesion."

if [ ! -f "$DIR/config.json" ]; then
  echo "writing the random checkpoint to $DIR (about 5 GB) ..." >&2
  "$ROOT/scribe3d" lm init --out "$DIR" --preset llama-3.2-1b --rope-scaling none --seed 0
fi
# Jlama's classpath (jlama-core is a test-scoped dependency of lib)
(cd "$ROOT" && mvn -q -B -pl lib generate-test-resources >&2)
CP="$(cat "$ROOT/lib/target/test-classpath.txt")"
HARNESS="$ROOT/lib/src/test/resources/reference/JlamaGenerate.java"

field() { "$PY" -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])"; }

printf "%-6s %-8s %-22s %-22s %s\n" round load "scribe3d decode tok/s" "jlama decode tok/s" ratio
S=(); J=()
for r in $(seq 1 "$ROUNDS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  ours=$("$ROOT/scribe3d" lm generate --model "$DIR" --prompt "$PROMPT" --max-new-tokens "$N" --ignore-eos --json 2>/dev/null)
  s=$(echo "$ours" | field decode_tokens_per_second)
  jl=$("$JDK25" -Xmx12g --enable-preview --source 25 --add-modules jdk.incubator.vector \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$CP" "$HARNESS" "$DIR" "$PROMPT" "$N" 2>/dev/null)
  j=$(echo "$jl" | field decode_tokens_per_second)
  S+=("$s"); J+=("$j")
  printf "%-6s %-8s %-22.3f %-22.3f %.2f\n" "$r" "$load" "$s" "$j" "$("$PY" -c "print($s/$j)")"
done
"$PY" - "${S[*]}" "${J[*]}" <<'PYEOF'
import statistics, sys
s = [float(x) for x in sys.argv[1].split()]
j = [float(x) for x in sys.argv[2].split()]
print("median: scribe3d %.3f tok/s, jlama %.3f tok/s, ratio %.2f" % (statistics.median(s), statistics.median(j),
      statistics.median(s) / statistics.median(j)))
PYEOF
