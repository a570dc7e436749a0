#!/usr/bin/env bash
# Greedy decoding speed per weight type, side by side in one script: Scribe3D (`lm generate --weights
# float32|float16`, decoding on its CPU kernels, and on DJL's engine alone with SCRIBE3D_CPU_KERNELS=0) and Jlama 0.8.4 (jlama-core on JDK 25 with the Vector API, F32 working memory) on the
# same random-weight checkpoints (one stored F32, one stored F16, same dimensions), against the machine's
# memory-bandwidth limit: bytes of weights read per token ÷ measured read bandwidth (BANDWIDTH_GBS, default
# 67 GB/s with 2 threads). Runs alternate (each a fresh JVM) so all see similar machine load; prints one line
# per run and the medians.
#   usage: docs/bench/decode_weights.sh [PRESET] [NEW_TOKENS] [ROUNDS]
#   PRESET: an `lm init` preset (default llama-3.2-1b); checkpoints go to /tmp/decode-bench-PRESET-{f32,f16}
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PRESET="${1:-llama-3.2-1b}"
N="${2:-64}"
ROUNDS="${3:-3}"
BW="${BANDWIDTH_GBS:-67}"
JDK25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
PY=/usr/bin/python3
PROMPT="Findings: the liver is normal in size and attenuation without focal lesion."
BASE="/tmp/decode-bench-$PRESET"

for st in f32 f16; do
  if [ ! -f "$BASE-$st/config.json" ]; then
    echo "writing the random $PRESET checkpoint stored $st to $BASE-$st ..." >&2
    "$ROOT/scribe3d" lm init --out "$BASE-$st" --preset "$PRESET" --rope-scaling none --seed 0 --store "$st" >&2
  fi
done
(cd "$ROOT" && mvn -q -B -pl lib generate-test-resources >&2)
CP="$(cat "$ROOT/lib/target/test-classpath.txt")"
HARNESS="$ROOT/lib/src/test/resources/reference/JlamaGenerate.java"

field() { "$PY" -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])"; }

# weight bytes read per generated token: every linear layer and the output head (the tied embedding when
# tied); the embedding lookup reads one row
bytes_per_token() {
  "$PY" - "$BASE-f32/config.json" "$1" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1])); b = int(sys.argv[2])
h, i, l = c["hidden_size"], c["intermediate_size"], c["num_hidden_layers"]
d = c.get("head_dim") or h // c["num_attention_heads"]
q, kv = c["num_attention_heads"] * d, c["num_key_value_heads"] * d
per_layer = h * (q + 2 * kv) + q * h + 3 * h * i
print((l * per_layer + c["vocab_size"] * h) * b)
PYEOF
}
B32=$(bytes_per_token 4); B16=$(bytes_per_token 2)
L32=$("$PY" -c "print($BW * 1e9 / $B32)"); L16=$("$PY" -c "print($BW * 1e9 / $B16)")
printf "weights read per token: float32 %.2f GB, float16 %.2f GB; limit at %s GB/s: %.2f / %.2f tok/s\n" \
  "$("$PY" -c "print($B32/1e9)")" "$("$PY" -c "print($B16/1e9)")" "$BW" "$L32" "$L16"

ours() { # $1 weights, $2 dir (SCRIBE3D_CPU_KERNELS=0 in the environment: the engine alone)
  "$ROOT/scribe3d" lm generate --model "$2" --weights "$1" --prompt "$PROMPT" --max-new-tokens "$N" --ignore-eos \
    --json 2>/dev/null | field decode_tokens_per_second
}
jlama() { # $1 dir
  "$JDK25" -Xmx16g --enable-preview --source 25 --add-modules jdk.incubator.vector \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$CP" "$HARNESS" "$1" "$PROMPT" "$N" 2>/dev/null \
    | field decode_tokens_per_second
}

printf "%-6s %-6s %-10s %-10s %-10s %-10s %-10s %-10s\n" round load "ours f32" "engine f32" "jlama f32" \
  "ours f16" "engine f16" "jlama f16"
S32=(); E32=(); J32=(); S16=(); E16=(); J16=()
for r in $(seq 1 "$ROUNDS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  a=$(ours float32 "$BASE-f32"); e=$(SCRIBE3D_CPU_KERNELS=0 ours float32 "$BASE-f32"); b=$(jlama "$BASE-f32" || echo nan)
  c=$(ours float16 "$BASE-f16"); f=$(SCRIBE3D_CPU_KERNELS=0 ours float16 "$BASE-f16"); d=$(jlama "$BASE-f16" || echo nan)
  S32+=("$a"); E32+=("$e"); J32+=("$b"); S16+=("$c"); E16+=("$f"); J16+=("$d")
  printf "%-6s %-6s %-10.3f %-10.3f %-10.3f %-10.3f %-10.3f %-10.3f\n" "$r" "$load" "$a" "$e" "$b" "$c" "$f" "$d"
done
"$PY" - "${S32[*]}" "${E32[*]}" "${J32[*]}" "${S16[*]}" "${E16[*]}" "${J16[*]}" "$L32" "$L16" <<'PYEOF'
import math, statistics, sys
def med(s):
    v = [float(x) for x in s.split() if x != "nan"]
    return statistics.median(v) if v else math.nan
s32, e32, j32, s16, e16, j16 = (med(a) for a in sys.argv[1:7])
l32, l16 = float(sys.argv[7]), float(sys.argv[8])
for name, s, e, j, l in (("float32", s32, e32, j32, l32), ("float16", s16, e16, j16, l16)):
    print("median decode tok/s, %s: scribe3d %.3f (%.0f%% of limit), engine alone %.3f (%.0f%%), jlama %.3f (%.0f%%);"
          " scribe3d / jlama %.2f, scribe3d / engine %.2f"
          % (name, s, 100 * s / l, e, 100 * e / l, j, 100 * j / l, s / j, s / e))
print("float16 / float32 (scribe3d): %.2f" % (s16 / s32))
PYEOF
