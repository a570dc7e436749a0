package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.lora.LoraConfig;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.nn.Casts;
import org.scribe3d.model.nn.Module;
import org.scribe3d.model.nn.Param;
import org.scribe3d.model.vision.ViTConfig;

/**
 * The float16 path of {@code train --dtype float16} (meant for GPUs; PyTorch's CPU half kernels let
 * it be checked here): gradients flow through the float32 islands (attention softmax, RMSNorm, the
 * loss) and AdamW keeps float32 moments.
 */
class HalfPrecisionTest {
  @Test
  void castsCarryGradientsBothWays() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (DataType[] p : new DataType[][] {{DataType.FLOAT32, DataType.FLOAT16}, {DataType.FLOAT16, DataType.FLOAT32}}) {
        NDArray x = m.create(new float[] {1, -2, 3}).toType(p[0], false);
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray y = Casts.withGrad(x, p[1]);
          assertEquals(p[1], y.getDataType());
          gc.backward(Casts.withGrad(y.mul(y).sum(), DataType.FLOAT32)); // d/dx Σx² = 2x
        }
        assertEquals(p[0], x.getGradient().getDataType());
        assertArrayEquals(new float[] {2, -4, 6}, x.getGradient().toType(DataType.FLOAT32, false).toFloatArray(), 0f);
      }
    }
  }

  /**
   * A micro model with the paper's module layout (ViT3D, spp projector, Llama with GQA, LoRA on every
   * linear) in float16 gets the gradients of the same weights in float32, up to half-precision
   * rounding. A cast that cut the graph would zero or distort them (or fail the backward).
   */
  @Test
  void halfGradientsMatchFloat32() {
    LlamaConfig llm = LlamaConfig.of(32, 64, 2, 4, 2, 128256, false);
    ViTConfig v = new ViTConfig(1, 16, 64, 64, 4, 16, 16, 32, 2, 2, 64, 1e-5, false);
    MultimodalConfig cfg = new MultimodalConfig("micro", v, 2, llm, LoraConfig.paper(), 8,
        MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID, 512, null);
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel ref = new MultimodalModel(cfg, m, DataType.FLOAT32, 0);
      Engine.getInstance().setRandomSeed(5);
      for (Map.Entry<String, Param> e : ref.namedParameters().entrySet()) {
        if (e.getKey().endsWith(".lora.B")) { // non-zero B, so the A matrices get gradients too
          e.getValue().copyFrom(m.randomNormal(0f, 0.05f, e.getValue().array().getShape(), DataType.FLOAT32));
        }
      }
      ref.castTo(DataType.FLOAT16); // the reference computes in float32 on exactly the half weights
      ref.castTo(DataType.FLOAT32);
      // built in float16 as TrainRun builds it (copyFrom converts to the parameter's dtype)
      MultimodalModel half = new MultimodalModel(cfg, m, DataType.FLOAT16, 1);
      Map<String, Param> refParams = ref.namedParameters();
      half.namedParameters().forEach((n, p) -> p.copyFrom(refParams.get(n).array()));
      assertEquals(DataType.FLOAT16, half.llm().embedTokens().weight().array().getDataType());

      Engine.getInstance().setRandomSeed(6);
      NDArray images = m.randomUniform(0f, 1f, new Shape(1, 1, 16, 64, 64)); // float32 voxels for both
      long[] ids = new long[20];
      long[] labels = new long[20];
      for (int t = 0; t < 20; t++) {
        ids[t] = t == 0 ? 128000 : t <= 8 ? MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID : 400 + 37L * t;
        labels[t] = t <= 8 ? -100 : ids[t];
      }
      Map<String, float[]> g32 = gradients(ref, images, ids, labels, m);
      Map<String, float[]> g16 = gradients(half, images, ids, labels, m);
      assertEquals(g32.keySet(), g16.keySet());
      List<String> bad = new ArrayList<>();
      for (String n : g32.keySet()) {
        double ref2 = 0;
        double diff2 = 0;
        float[] a = g32.get(n);
        float[] b = g16.get(n);
        for (int i = 0; i < a.length; i++) {
          ref2 += (double) a[i] * a[i];
          diff2 += (double) (a[i] - b[i]) * (a[i] - b[i]);
        }
        assertTrue(ref2 > 0, "no float32 gradient for " + n);
        double rel = Math.sqrt(diff2 / ref2);
        if (!(rel < 0.05)) {
          bad.add(n + " rel " + rel);
        }
      }
      assertTrue(bad.isEmpty(), "float16 gradients differ from float32: " + bad);
    }
  }

  /** Loss (summed, ×1024 as a loss scaler would, to keep half gradients out of the subnormals) → grads. */
  private static Map<String, float[]> gradients(MultimodalModel model, NDArray images, long[] ids, long[] labels,
      NDManager m) {
    model.train(false); // no LoRA dropout: both passes see the same network
    try (NDManager sub = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray logits = model.forward(sub.create(ids, new Shape(1, ids.length)), images, null);
      NDArray loss = MaskedCrossEntropy.sum(logits, sub.create(labels, new Shape(1, labels.length)));
      assertEquals(DataType.FLOAT32, loss.getDataType());
      assertTrue(Float.isFinite(loss.getFloat()));
      gc.backward(loss.mul(sub.create(1024f)));
    }
    Map<String, float[]> out = new java.util.TreeMap<>();
    model.trainableParameters().forEach((n, p) ->
        out.put(n, p.array().getGradient().toType(DataType.FLOAT32, false).toFloatArray()));
    return out;
  }

  /**
   * AdamW on float16 weights: float32 moments, the update computed in float32 and rounded once. With
   * half moments the same small gradient would underflow v (g² = 1e-10) and eps (1e-8) to zero and
   * divide by zero.
   */
  @Test
  void adamWKeepsFloat32MomentsForHalfWeights() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] w0 = {0.5f, -0.25f, 1f, 0.125f};
      float[] grad = {1e-5f, -1e-5f, 3e-3f, 0f};
      One half = new One(m.create(w0).toType(DataType.FLOAT16, false));
      One full = new One(m.create(w0));
      for (One o : new One[] {half, full}) {
        try (AdamW opt = new AdamW(o.trainableParameters(), new AdamW.Config(1e-3, 0.9, 0.999, 1e-8, 0.01))) {
          for (int s = 0; s < 3; s++) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray g = m.create(grad).toType(o.w.array().getDataType(), false);
              gc.backward(Casts.withGrad(o.w.array().mul(g).sum(), DataType.FLOAT32));
            }
            opt.step(1e-3);
            opt.zeroGrad();
          }
          opt.stateTensors().values().forEach(t -> assertEquals(DataType.FLOAT32, t.getDataType()));
        }
      }
      assertEquals(DataType.FLOAT16, half.w.array().getDataType());
      float[] h = half.w.array().toType(DataType.FLOAT32, false).toFloatArray();
      float[] f = full.w.array().toFloatArray();
      for (int i = 0; i < h.length; i++) {
        assertTrue(Float.isFinite(h[i]), "weight " + i + " = " + h[i]);
        // float16 keeps 11 significant bits; 3 steps each round once (≤ half an ulp = 2^-11 relative)
        assertEquals(f[i], h[i], 3 * Math.abs(f[i]) * 0x1p-11 + 1e-7, "weight " + i);
      }
    }
  }

  private static final class One extends Module {
    final Param w;

    One(NDArray init) {
      w = param("w", init, true);
    }
  }
}
