package org.scribe3d.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.scribe3d.model.nn.Param;
import org.scribe3d.testing.PythonReference;

/** Test helpers: tiny random Llamas with non-trivial weights, and the PyTorch reference runner. */
public final class TinyLlamas {
  private TinyLlamas() {}

  /**
   * A random model whose outputs are far from uniform (larger init than HF's 0.02, norm weights
   * around 1), so that log-prob comparisons are meaningful.
   */
  public static LlamaForCausalLM random(LlamaConfig c, NDManager m, long seed) {
    LlamaForCausalLM lm = new LlamaForCausalLM(c.withInitializerRange(0.25), m, DataType.FLOAT32, seed);
    for (Map.Entry<String, Param> e : lm.namedParameters().entrySet()) {
      if (e.getKey().endsWith("norm.weight")) {
        NDArray w = m.randomNormal(1f, 0.2f, e.getValue().array().getShape(), DataType.FLOAT32);
        e.getValue().replace(w);
      }
    }
    return lm;
  }

  /** Runs the independent PyTorch reference (src/test/resources/reference/llama_ref.py). */
  public static JsonObject reference(Path modelDir, JsonObject request) throws IOException, InterruptedException {
    Path req = Files.createTempFile("llama_req", ".json");
    try {
      Files.writeString(req, new Gson().toJson(request));
      String out = PythonReference.run(PythonReference.resource(TinyLlamas.class, "/reference/llama_ref.py"),
          List.of(modelDir.toString(), req.toString()), 120);
      return JsonParser.parseString(out).getAsJsonObject();
    } finally {
      Files.deleteIfExists(req);
    }
  }

  public static JsonArray ids(long[][] rows) {
    JsonArray a = new JsonArray();
    for (long[] r : rows) {
      JsonArray x = new JsonArray();
      for (long v : r) {
        x.add(v);
      }
      a.add(x);
    }
    return a;
  }
}
