package org.scribe3d.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.checkpoint.TensorDType;
import org.scribe3d.model.cpu.CpuKernels;

/** Llama forward parity with an independent PyTorch reference written from Hugging Face's formulas. */
class LlamaParityTest {
  @TempDir Path tmp;

  static final int VOCAB = 300;

  @Test
  void hfNamesExactly() {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaForCausalLM untied = new LlamaForCausalLM(LlamaConfig.of(16, 32, 2, 4, 2, VOCAB, false), m, DataType.FLOAT32, 1);
      List<String> names = List.copyOf(untied.namedParameters().keySet());
      assertEquals(List.of("model.embed_tokens.weight",
          "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
          "model.layers.0.self_attn.v_proj.weight", "model.layers.0.self_attn.o_proj.weight",
          "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight",
          "model.layers.0.mlp.down_proj.weight", "model.layers.0.input_layernorm.weight",
          "model.layers.0.post_attention_layernorm.weight"), names.subList(0, 10));
      assertEquals(List.of("model.layers.1.post_attention_layernorm.weight", "model.norm.weight", "lm_head.weight"),
          names.subList(names.size() - 3, names.size()));
      assertEquals(new Shape(8, 16), untied.namedParameters().get("model.layers.1.self_attn.k_proj.weight").array().getShape());
      LlamaForCausalLM tied = new LlamaForCausalLM(LlamaConfig.of(16, 32, 2, 4, 2, VOCAB, true), m, DataType.FLOAT32, 1);
      assertTrue(!tied.namedParameters().containsKey("lm_head.weight"));
    }
  }

  /** Plain RoPE, GQA (4 query heads on 2 KV heads), untied head, batch with left padding; F16 file. */
  @Test
  void plainRopeGqaUntiedMatchesReference() throws Exception {
    LlamaConfig c = LlamaConfig.of(32, 64, 2, 4, 2, VOCAB, false);
    check(c, 11, TensorDType.F16, 1L << 40);
  }

  /** Llama-3.1 "llama3" rope scaling with all three frequency bands active, tied head, MHA; BF16 shards. */
  @Test
  void llama3RopeScalingTiedMatchesReference() throws Exception {
    // theta 10000, head_dim 16: wavelengths 6.3, 19.9, 62.8, 199, …; original 64 / low 1 / high 4 puts
    // them in the kept (< 16), interpolated (16..64) and divided (> 64) bands
    LlamaConfig c = LlamaConfig.of(32, 48, 2, 2, 2, VOCAB, true).withRopeTheta(10000)
        .withRopeScaling(LlamaConfig.RopeScaling.llama3(8, 1, 4, 64));
    check(c, 12, TensorDType.BF16, 20_000);
  }

  private void check(LlamaConfig c, long seed, TensorDType store, long shard) throws Exception {
    Path dir = tmp.resolve("m" + seed);
    java.nio.file.Files.createDirectories(dir);
    Random r = new Random(seed);
    long[][] ids = new long[2][40];
    long[][] mask = new long[2][40];
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < 40; t++) {
        ids[b][t] = r.nextInt(VOCAB);
        mask[b][t] = b == 1 && t < 7 ? 0 : 1; // row 1 is left-padded by 7
      }
    }
    float[][][] ours;
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLlamas.random(c, m, seed).saveHf(dir, store, shard);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaForCausalLM lm = LlamaForCausalLM.load(dir, m, DataType.FLOAT32);
      NDArray idArr = m.create(new long[][] {ids[0], ids[1]});
      NDArray maskArr = m.create(new long[][] {mask[0], mask[1]});
      NDArray lp = lm.forward(lm.embed(idArr), maskArr, null, null).logSoftmax(-1);
      float[] flat = lp.toFloatArray();
      ours = new float[2][40][VOCAB];
      for (int b = 0; b < 2; b++) {
        for (int t = 0; t < 40; t++) {
          System.arraycopy(flat, (b * 40 + t) * VOCAB, ours[b][t], 0, VOCAB);
        }
      }
      // invFreq against the reference's HF formula
      JsonObject req = new JsonObject();
      req.add("ids", TinyLlamas.ids(ids));
      req.add("mask", TinyLlamas.ids(mask));
      req.addProperty("want", "logits");
      JsonObject ref = TinyLlamas.reference(dir, req);
      JsonArray inv = ref.getAsJsonArray("inv_freq");
      float[] mine = Rope.invFreq(lm.config());
      for (int i = 0; i < mine.length; i++) {
        assertEquals(inv.get(i).getAsDouble(), mine[i], 1e-6 * Math.abs(mine[i]), "inv_freq " + i);
      }
      JsonArray lps = ref.getAsJsonArray("logprobs");
      double maxDiff = 0;
      double spread = 0;
      for (int b = 0; b < 2; b++) {
        for (int t = 0; t < 40; t++) {
          if (mask[b][t] == 0) {
            continue;
          }
          JsonArray row = lps.get(b).getAsJsonArray().get(t).getAsJsonArray();
          for (int v = 0; v < VOCAB; v++) {
            double want = row.get(v).getAsDouble();
            maxDiff = Math.max(maxDiff, Math.abs(want - ours[b][t][v]));
            spread = Math.max(spread, Math.abs(want + Math.log(VOCAB)));
          }
        }
      }
      assertTrue(maxDiff < 1e-4, "max |log-prob difference| " + maxDiff);
      assertTrue(spread > 1.0, "reference distribution too flat to be a meaningful check: " + spread);
      // decoding one token at a time through the cache gives the reference's log-probs: on the CPU kernels with
      // float32 weights after the engine's prompt pass (batch of two, left padding) and with float16 weights from
      // the first token on (the engine's float16 prompt pass rounds activations to float16, the kernels do not);
      // and on the engine alone with the kernels switched off
      assertTrue(CpuKernels.available(), CpuKernels.status());
      LlamaForCausalLM dec32 = LlamaForCausalLM.load(dir, m, DataType.FLOAT32);
      LlamaForCausalLM dec16 = LlamaForCausalLM.load(dir, m, DataType.FLOAT16);
      long before = CpuDecodeStep.steps();
      double d32 = decodeDiff(dec32, m, ids, mask, 2, 30, lps);
      double d16 = decodeDiff(dec16, m, ids, mask, 1, 0, lps);
      assertEquals(10 + 40, CpuDecodeStep.steps() - before, "decoding steps on the CPU kernels");
      CpuKernels.setEnabled(false);
      double engine;
      try {
        engine = decodeDiff(dec32, m, ids, mask, 2, 30, lps);
      } finally {
        CpuKernels.setEnabled(true);
      }
      assertEquals(10 + 40, CpuDecodeStep.steps() - before, "no kernel steps while switched off");
      assertTrue(d32 < 1e-4 && d16 < 1e-4 && engine < 1e-4,
          "decoding: max |log-prob difference| kernels float32 " + d32 + ", float16 " + d16 + ", engine " + engine);
      // the left-padded row equals the same tokens run unpadded
      long[] tail = java.util.Arrays.copyOfRange(ids[1], 7, 40);
      NDArray alone = lm.forward(lm.embed(m.create(new long[][] {tail})), null, null, null).logSoftmax(-1);
      float[] a = alone.toFloatArray();
      for (int t = 0; t < 33; t++) {
        for (int v = 0; v < VOCAB; v += 7) {
          assertEquals(a[t * VOCAB + v], ours[1][t + 7][v], 1e-4);
        }
      }
    }
  }

  /**
   * Max |log-prob − reference| over positions prompt..39 of the first {@code rows} rows, fed one token at a time
   * through a cache after an engine pass over the first {@code prompt} tokens.
   */
  private static double decodeDiff(LlamaForCausalLM lm, NDManager m, long[][] ids, long[][] mask, int rows, int prompt,
      JsonArray lps) {
    double diff = 0;
    try (KvCache cache = lm.newCache(rows, 40)) {
      if (prompt > 0) {
        long[][] head = new long[rows][];
        long[][] headMask = new long[rows][];
        for (int b = 0; b < rows; b++) {
          head[b] = java.util.Arrays.copyOf(ids[b], prompt);
          headMask[b] = java.util.Arrays.copyOf(mask[b], prompt);
        }
        lm.forward(lm.embed(m.create(head)), m.create(headMask), cache, null);
      }
      for (int t = prompt; t < 40; t++) {
        long[][] one = new long[rows][];
        for (int b = 0; b < rows; b++) {
          one[b] = new long[] {ids[b][t]};
        }
        float[] step = lm.forward(lm.embed(m.create(one)), null, cache, null).logSoftmax(-1).toFloatArray();
        for (int b = 0; b < rows; b++) {
          JsonArray row = lps.get(b).getAsJsonArray().get(t).getAsJsonArray();
          for (int v = 0; v < VOCAB; v++) {
            diff = Math.max(diff, Math.abs(row.get(v).getAsDouble() - step[b * VOCAB + v]));
          }
        }
      }
    }
    return diff;
  }
}
