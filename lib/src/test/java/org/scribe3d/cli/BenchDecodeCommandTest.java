package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.model.cpu.CpuKernels;
import org.scribe3d.model.llama.LlamaConfig;

/** {@code bench decode} on a small random checkpoint: what it reports adds up, on the kernels and the engine. */
class BenchDecodeCommandTest {
  @TempDir static Path tmp;
  static Path model;

  @BeforeAll
  static void checkpoint() {
    model = tmp.resolve("lm");
    CliTestSupport.Result r = CliTestSupport.run("lm", "init", "--out", model.toString(), "--preset", "tiny",
        "--seed", "3", "--store", "f16");
    assertEquals(0, r.exitCode(), r.err());
  }

  @Test
  void reportsStepsBytesAndAShareOfTheMeasuredLimit() throws Exception {
    LlamaConfig c = LlamaConfig.load(model.resolve("config.json"));
    long h = c.hiddenSize();
    long perLayer = h * (c.numAttentionHeads() + 2L * c.numKeyValueHeads()) * c.headDim()
        + (long) c.numAttentionHeads() * c.headDim() * h + 3 * h * c.intermediateSize();
    long weights = c.numHiddenLayers() * perLayer + (long) c.vocabSize() * h; // the head (tied or not)
    for (String type : new String[] {"float16", "float32"}) {
      for (boolean kernels : new boolean[] {true, false}) {
        CpuKernels.setEnabled(kernels);
        try {
          CliTestSupport.Result r = CliTestSupport.run("bench", "decode", "--model", model.toString(), "--weights",
              type, "--tokens", "6", "--json");
          assertEquals(0, r.exitCode(), r.err());
          JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
          String what = type + (kernels ? " on the kernels" : " on the engine");
          assertEquals(4, o.get("steps").getAsInt(), what); // 6 tokens: 5 steps after the prompt, the last untimed
          assertEquals(weights * (type.equals("float16") ? 2 : 4), o.get("weight_bytes_per_token").getAsLong(), what);
          double tps = o.get("decode_tokens_per_second").getAsDouble();
          double limit = o.get("limit_tokens_per_second").getAsDouble();
          double pct = o.get("percent_of_limit").getAsDouble();
          assertTrue(tps > 0 && limit > 0, what + ": " + o);
          assertEquals(100 * tps / limit, pct, 1e-6 * pct, what); // the whole run's share is its two rates' ratio
          assertEquals(o.get("weight_bytes_per_token").getAsLong() * limit / 1e9,
              o.get("read_gb_per_second").getAsDouble(), 1e-6 * limit, what);
          assertEquals(!kernels, o.get("cpu_kernels").getAsString().startsWith("switched off"), what + ": " + o);
        } finally {
          CpuKernels.setEnabled(true);
        }
      }
    }
  }

  @Test
  void tooFewTokensIsOneUsageLine() {
    CliTestSupport.Result r = CliTestSupport.run("bench", "decode", "--model", model.toString(), "--tokens", "2");
    assertEquals(2, r.exitCode());
    assertEquals("error: --tokens must be at least 3", r.err().trim());
  }
}
