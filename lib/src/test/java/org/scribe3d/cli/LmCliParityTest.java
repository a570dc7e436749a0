package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.checkpoint.TensorDType;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.llama.TinyLlamas;
import org.scribe3d.prompt.Llama3Tokenizer;

/**
 * {@code lm score} on tiny random Hugging Face directories (real Llama-3
 * tokenizer) agrees within 1e-3 with Jlama (plain RoPE) and with an independent PyTorch reference
 * (plain RoPE and llama3 scaling), covering GQA, tied and untied heads.
 */
class LmCliParityTest {
  static final String TEXT = "Impression: 2.3 cm hypodense lesion in segment VII of the liver, likely a simple cyst;"
      + " no free fluid.";
  static final Path JDK = Paths.get("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

  @TempDir Path tmp;

  private Path writeModel(String name, LlamaConfig c, long seed) throws Exception {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLlamas.random(c, m, seed).saveHf(dir, TensorDType.F32, 1L << 40);
    }
    Path v = Llama3Tokenizer.vendoredDir();
    Files.copy(v.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    Files.copy(v.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
    return dir;
  }

  private static JsonObject score(Path dir) {
    CliTestSupport.Result r = CliTestSupport.run("lm", "score", "--model", dir.toString(), "--text", TEXT, "--json");
    assertEquals(0, r.exitCode(), r.err());
    return JsonParser.parseString(r.out().trim()).getAsJsonObject();
  }

  private static long[] ids(JsonObject s) {
    JsonArray a = s.getAsJsonArray("token_ids");
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsLong();
    }
    return out;
  }

  private static double[] doubles(JsonArray a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsDouble();
    }
    return out;
  }

  double[] jlama(Path dir, long[] ids) throws Exception {
    assertTrue(Files.isExecutable(JDK), "Jlama needs JDK >= 21 at " + JDK);
    Path cpFile = Paths.get(System.getProperty("basedir", "."), "target", "test-classpath.txt");
    assertTrue(Files.isRegularFile(cpFile), "missing " + cpFile + " (written by the Maven build)");
    Path harnessDir = Files.createTempDirectory(tmp, "jlama");
    Path harness = Files.createTempFile(harnessDir, "JlamaScore", ".java");
    try (var in = LmCliParityTest.class.getResourceAsStream("/reference/JlamaScore.java")) {
      Files.write(harness, in.readAllBytes());
    }
    Path src = harness.resolveSibling("JlamaScore.java");
    Files.move(harness, src);
    StringBuilder csv = new StringBuilder();
    for (long id : ids) {
      csv.append(csv.length() == 0 ? "" : ",").append(id);
    }
    List<String> cmd = new ArrayList<>(List.of(JDK.toString(), "--enable-preview", "--source", "25",
        "--add-modules", "jdk.incubator.vector", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
        "-cp", Files.readString(cpFile).trim(), src.toString(), dir.toString(), csv.toString()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS) && p.exitValue() == 0, "Jlama harness failed: " + out);
    String last = out.trim().substring(out.trim().lastIndexOf('\n') + 1);
    return doubles(JsonParser.parseString(last).getAsJsonArray());
  }

  static double[] pytorch(Path dir, long[] ids) throws Exception {
    JsonObject req = new JsonObject();
    req.add("ids", TinyLlamas.ids(new long[][] {ids}));
    req.addProperty("want", "score");
    return doubles(TinyLlamas.reference(dir, req).getAsJsonArray("logprobs").get(0).getAsJsonArray());
  }

  private static double maxDiff(double[] a, double[] b) {
    assertEquals(a.length, b.length);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  private static void checkScoreJson(JsonObject s) {
    long[] ids = ids(s);
    double[] lp = doubles(s.getAsJsonArray("logprobs"));
    assertEquals(128000, ids[0]);
    assertEquals(ids.length - 1, lp.length);
    double mean = 0;
    for (double v : lp) {
      mean += v / lp.length;
    }
    assertEquals(mean, s.get("mean_logprob").getAsDouble(), 1e-6);
  }

  @Test
  void plainRopeGqaUntiedAgreesWithJlamaAndPytorch() throws Exception {
    Path dir = writeModel("plain-untied", LlamaConfig.of(64, 128, 2, 4, 2, 128256, false), 21);
    JsonObject s = score(dir);
    checkScoreJson(s);
    double[] ours = doubles(s.getAsJsonArray("logprobs"));
    double[] jl = jlama(dir, ids(s));
    double[] pt = pytorch(dir, ids(s));
    System.out.printf("plain/GQA/untied: max |dlogprob| vs Jlama %.2e, vs PyTorch %.2e over %d tokens%n",
        maxDiff(ours, jl), maxDiff(ours, pt), ours.length);
    assertTrue(maxDiff(ours, jl) < 1e-3, "vs Jlama: " + maxDiff(ours, jl));
    assertTrue(maxDiff(ours, pt) < 1e-3, "vs PyTorch: " + maxDiff(ours, pt));
    double spread = 0;
    for (double v : ours) {
      spread = Math.max(spread, Math.abs(v + Math.log(128256)));
    }
    assertTrue(spread > 1, "distribution too flat for a meaningful comparison");
  }

  @Test
  void plainRopeTiedHeadAgreesWithJlama() throws Exception {
    // 8 query heads on 2 KV heads, head_dim 16, tied head
    Path dir = writeModel("plain-tied", LlamaConfig.of(128, 96, 3, 8, 2, 128256, true), 22);
    JsonObject s = score(dir);
    double[] ours = doubles(s.getAsJsonArray("logprobs"));
    double[] jl = jlama(dir, ids(s));
    System.out.printf("plain/GQA 8:2/tied: max |dlogprob| vs Jlama %.2e%n", maxDiff(ours, jl));
    assertTrue(maxDiff(ours, jl) < 1e-3, "vs Jlama: " + maxDiff(ours, jl));
  }

  @Test
  void llama3RopeScalingAgreesWithPytorchButNotWithScalingIgnored() throws Exception {
    LlamaConfig c = LlamaConfig.of(64, 128, 2, 4, 2, 128256, false).withRopeTheta(10000)
        .withRopeScaling(LlamaConfig.RopeScaling.llama3(8, 1, 4, 16));
    Path dir = writeModel("llama3", c, 23);
    JsonObject s = score(dir);
    double[] ours = doubles(s.getAsJsonArray("logprobs"));
    double[] pt = pytorch(dir, ids(s));
    assertTrue(maxDiff(ours, pt) < 1e-3, "vs PyTorch: " + maxDiff(ours, pt));
    // Jlama 0.8.4 ignores rope_scaling: it must disagree here, or the scaling was not exercised
    double[] jl = jlama(dir, ids(s));
    System.out.printf("llama3 scaling: max |dlogprob| vs PyTorch %.2e; vs Jlama (ignores scaling) %.2e%n",
        maxDiff(ours, pt), maxDiff(ours, jl));
    assertTrue(maxDiff(ours, jl) > 1e-2, "scaling had no visible effect: " + maxDiff(ours, jl));
  }

  @Test
  void missingTokenizerFallsBackToTheVendoredOneAndSaysSo() throws Exception {
    Path dir = writeModel("no-tokenizer", LlamaConfig.of(32, 64, 1, 2, 1, 128256, true), 24);
    Files.delete(dir.resolve("tokenizer.json"));
    Files.delete(dir.resolve("tokenizer_config.json"));
    CliTestSupport.Result r = CliTestSupport.run("lm", "score", "--model", dir.toString(), "--text", "Liver normal.");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("has no tokenizer.json; using the vendored Llama-3 tokenizer"), r.err());
    assertTrue(r.out().contains("mean log-prob"), r.out());
  }
}
