package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorDType;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.io.Npy;
import org.scribe3d.model.multimodal.M3dLamed;
import org.scribe3d.model.multimodal.ReleasedLayouts;

/**
 * Released M3D-LaMed directories as published (sharded BF16 safetensors, SegVol tensors present, the model's own
 * tokenizer), written small by {@link ReleasedLayouts}: {@code lm score --image} agrees within 1e-3 with an
 * independent float64 PyTorch reference of MONAI's ViT, M3D's projector and splice and Hugging Face's Phi-3 / Llama
 * (reference/lamed_ref.py); its token ids equal an independent tokenizer.json implementation's (reference/
 * tokenize_ref.mjs, @lenml/tokenizers); a broken checkpoint is one error line listing every bad tensor.
 */
class M3dLamedParityTest {
  static final Path PY = Paths.get("/usr/bin/python3");

  @TempDir Path tmp;

  static Path reference(String name) {
    return Paths.get(System.getProperty("basedir", "."), "src", "test", "resources", "reference", name);
  }

  static Path scan(Path dir, ReleasedLayouts.Sizes s, long seed) throws Exception {
    int n = s.imageSize()[0] * s.imageSize()[1] * s.imageSize()[2];
    float[] v = new float[n];
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat();
    }
    Path f = dir.resolve("scan.npy");
    Npy.write(f, new long[] {1, s.imageSize()[0], s.imageSize()[1], s.imageSize()[2]}, v);
    return f;
  }

  static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, cmd + " failed: " + out);
    return out;
  }

  static long[] longs(JsonArray a) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsLong();
    }
    return out;
  }

  /**
   * float16 weights too, within 1e-2: a BF16 checkpoint's values convert to float16 exactly (in float16's range, as
   * trained weights are), and the residual stream, norms, softmax and cache stay float32, but the engine multiplies
   * in the weights' type, so each product's input is rounded to float16's 11 bits (measured: 4.6e-3).
   */
  @ParameterizedTest
  @CsvSource({"PHI3, float32", "LLAMA2, float32", "PHI3, float16"})
  void scoreWithImageMatchesTheFloat64ReferenceAndTheTokenizerReference(ReleasedLayouts.Flavour flavour,
      String weights) throws Exception {
    ReleasedLayouts.Sizes sizes = ReleasedLayouts.Sizes.small();
    Path dir = tmp.resolve(flavour.name().toLowerCase());
    ReleasedLayouts.writeLamed(dir, flavour, sizes, 11);
    Path image = scan(tmp, sizes, 5);
    String text = M3dLamed.REPORT_PROMPT + " The liver is enlarged (18.5 cm); no free fluid.";

    CliTestSupport.Result r = CliTestSupport.run("lm", "score", "--model", dir.toString(), "--image",
        image.toString(), "--text", text, "--weights", weights, "--json");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("SegVol") || r.err().contains("seg_module"), "one note on the skipped SegVol: "
        + r.err());
    JsonObject ours = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    long[] ids = longs(ours.getAsJsonArray("token_ids"));

    // token ids: the independent tokenizer.json implementation on "<im_patch>" × K + text
    int k = M3dLamed.config(dir, -1).imageTokens();
    Path texts = tmp.resolve("texts.json");
    Files.writeString(texts, new Gson().toJson(List.of(M3dLamed.IMAGE_TOKEN.repeat(k) + text)));
    String tok = run(List.of("node", reference("tokenize_ref.mjs").toString(), dir.toString(), texts.toString()));
    assertArrayEquals(longs(JsonParser.parseString(tok.trim()).getAsJsonArray().get(0).getAsJsonArray()), ids,
        "token ids vs @lenml/tokenizers");

    // log-probabilities: the float64 reference on the same ids and image
    Path req = tmp.resolve("request.json");
    JsonObject q = new JsonObject();
    q.add("ids", ours.getAsJsonArray("token_ids"));
    q.addProperty("image", image.toString());
    Files.writeString(req, q.toString());
    String refOut = run(List.of(PY.toString(), reference("lamed_ref.py").toString(), dir.toString(), req.toString()));
    JsonArray want = JsonParser.parseString(refOut.trim()).getAsJsonObject().getAsJsonArray("logprobs");
    JsonArray got = ours.getAsJsonArray("logprobs");
    assertEquals(want.size(), got.size());
    double max = 0;
    for (int i = 0; i < want.size(); i++) {
      max = Math.max(max, Math.abs(want.get(i).getAsDouble() - got.get(i).getAsDouble()));
    }
    System.out.printf("%s %s weights: max |dlogprob| vs float64 reference %.3g over %d tokens (%d image)%n", flavour,
        weights, max, got.size(), k);
    double tolerance = weights.equals("float16") ? 1e-2 : 1e-3;
    assertTrue(max <= tolerance, flavour + " " + weights + ": max |dlogprob| " + max);

    // the image matters: another scan changes the text's log-probabilities
    Path other = scan(tmp.resolve("o"), sizes, 6);
    CliTestSupport.Result r2 = CliTestSupport.run("lm", "score", "--model", dir.toString(), "--image",
        other.toString(), "--text", text, "--weights", weights, "--json");
    assertEquals(0, r2.exitCode(), r2.err());
    assertNotEquals(got, JsonParser.parseString(r2.out().trim()).getAsJsonObject().getAsJsonArray("logprobs"));
  }

  /** A missing, an unexpected and a mis-shaped tensor: one error line naming all three, exit 1. */
  @Test
  void brokenCheckpointIsOneErrorListingEveryBadTensor() throws Exception {
    ReleasedLayouts.Sizes sizes = ReleasedLayouts.Sizes.small();
    Path good = tmp.resolve("good");
    ReleasedLayouts.writeLamed(good, ReleasedLayouts.Flavour.PHI3, sizes, 3);
    Path bad = tmp.resolve("bad");
    Files.createDirectories(bad);
    for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
      Files.copy(good.resolve(f), bad.resolve(f));
    }
    try (NDManager m = NDManager.newBaseManager(); TensorSource src = Safetensors.open(good)) {
      Map<String, NDArray> t = new LinkedHashMap<>();
      for (String n : src.names()) {
        t.put(n, src.load(n, m, DataType.FLOAT32));
      }
      t.remove("model.layers.1.self_attn.o_proj.weight");
      t.put("model.layers.0.mlp.extra.weight", m.zeros(new Shape(4, 4)));
      t.put("model.norm.weight", m.zeros(new Shape(3)));
      t.put("model.seg_module.extra.weight", m.zeros(new Shape(2))); // SegVol's: skipped, never an error
      Safetensors.writeSharded(bad, t, 64L << 20, Map.of("format", "pt"), TensorDType.BF16);
    }
    Path image = scan(tmp, sizes, 1);
    CliTestSupport.Result r = CliTestSupport.run("lm", "score", "--model", bad.toString(), "--image",
        image.toString(), "--text", "Liver.", "--json");
    assertEquals(1, r.exitCode(), r.out());
    List<String> errors = r.err().lines().filter(l -> l.startsWith("error")).toList();
    assertEquals(1, errors.size(), r.err());
    String e = errors.get(0);
    assertTrue(e.contains("model.layers.1.self_attn.o_proj.weight"), e);
    assertTrue(e.contains("model.layers.0.mlp.extra.weight"), e);
    assertTrue(e.contains("model.norm.weight"), e);
    assertTrue(!e.contains("seg_module"), e);
  }
}
