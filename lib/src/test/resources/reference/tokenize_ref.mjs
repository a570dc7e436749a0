// Independent tokenizer.json implementation for Scribe3D's parity tests: @lenml/tokenizers (a fork of
// transformers.js's tokenizers, JavaScript, no Rust), vendored by environment/vendor.sh.
//
// usage: node tokenize_ref.mjs TOKENIZER_DIR TEXTS_JSON  -> prints a JSON array of id arrays, one per text,
// encoded as the model's tokenizer_config.json says (BOS per add_bos_token, special tokens split out).
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

function vendored() {
  const rel = "environment/vendor/node_modules/@lenml/tokenizers/dist/main.mjs";
  const homes = [process.env.SCRIBE3D_HOME, process.cwd(), dirname(fileURLToPath(import.meta.url))].filter(Boolean);
  for (const h of homes) {
    for (let d = resolve(h); ; d = dirname(d)) {
      if (existsSync(join(d, rel))) return join(d, rel);
      if (dirname(d) === d) break;
    }
  }
  throw new Error("@lenml/tokenizers is not vendored: run environment/vendor.sh");
}

const [dir, textsFile] = process.argv.slice(2);
if (!dir || !textsFile) {
  console.error("usage: node tokenize_ref.mjs TOKENIZER_DIR TEXTS_JSON");
  process.exit(2);
}
const { TokenizerLoader } = await import(pathToFileURL(vendored()).href);
const json = (f) => JSON.parse(readFileSync(join(dir, f), "utf8"));
const tokenizer = TokenizerLoader.fromPreTrained({
  tokenizerJSON: json("tokenizer.json"),
  tokenizerConfig: json("tokenizer_config.json"),
});
const texts = JSON.parse(readFileSync(textsFile, "utf8"));
console.log(JSON.stringify(texts.map((t) => Array.from(tokenizer.encode(t)).map(Number))));
