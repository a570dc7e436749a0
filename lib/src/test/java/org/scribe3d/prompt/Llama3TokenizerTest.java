package org.scribe3d.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama3TokenizerTest {
  @TempDir Path tmp;

  static final List<String> SENTENCES = List.of(
      "No acute intracranial hemorrhage.",
      "A 2.3 cm hypodense lesion is seen in segment VII of the liver, likely a simple cyst.",
      "Mild bibasilar atelectasis; no pleural effusion or pneumothorax.",
      "The pancreas, spleen, adrenal glands and kidneys are unremarkable.",
      "Diverticulosis of the sigmoid colon without evidence of diverticulitis.",
      "Impression:\n1. Right lower lobe consolidation (3.1 x 2.4 cm) — pneumonia?\n2. Cardiomegaly.",
      "Hounsfield units: -1000 to +3000; liver ~55 HU, spleen 48HU.",
      "Bladder wall thickening, prostate enlarged (volume ≈ 45 mL).");

  @Test
  void matchesTheIndependentJavascriptEncoder() throws Exception {
    Path js = Llama3Tokenizer.vendoredDir().getParent().getParent().getParent()
        .resolve("llama3-tokenizer-js/bundle/commonjs-llama3-tokenizer-with-baked-data.cjs");
    assertTrue(Files.isRegularFile(js), "npm llama3-tokenizer-js missing (run environment/vendor.sh): " + js);
    Path in = tmp.resolve("in.json");
    Files.writeString(in, new Gson().toJson(SENTENCES));
    String script = "const t = require(process.argv[1]).llama3Tokenizer;"
        + "const xs = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));"
        + "console.log(JSON.stringify(xs.map(x => t.encode(x, {bos: true, eos: false}))));";
    Process p = new ProcessBuilder("node", "-e", script, js.toString(), in.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "node failed: " + out);
    JsonArray ref = JsonParser.parseString(out).getAsJsonArray();
    try (Llama3Tokenizer tok = Llama3Tokenizer.vendored()) {
      assertEquals(128000, tok.bosId());
      assertEquals(128001, tok.eosId());
      assertEquals(java.util.Set.of(128001L, 128009L), tok.stopIds());
      for (int i = 0; i < SENTENCES.size(); i++) {
        JsonArray r = ref.get(i).getAsJsonArray();
        long[] want = new long[r.size()];
        for (int j = 0; j < want.length; j++) {
          want[j] = r.get(j).getAsLong();
        }
        long[] got = tok.encode(SENTENCES.get(i));
        assertArrayEquals(want, got, SENTENCES.get(i));
        assertEquals(SENTENCES.get(i), tok.decode(got));
      }
    }
  }

  /** Meta's tokenizer.json adds BOS in its post-processor; encode must still give exactly one. */
  @Test
  void bosExactlyOnceWhateverThePostProcessor() throws Exception {
    Path src = Llama3Tokenizer.vendoredDir();
    JsonObject t = JsonParser.parseString(Files.readString(src.resolve("tokenizer.json"))).getAsJsonObject();
    String template = "{\"type\":\"Sequence\",\"processors\":[{\"type\":\"ByteLevel\",\"add_prefix_space\":true,"
        + "\"trim_offsets\":false,\"use_regex\":true},{\"type\":\"TemplateProcessing\","
        + "\"single\":[{\"SpecialToken\":{\"id\":\"<|begin_of_text|>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],"
        + "\"pair\":[{\"SpecialToken\":{\"id\":\"<|begin_of_text|>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
        + "{\"SpecialToken\":{\"id\":\"<|begin_of_text|>\",\"type_id\":1}},{\"Sequence\":{\"id\":\"B\",\"type_id\":1}}],"
        + "\"special_tokens\":{\"<|begin_of_text|>\":{\"id\":\"<|begin_of_text|>\",\"ids\":[128000],\"tokens\":[\"<|begin_of_text|>\"]}}}]}";
    t.add("post_processor", JsonParser.parseString(template));
    Path meta = tmp.resolve("meta");
    Files.createDirectories(meta);
    Files.writeString(meta.resolve("tokenizer.json"), new Gson().toJson(t));
    String text = "Liver: normal size and attenuation.";
    try (Llama3Tokenizer npm = Llama3Tokenizer.vendored(); Llama3Tokenizer metaTok = Llama3Tokenizer.load(meta)) {
      // the modified file really adds BOS when special tokens are requested (as Meta's does)
      try (ai.djl.huggingface.tokenizers.HuggingFaceTokenizer raw =
          ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(meta.resolve("tokenizer.json"))) {
        long[] withSpecial = raw.encode(text, true, false).getIds();
        assertEquals(128000, withSpecial[0]);
        assertTrue(withSpecial[1] != 128000);
      }
      long[] a = npm.encode(text);
      assertEquals(128000, a[0]);
      assertTrue(a[1] != 128000);
      assertArrayEquals(a, metaTok.encode(text));
      // a literal BOS at the start of the text is not doubled
      assertArrayEquals(a, npm.encode("<|begin_of_text|>" + text));
      assertEquals(text, npm.decode(new long[] {128000, a[1], a[2], a[3], a[4], a[5], a[6], a[7], 128001}));
    }
  }

  @Test
  void missingFileIsOneClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Llama3Tokenizer.load(tmp.resolve("nowhere")));
    assertTrue(e.getMessage().contains("nowhere"));
  }
}
