#!/usr/bin/env bash
# Greedy decoding speed per weight type, side by side in one script: Scribe3D on its CPU kernels and on DJL's
# engine alone (SCRIBE3D_CPU_KERNELS=0), both through `bench decode`, which times every decoding step beside a read
# pass over the same weights (the bandwidth limit measured at that moment, on the same memory), plus a plain
# `lm generate` run on the kernels as a check that the interleaved passes do not flatter the rate; and Jlama 0.8.4
# (jlama-core on JDK 25 with the Vector API, F32 working memory) on the same random-weight checkpoints (one stored
# F32, one stored F16, same dimensions). Jlama's share of the limit uses the limit its neighbouring Scribe3D run
# measured. Also printed against a fixed bandwidth (BANDWIDTH_GBS, default 67 GB/s). Runs alternate (each a fresh
# JVM) so all see similar machine load; prints one line per run and the medians.
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

bench() { # $1 weights, $2 dir (SCRIBE3D_CPU_KERNELS=0 in the environment: the engine alone); prints "tok/s limit"
  "$ROOT/scribe3d" bench decode --model "$2" --weights "$1" --prompt "$PROMPT" --tokens "$N" --json 2>/dev/null \
    | "$PY" -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print(d['decode_tokens_per_second'], d['limit_tokens_per_second'])"
}
plain() { # $1 weights, $2 dir
  "$ROOT/scribe3d" lm generate --model "$2" --weights "$1" --prompt "$PROMPT" --max-new-tokens "$N" --ignore-eos \
    --json 2>/dev/null | field decode_tokens_per_second
}
jlama() { # $1 dir
  "$JDK25" -Xmx16g --enable-preview --source 25 --add-modules jdk.incubator.vector \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$CP" "$HARNESS" "$1" "$PROMPT" "$N" 2>/dev/null \
    | field decode_tokens_per_second
}

# each line: round weights "ours limit" "engine limit" plain jlama (tok/s; limit = read-pass limit of that run)
RUNS=$(mktemp)
printf "%-5s %-8s %-9s %-9s %-9s %-9s %-9s %-9s\n" round weights ours "(limit)" engine "(limit)" plain jlama
for r in $(seq 1 "$ROUNDS"); do
  for w in float32 float16; do
    dir="$BASE-f${w#float}"
    o=$(bench "$w" "$dir"); e=$(SCRIBE3D_CPU_KERNELS=0 bench "$w" "$dir"); p=$(plain "$w" "$dir")
    j=$(jlama "$dir" || echo nan)
    echo "$r $w $o $e $p $j" >> "$RUNS"
    printf "%-5s %-8s %-9.3f %-9.3f %-9.3f %-9.3f %-9.3f %-9.3f\n" "$r" "$w" $o $e "$p" "$j"
  done
done
"$PY" - "$RUNS" "$L32" "$L16" "$BW" <<'PYEOF'
import math, statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
fixed = {"float32": float(sys.argv[2]), "float16": float(sys.argv[3])}
def med(v):
    v = [x for x in v if not math.isnan(x)]
    return statistics.median(v) if v else math.nan
for w in ("float32", "float16"):
    R = [[float(x) for x in r[2:]] for r in rows if r[1] == w]
    ours, olim, eng, elim, plain, jl = (list(c) for c in zip(*R))
    ours_share = med([a / b for a, b in zip(ours, olim)])
    eng_share = med([a / b for a, b in zip(eng, elim)])
    jl_share = med([j / ((a + b) / 2) for j, a, b in zip(jl, olim, elim)])
    print("%s medians: scribe3d %.2f tok/s (%.0f%% of the measured limit, %.0f%% of %s GB/s), plain generate %.2f;"
          " engine alone %.2f (%.0f%%); jlama %.2f (%.0f%%); measured limit %.2f tok/s; scribe3d / jlama %.2f"
          % (w, med(ours), 100 * ours_share, 100 * med(ours) / fixed[w], sys.argv[4], med(plain), med(eng),
             100 * eng_share, med(jl), 100 * jl_share, med(olim), med(ours) / med(jl)))
PYEOF
rm -f "$RUNS"
