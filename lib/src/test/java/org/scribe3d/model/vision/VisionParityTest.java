package org.scribe3d.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.checkpoint.CheckpointException;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.checkpoint.VisionNames;
import org.scribe3d.model.nn.Module;
import org.scribe3d.model.nn.Param;
import org.scribe3d.model.projector.ProjectorConfig;
import org.scribe3d.model.projector.SpatialPoolingProjector;
import org.scribe3d.testing.PythonReference;

/**
 * ViT3D + spatial-pooling projector against an independent PyTorch reference (torch_vit3d.py) on shared
 * random weights, and weight loading under the three vision-name layouts.
 */
class VisionParityTest {
  @TempDir Path tmp;

  // 2 channels and a non-cubic 4x4x6 grid, so a wrong flatten order or axis order cannot pass
  static final ViTConfig VIT = new ViTConfig(2, 16, 32, 48, 4, 8, 8, 32, 2, 4, 64, 1e-5, false);
  static final ProjectorConfig PROJ = new ProjectorConfig(32, 24, 4, 4, 6, 2);

  /** Every parameter replaced by normal(0, std) noise (LayerNorm weights around 1), seeded. */
  static void randomize(Module m, long seed, NDManager nm) {
    Random r = new Random(seed);
    for (Map.Entry<String, Param> e : m.namedParameters().entrySet()) {
      Shape s = e.getValue().array().getShape();
      float[] v = new float[(int) s.size()];
      boolean norm = e.getKey().contains("norm") && e.getKey().endsWith("weight");
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (norm ? 1 + 0.2 * r.nextGaussian() : 0.2 * r.nextGaussian());
      }
      e.getValue().copyFrom(nm.create(v, s));
    }
  }

  static NDArray input(NDManager nm, ViTConfig c, int batch, long seed) {
    Random r = new Random(seed);
    float[] v = new float[batch * c.channels() * c.depth() * c.height() * c.width()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat();
    }
    return nm.create(v, new Shape(batch, c.channels(), c.depth(), c.height(), c.width()));
  }

  static double relErr(float[] got, float[] want) {
    double maxDiff = 0;
    double maxRef = 0;
    for (int i = 0; i < want.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
      maxRef = Math.max(maxRef, Math.abs(want[i]));
    }
    return maxDiff / maxRef;
  }

  @Test
  void namesAreM3dClipNames() {
    try (NDManager nm = NDManager.newBaseManager()) {
      ViT3D vit = new ViT3D(ViTConfig.paper(), nm, DataType.FLOAT32, 0);
      Map<String, Param> p = vit.namedParameters();
      assertEquals(new Shape(1, 2048, 768), p.get("patch_embedding.position_embeddings").array().getShape());
      assertEquals(new Shape(768, 1024), p.get("patch_embedding.patch_embeddings.1.weight").array().getShape());
      assertEquals(new Shape(768), p.get("patch_embedding.patch_embeddings.1.bias").array().getShape());
      assertEquals(new Shape(1, 1, 768), p.get("cls_token").array().getShape());
      assertEquals(new Shape(2304, 768), p.get("blocks.11.attn.qkv.weight").array().getShape());
      assertTrue(!p.containsKey("blocks.0.attn.qkv.bias"));
      for (String n : List.of("blocks.0.norm1.weight", "blocks.0.norm1.bias", "blocks.0.attn.out_proj.weight",
          "blocks.0.attn.out_proj.bias", "blocks.0.norm2.weight", "blocks.0.norm2.bias", "blocks.0.mlp.linear1.weight",
          "blocks.0.mlp.linear1.bias", "blocks.0.mlp.linear2.weight", "blocks.0.mlp.linear2.bias", "norm.weight",
          "norm.bias")) {
        assertTrue(p.containsKey(n), n);
      }
      assertEquals(ViTConfig.paper().parameterCount(), vit.parameterCount());
      SpatialPoolingProjector proj = new SpatialPoolingProjector(new ProjectorConfig(768, 64, 8, 16, 16, 2), nm,
          DataType.FLOAT32);
      assertEquals(List.of("projector.0.weight", "projector.0.bias", "projector.2.weight", "projector.2.bias"),
          List.copyOf(proj.namedParameters().keySet()));
      assertEquals(256, proj.config().tokensOut());
    }
  }

  @Test
  void matchesPytorchReference() throws Exception {
    assertParity(VIT);
  }

  /** The conv stem (strides 2,2,2 / 2,2,2 / 1,2,2 for patch 4x8x8) against the same reference. */
  @Test
  void convStemMatchesPytorchReference() throws Exception {
    ViTConfig conv = VIT.withStem(ViTConfig.CONV_STEM);
    try (NDManager nm = NDManager.newBaseManager()) {
      ViT3D vit = new ViT3D(conv, nm, DataType.FLOAT32, 1);
      Map<String, Param> p = vit.namedParameters();
      assertEquals(new Shape(16, 2, 3, 3, 3), p.get("patch_embedding.conv_stem.0.weight").array().getShape());
      assertEquals(new Shape(64, 32, 3, 3, 3), p.get("patch_embedding.conv_stem.2.weight").array().getShape());
      assertEquals(new Shape(32, 64), p.get("patch_embedding.stem_proj.weight").array().getShape());
      assertTrue(!p.containsKey("patch_embedding.patch_embeddings.1.weight"));
      assertEquals(conv.parameterCount(), vit.parameterCount());
      assertArrayEquals(new int[] {1, 2, 2}, conv.stemStride(2));
      // the conv stem's blocks start as the identity; the patch stem keeps MONAI's init
      ViT3D patch = new ViT3D(VIT, nm, DataType.FLOAT32, 1);
      for (int i = 0; i < conv.layers(); i++) {
        for (String lin : new String[] {".attn.out_proj.", ".mlp.linear2."}) {
          for (String w : new String[] {"weight", "bias"}) {
            String name = "blocks." + i + lin + w;
            assertEquals(0f, p.get(name).array().abs().max().getFloat(), name);
            if (w.equals("weight")) {
              assertTrue(patch.namedParameters().get(name).array().abs().max().getFloat() > 0, name);
            }
          }
        }
      }
    }
    assertParity(conv);
  }

  /**
   * A forward in a caller's sub-manager leaves nothing behind in the weights' manager: the encoder runs over every
   * scan of a data set for the finding hints, and an intermediate left on the weights' manager (the CLS token's
   * broadcast did, and the whole forward after it with it) grew the process by 20 MB per scan until the kernel
   * killed it at 1000 scans.
   */
  @Test
  void forwardLeavesNothingInTheWeightsManager() {
    for (ViTConfig c : List.of(VIT, VIT.withStem(ViTConfig.CONV_STEM))) {
      try (NDManager nm = NDManager.newBaseManager()) {
        ViT3D vit = new ViT3D(c, nm, DataType.FLOAT32, 1);
        int before = nm.getManagedArrays().size();
        try (NDManager step = nm.newSubManager()) {
          vit.forward(step.randomNormal(new Shape(2, c.channels(), c.depth(), c.height(), c.width())));
        }
        assertEquals(before, nm.getManagedArrays().size(), c.stem());
      }
    }
  }

  @Test
  void convStemNeedsPowerOfTwoPatches() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ViTConfig(1, 12, 32, 32, 3, 8, 8, 32, 1, 4, 64, 1e-5, false, ViTConfig.CONV_STEM));
    assertTrue(e.getMessage().contains("powers of 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> VIT.withStem("resnet"));
  }

  private void assertParity(ViTConfig vitConfig) throws Exception {
    Path weights = tmp.resolve("w.safetensors");
    Path out = tmp.resolve("ref.safetensors");
    Path cfg = tmp.resolve("cfg.json");
    float[] tokens;
    float[] embeds;
    try (NDManager nm = NDManager.newBaseManager()) {
      ViT3D vit = new ViT3D(vitConfig, nm, DataType.FLOAT32, 1);
      SpatialPoolingProjector proj = new SpatialPoolingProjector(PROJ, nm, DataType.FLOAT32);
      randomize(vit, 11, nm);
      randomize(proj, 12, nm);
      NDArray x = input(nm, vitConfig, 2, 13);
      Map<String, NDArray> all = new LinkedHashMap<>(ModuleLoader.stateDict(vit));
      all.putAll(ModuleLoader.stateDict(proj));
      all.put("input", x);
      Safetensors.write(weights, all, Map.of());
      NDArray t = vit.forwardWithCls(x);
      tokens = t.toFloatArray();
      embeds = proj.forward(vit.forward(x)).toFloatArray();
      assertEquals(new Shape(2, 1 + 96, 32), t.getShape());
      assertEquals(2 * 12 * 24, embeds.length);
    }
    JsonObject c = new JsonObject();
    c.add("vision", new Gson().toJsonTree(vitConfig));
    c.addProperty("pool", PROJ.pool());
    Files.writeString(cfg, c.toString());
    PythonReference.run(PythonReference.resource(VisionParityTest.class, "torch_vit3d.py"),
        List.of(cfg.toString(), weights.toString(), out.toString()), 120);
    try (NDManager nm = NDManager.newBaseManager(); TensorSource ref = Safetensors.open(out)) {
      float[] refTokens = ref.load("tokens", nm, DataType.FLOAT32).toFloatArray();
      float[] refEmbeds = ref.load("embeds", nm, DataType.FLOAT32).toFloatArray();
      assertEquals(refTokens.length, tokens.length);
      double et = relErr(tokens, refTokens);
      double ee = relErr(embeds, refEmbeds);
      System.out.printf(vitConfig.stem() + " stem ViT3D vs PyTorch: max abs diff / max abs ref = %.3g; projector: %.3g%n", et, ee);
      assertTrue(et <= 1e-4, "ViT relative error " + et);
      assertTrue(ee <= 1e-4, "projector relative error " + ee);
    }
  }

  @Test
  void loadsAllThreeNameLayouts() {
    try (NDManager nm = NDManager.newBaseManager()) {
      ViT3D src = new ViT3D(VIT, nm, DataType.FLOAT32, 2);
      SpatialPoolingProjector srcProj = new SpatialPoolingProjector(PROJ, nm, DataType.FLOAT32);
      randomize(src, 21, nm);
      randomize(srcProj, 22, nm);
      NDArray x = input(nm, VIT, 1, 23);
      float[] want = srcProj.forward(src.forward(x)).toFloatArray();
      NDArray noise = nm.randomNormal(new Shape(4, 4));
      for (VisionNames.Layout layout : VisionNames.Layout.values()) {
        Map<String, NDArray> ck = new LinkedHashMap<>();
        ModuleLoader.stateDict(src).forEach((k, v) -> ck.put(layout.name(k), v));
        switch (layout) {
          case M3D_CLIP -> { // the CLIP release also holds the text tower and the contrastive heads
            ck.put("language_encoder.embeddings.word_embeddings.weight", noise);
            ck.put("mm_vision_proj.weight", noise);
            ck.put("logit_scale", noise);
          }
          case M3D_LAMED -> { // LaMed holds the language model and the projector next to the tower
            ck.put("model.embed_tokens.weight", noise);
            ck.put("lm_head.weight", noise);
            ModuleLoader.stateDict(srcProj).forEach((k, v) -> ck.put(VisionNames.LAMED_PROJECTOR_PREFIX + k, v));
          }
          case BARE -> ModuleLoader.stateDict(srcProj).forEach(ck::put);
        }
        Path f = tmp.resolve(layout + ".safetensors");
        Safetensors.write(f, ck, Map.of());
        ViT3D dst = new ViT3D(VIT, nm, DataType.FLOAT32, 99);
        SpatialPoolingProjector dstProj = new SpatialPoolingProjector(PROJ, nm, DataType.FLOAT32);
        try (TensorSource s = Safetensors.open(f)) {
          assertEquals(layout, VisionNames.detect(s.names()));
          assertEquals(src.namedParameters().size(), dst.loadWeights(s).loaded().size());
          if (layout != VisionNames.Layout.M3D_CLIP) {
            assertEquals(4, dstProj.loadWeights(s).loaded().size());
          } else {
            dstProj.loadWeights(srcTensors(srcProj, tmp.resolve("p.safetensors")));
          }
        }
        assertArrayEquals(want, dstProj.forward(dst.forward(x)).toFloatArray(), 0f, layout.toString());
      }
    }
  }

  private static TensorSource srcTensors(Module m, Path f) {
    Safetensors.write(f, ModuleLoader.stateDict(m), Map.of());
    return Safetensors.open(f);
  }

  @Test
  void missingAndMisShapedTensorsAreOneClearError() {
    try (NDManager nm = NDManager.newBaseManager()) {
      ViT3D src = new ViT3D(VIT, nm, DataType.FLOAT32, 3);
      Map<String, NDArray> ck = new LinkedHashMap<>();
      ModuleLoader.stateDict(src).forEach((k, v) -> ck.put("vision_encoder." + k, v));
      ck.remove("vision_encoder.blocks.1.attn.qkv.weight");
      ck.put("vision_encoder.norm.bias", nm.zeros(new Shape(31)));
      ck.put("vision_encoder.blocks.7.mlp.linear1.weight", nm.zeros(new Shape(2)));
      Path f = tmp.resolve("bad.safetensors");
      Safetensors.write(f, ck, Map.of());
      try (TensorSource s = Safetensors.open(f)) {
        CheckpointException e = assertThrows(CheckpointException.class,
            () -> new ViT3D(VIT, nm, DataType.FLOAT32, 4).loadWeights(s));
        String msg = e.getMessage();
        assertTrue(msg.contains("missing [blocks.1.attn.qkv.weight]"), msg);
        assertTrue(msg.contains("vision_encoder.norm.bias checkpoint (31) vs model (32)"), msg);
        assertTrue(msg.contains("unexpected [vision_encoder.blocks.7.mlp.linear1.weight"), msg);
      }
    }
  }

  @Test
  void poolingIsAvgPool3dInGridOrder() {
    try (NDManager nm = NDManager.newBaseManager()) {
      // token index (d, h, w) in a 2x2x4 grid carries value 100 d + 10 h + w; pooled (0,0,1) averages
      // w in {2,3}, d and h in {0,1}: mean(100 d + 10 h) = 55 and mean(w) = 2.5
      ProjectorConfig c = new ProjectorConfig(1, 1, 2, 2, 4, 2);
      float[] v = new float[16];
      for (int d = 0; d < 2; d++) {
        for (int h = 0; h < 2; h++) {
          for (int w = 0; w < 4; w++) {
            v[(d * 2 + h) * 4 + w] = 100 * d + 10 * h + w;
          }
        }
      }
      NDArray pooled = SpatialPoolingProjector.pool(nm.create(v, new Shape(1, 16, 1)), c);
      assertArrayEquals(new float[] {55.5f, 57.5f}, pooled.toFloatArray(), 1e-5f);
    }
  }
}
