package org.scribe3d.model.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.checkpoint.CheckpointException;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.llama.LlamaForCausalLM;
import org.scribe3d.model.nn.Linear;
import org.scribe3d.model.nn.Param;

class LoraTest {
  @TempDir Path tmp;

  static final LlamaConfig C = LlamaConfig.of(16, 40, 2, 4, 2, 50, false).withInitializerRange(0.2);
  static final LoraConfig L = new LoraConfig(4, 8, 0.0, List.of(LoraConfig.ALL_LINEAR));

  static NDArray ids(NDManager m) {
    return m.create(new long[] {1, 5, 9, 3, 7, 22, 41, 0, 2, 8, 13, 49}, new Shape(2, 6));
  }

  static float[] logits(LlamaForCausalLM lm, NDManager m) {
    return lm.forward(lm.embed(ids(m)), null, null, null).toFloatArray();
  }

  /** Fills every B with noise so adapters change the output. */
  static void randomB(LoraAdapters a, NDManager m, long seed) {
    Random r = new Random(seed);
    for (LoraLinear l : a.adapters().values()) {
      Shape s = l.b().array().getShape();
      float[] v = new float[(int) s.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (0.3 * r.nextGaussian());
      }
      l.b().copyFrom(m.create(v, s));
    }
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  @Test
  void deltaIsScaledBaOfInput() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear lin = new Linear(m, 3, 2, true, DataType.FLOAT32);
      lin.weight().copyFrom(m.create(new float[] {1, 0, 0, 0, 1, 0}, new Shape(2, 3)));
      lin.bias().copyFrom(m.zeros(new Shape(2)));
      LoraAdapters a = LoraAdapters.attach(new Wrap(lin), new LoraConfig(1, 2, 0, List.of("lin")), m,
          DataType.FLOAT32, 1);
      LoraLinear l = a.adapters().get("lin");
      l.a().copyFrom(m.create(new float[] {1, 2, 3}, new Shape(1, 3)));
      l.b().copyFrom(m.create(new float[] {1, -1}, new Shape(2, 1)));
      // x = (1, 1, 1): W x = (1, 1); A x = 6; scaling 2 → delta (12, -12)
      float[] y = lin.forward(m.create(new float[] {1, 1, 1}, new Shape(1, 3))).toFloatArray();
      assertArrayEquals(new float[] {13, -11}, y, 1e-5f);
    }
  }

  static final class Wrap extends org.scribe3d.model.nn.Module {
    Wrap(Linear lin) {
      child("lin", lin);
    }
  }

  @Test
  void attachesToEveryLinearButTheHeadWithPeftInit() {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaForCausalLM lm = new LlamaForCausalLM(C, m, DataType.FLOAT32, 1);
      LoraAdapters a = LoraAdapters.attach(lm, L, m, DataType.FLOAT32, 2);
      assertEquals(2 * 7, a.adapters().size());
      assertFalse(a.adapters().containsKey("lm_head"));
      assertTrue(a.adapters().containsKey("model.layers.1.mlp.down_proj"));
      LoraLinear q = a.adapters().get("model.layers.0.self_attn.q_proj");
      assertEquals(new Shape(4, 16), q.a().array().getShape());
      assertEquals(new Shape(16, 4), q.b().array().getShape());
      float bound = (float) (1 / Math.sqrt(16));
      for (float v : q.a().array().toFloatArray()) {
        assertTrue(Math.abs(v) <= bound);
      }
      assertEquals(0f, q.b().array().abs().sum().getFloat());
      // parameter count: Σ r (in + out) over q, k, v, o, gate, up, down
      long perLayer = 4L * ((16 + 16) + (16 + 8) + (16 + 8) + (16 + 16) + 3 * (16 + 40));
      assertEquals(2 * perLayer, a.parameterCount());
      // only the adapters train
      Set<String> trainable = new TreeSet<>(lm.trainableParameters().keySet());
      assertEquals(2 * 7 * 2, trainable.size());
      trainable.forEach(n -> assertTrue(n.endsWith(".lora.A") || n.endsWith(".lora.B"), n));
      // a selected subset
      LlamaForCausalLM lm2 = new LlamaForCausalLM(C, m, DataType.FLOAT32, 1);
      LoraAdapters qv = LoraAdapters.attach(lm2, new LoraConfig(2, 4, 0, List.of("q_proj", "v_proj")), m,
          DataType.FLOAT32, 3);
      assertEquals(Set.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
          "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"), qv.adapters().keySet());
      assertThrows(IllegalArgumentException.class,
          () -> LoraAdapters.attach(new LlamaForCausalLM(C, m, DataType.FLOAT32, 1),
              new LoraConfig(2, 4, 0, List.of("qkv")), m, DataType.FLOAT32, 3));
    }
  }

  @Test
  void zeroBLeavesOutputsUnchanged() {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaForCausalLM lm = new LlamaForCausalLM(C, m, DataType.FLOAT32, 5);
      float[] before = logits(lm, m);
      LoraAdapters.attach(lm, L, m, DataType.FLOAT32, 6);
      assertArrayEquals(before, logits(lm, m), 0f);
    }
  }

  @Test
  void mergeAndUnmergeRoundTrip() {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaForCausalLM lm = new LlamaForCausalLM(C, m, DataType.FLOAT32, 7);
      float[] base = logits(lm, m);
      LoraAdapters a = LoraAdapters.attach(lm, L, m, DataType.FLOAT32, 8);
      randomB(a, m, 9);
      float[] adapted = logits(lm, m);
      assertTrue(maxAbsDiff(base, adapted) > 1e-2, "adapters must change the output");
      float[] w0 = lm.layers().get(0).selfAttn().qProj().weight().array().toFloatArray();
      a.merge();
      assertTrue(a.adapters().values().stream().allMatch(LoraLinear::merged));
      float[] w1 = lm.layers().get(0).selfAttn().qProj().weight().array().toFloatArray();
      assertTrue(maxAbsDiff(w0, w1) > 1e-3, "merge must change the base weight");
      assertTrue(maxAbsDiff(adapted, logits(lm, m)) < 1e-4, "merged output equals adapter output");
      a.unmerge();
      assertTrue(maxAbsDiff(w0, lm.layers().get(0).selfAttn().qProj().weight().array().toFloatArray()) < 1e-6);
      assertTrue(maxAbsDiff(adapted, logits(lm, m)) < 1e-5);
      // merged weights stay frozen
      assertFalse(lm.layers().get(0).selfAttn().qProj().weight().trainable());
    }
  }

  @Test
  void gradientsFlowOnlyToAdapters() {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaForCausalLM lm = new LlamaForCausalLM(C, m, DataType.FLOAT32, 10);
      LoraAdapters a = LoraAdapters.attach(lm, new LoraConfig(4, 8, 0.1, List.of(LoraConfig.ALL_LINEAR)), m,
          DataType.FLOAT32, 11);
      randomB(a, m, 12);
      lm.train(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray out = lm.forward(lm.embed(ids(m)), null, null, null);
        gc.backward(out.square().mean());
      }
      for (Map.Entry<String, Param> e : lm.namedParameters().entrySet()) {
        NDArray arr = e.getValue().array();
        if (e.getValue().trainable()) {
          assertTrue(arr.hasGradient(), e.getKey());
          assertTrue(arr.getGradient().abs().sum().getFloat() > 0, "no gradient reached " + e.getKey());
        } else {
          assertFalse(arr.hasGradient(), "frozen " + e.getKey() + " records a gradient");
        }
      }
      assertEquals(a.adapters().size() * 2, lm.trainableParameters().size());
    }
  }

  @Test
  void dropoutActsOnlyWhileTraining() {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaForCausalLM lm = new LlamaForCausalLM(C, m, DataType.FLOAT32, 13);
      LoraAdapters a = LoraAdapters.attach(lm, new LoraConfig(4, 8, 0.5, List.of(LoraConfig.ALL_LINEAR)), m,
          DataType.FLOAT32, 14);
      randomB(a, m, 15);
      float[] eval1 = logits(lm, m);
      assertArrayEquals(eval1, logits(lm, m), 0f);
      lm.train(true);
      float[] train = logits(lm, m);
      lm.train(false);
      assertTrue(maxAbsDiff(eval1, train) > 1e-4);
    }
  }

  @Test
  void peftLayoutSavesAndReloadsIdentically() throws Exception {
    Path dir = tmp.resolve("adapter");
    float[] want;
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaForCausalLM lm = new LlamaForCausalLM(C, m, DataType.FLOAT32, 16);
      LoraAdapters a = LoraAdapters.attach(lm, new LoraConfig(4, 8, 0.05, List.of(LoraConfig.ALL_LINEAR)), m,
          DataType.FLOAT32, 17);
      randomB(a, m, 18);
      want = logits(lm, m);
      a.merge(); // saving a merged model still writes the adapter matrices
      a.save(dir, "Asclepius-Llama3-8B");
    }
    JsonObject cfg = JsonParser.parseString(Files.readString(dir.resolve("adapter_config.json"))).getAsJsonObject();
    assertEquals("LORA", cfg.get("peft_type").getAsString());
    assertEquals("CAUSAL_LM", cfg.get("task_type").getAsString());
    assertEquals(4, cfg.get("r").getAsInt());
    assertEquals(8.0, cfg.get("lora_alpha").getAsDouble());
    assertEquals(0.05, cfg.get("lora_dropout").getAsDouble());
    assertEquals("none", cfg.get("bias").getAsString());
    assertFalse(cfg.get("fan_in_fan_out").getAsBoolean());
    assertEquals("Asclepius-Llama3-8B", cfg.get("base_model_name_or_path").getAsString());
    assertEquals(new TreeSet<>(LoraConfig.LLAMA_LINEAR),
        new TreeSet<>(List.of(new com.google.gson.Gson().fromJson(cfg.get("target_modules"), String[].class))));
    try (NDManager m = NDManager.newBaseManager();
        TensorSource src = Safetensors.open(dir.resolve("adapter_model.safetensors"))) {
      assertEquals(2 * 7 * 2, src.names().size());
      assertEquals(new Shape(4, 16), src.info("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape());
      assertEquals(new Shape(40, 4), src.info("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight").shape());
      // reload onto the same base weights
      LlamaForCausalLM lm = new LlamaForCausalLM(C, m, DataType.FLOAT32, 16);
      LoraAdapters b = LoraAdapters.load(dir, lm, m, DataType.FLOAT32);
      assertEquals(new LoraConfig(4, 8, 0.05, List.copyOf(new TreeSet<>(LoraConfig.LLAMA_LINEAR))), b.config());
      for (String n : src.names()) {
        String mod = n.substring("base_model.model.".length(), n.lastIndexOf(".lora_"));
        LoraLinear l = b.adapters().get(mod);
        NDArray stored = src.load(n, m, DataType.FLOAT32);
        NDArray loaded = n.contains("lora_A") ? l.a().array() : l.b().array();
        assertArrayEquals(stored.toFloatArray(), loaded.toFloatArray(), 0f, n);
      }
      assertArrayEquals(want, logits(lm, m), 1e-5f);
    }
  }

  @Test
  void badAdaptersAreClearErrors() throws Exception {
    Path dir = tmp.resolve("a2");
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaForCausalLM lm = new LlamaForCausalLM(C, m, DataType.FLOAT32, 19);
      LoraAdapters.attach(lm, new LoraConfig(4, 8, 0, List.of("q_proj")), m, DataType.FLOAT32, 20).save(dir, null);
      // claim rank 2: every tensor is mis-shaped
      String text = Files.readString(dir.resolve("adapter_config.json")).replace("\"r\": 4", "\"r\": 2");
      Files.writeString(dir.resolve("adapter_config.json"), text);
      CheckpointException e = assertThrows(CheckpointException.class,
          () -> LoraAdapters.load(dir, new LlamaForCausalLM(C, m, DataType.FLOAT32, 19), m, DataType.FLOAT32));
      assertTrue(e.getMessage().contains("mis-shaped"), e.getMessage());
      Files.writeString(dir.resolve("adapter_config.json"), text.replace("\"r\": 2", "\"r\": 4")
          .replace("\"bias\": \"none\"", "\"bias\": \"all\""));
      IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
          () -> LoraAdapters.load(dir, new LlamaForCausalLM(C, m, DataType.FLOAT32, 19), m, DataType.FLOAT32));
      assertTrue(e2.getMessage().contains("adapter_config.json") && e2.getMessage().contains("bias"), e2.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> LoraAdapters.load(tmp.resolve("nope"), new LlamaForCausalLM(C, m, DataType.FLOAT32, 19), m,
              DataType.FLOAT32));
    }
  }
}
