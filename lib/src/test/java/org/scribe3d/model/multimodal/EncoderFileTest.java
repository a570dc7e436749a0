package org.scribe3d.model.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.model.vision.ViTConfig;

/** The pretrained image side as a file: what it holds, what a load changes, and what it refuses. */
class EncoderFileTest {
  @TempDir Path tmp;

  static final List<String> LABELS = List.of("type:ascites", "type:cardiomegaly");

  static MultimodalConfig withHead(List<String> labels) {
    return MultimodalModelTest.config(null).withFindingHead(labels);
  }

  @Test
  void loadsTheImageSideAndLeavesTheLanguageModel() {
    Path file = tmp.resolve("enc.safetensors");
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel a = new MultimodalModel(withHead(LABELS), m, DataType.FLOAT32, 1);
      EncoderFile.save(a, file, Map.of("scribe3d_pretrain_scans", "2"));
      try (TensorSource src = Safetensors.open(file)) {
        assertTrue(src.names().stream().noneMatch(n -> n.startsWith("llm.")), src.names().toString());
        assertTrue(src.names().stream().anyMatch(n -> n.startsWith("finding_head.")), src.names().toString());
        assertEquals("2", src.metadata().get("scribe3d_pretrain_scans"));
      }
      assertEquals(a.config(), EncoderFile.header(file).config());

      MultimodalModel b = new MultimodalModel(withHead(LABELS), m, DataType.FLOAT32, 2);
      Map<String, float[]> before = snapshot(b);
      ModuleLoader.Report rep = EncoderFile.load(b, file);
      assertFalse(rep.loaded().isEmpty());
      a.namedParameters().forEach((name, p) -> {
        float[] want = name.startsWith("llm.") ? before.get(name) : p.array().toFloatArray();
        assertArrayEquals(want, b.namedParameters().get(name).array().toFloatArray(), 0f, name);
      });

      // other head labels: the head keeps its own weights, the rest still loads
      MultimodalModel c = new MultimodalModel(withHead(List.of("type:renal_cyst")), m, DataType.FLOAT32, 3);
      float[] head = c.namedParameters().get("finding_head.weight").array().toFloatArray();
      EncoderFile.load(c, file);
      assertArrayEquals(head, c.namedParameters().get("finding_head.weight").array().toFloatArray(), 0f);
      assertArrayEquals(a.namedParameters().get("mm_projector.projector.0.weight").array().toFloatArray(),
          c.namedParameters().get("mm_projector.projector.0.weight").array().toFloatArray(), 0f);
    }
  }

  @Test
  void denseHeadTravelsWithTheFileAndItsLabelsTakeTheBestTokensProbability() {
    Path file = tmp.resolve("dense.safetensors");
    MultimodalConfig cfg = withHead(LABELS).withDenseLabels(List.of("type:cardiomegaly"));
    assertEquals(cfg, MultimodalConfig.fromJson(cfg.toJson(), "test"));
    assertEquals(List.of("type:cardiomegaly"), cfg.withFindingHead(List.of("type:cardiomegaly", "type:x")).denseLabels());
    assertEquals(null, cfg.withFindingHead(List.of("type:ascites")).denseLabels());
    assertThrows(IllegalArgumentException.class, () -> withHead(LABELS).withDenseLabels(List.of("type:x")));
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel a = new MultimodalModel(cfg, m, DataType.FLOAT32, 1);
      EncoderFile.save(a, file, Map.of());
      MultimodalModel b = new MultimodalModel(cfg, m, DataType.FLOAT32, 2);
      EncoderFile.load(b, file);
      assertArrayEquals(a.namedParameters().get("finding_dense.weight").array().toFloatArray(),
          b.namedParameters().get("finding_dense.weight").array().toFloatArray(), 0f);
      // a model without the dense head takes the rest of the file
      MultimodalModel c = new MultimodalModel(withHead(LABELS), m, DataType.FLOAT32, 3);
      EncoderFile.load(c, file);
      assertArrayEquals(a.namedParameters().get("finding_head.weight").array().toFloatArray(),
          c.namedParameters().get("finding_head.weight").array().toFloatArray(), 0f);

      ai.djl.ndarray.NDArray tokens = m.randomNormal(new ai.djl.ndarray.types.Shape(2, 5,
          cfg.vision().hidden()));
      float[] p = b.findingProbabilities(tokens).toFloatArray();
      float[] global = ai.djl.nn.Activation.sigmoid(b.findingLogits(tokens)).toFloatArray();
      float[] dense = ai.djl.nn.Activation.sigmoid(b.denseFindingLogits(tokens)).toFloatArray(); // [2, 5, 1]
      for (int i = 0; i < 2; i++) {
        float best = 0;
        for (int t = 0; t < 5; t++) {
          best = Math.max(best, dense[i * 5 + t]);
        }
        assertEquals(global[i * 2], p[i * 2], 1e-6f); // ascites: the finding head's
        assertEquals(best, p[i * 2 + 1], 1e-6f); // cardiomegaly: the most confident token's
      }
      org.scribe3d.prompt.FindingHint.Scores[] s = b.findingScores(tokens);
      assertArrayEquals(java.util.Arrays.copyOfRange(dense, 5, 10), s[1].tokens(), 0f);
      assertArrayEquals(java.util.Arrays.copyOfRange(p, 2, 4), s[1].probs(), 0f);
    }
  }

  @Test
  void refusesAnotherEncoderShapeAndPlainFiles() throws Exception {
    Path file = tmp.resolve("enc.safetensors");
    try (NDManager m = NDManager.newBaseManager()) {
      EncoderFile.save(new MultimodalModel(withHead(LABELS), m, DataType.FLOAT32, 1), file, Map.of());
      MultimodalConfig base = MultimodalModelTest.config(null);
      ViTConfig wider = new ViTConfig(1, 8, 16, 16, 2, 4, 4, 64, 2, 4, 64, 1e-5, false);
      MultimodalConfig other = new MultimodalConfig("other", wider, 2, base.llm(), null, base.imageTokens(),
          base.imageTokenId(), base.maxLength(), null);
      MultimodalModel o = new MultimodalModel(other, m, DataType.FLOAT32, 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderFile.load(o, file));
      assertTrue(e.getMessage().contains("32 wide") && e.getMessage().contains("64 wide"), e.getMessage());

      Path plain = tmp.resolve("model");
      o.save(plain);
      e = assertThrows(IllegalArgumentException.class,
          () -> EncoderFile.header(plain.resolve(MultimodalModel.WEIGHTS_FILE)));
      assertTrue(e.getMessage().contains("not a Scribe3D encoder file"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> EncoderFile.header(tmp.resolve("none.safetensors")));
      assertTrue(e.getMessage().contains("no pretrained encoder file"), e.getMessage());
      Files.writeString(tmp.resolve("junk.safetensors"), "not safetensors");
      assertThrows(RuntimeException.class, () -> EncoderFile.header(tmp.resolve("junk.safetensors")));
    }
  }

  private static Map<String, float[]> snapshot(MultimodalModel mm) {
    Map<String, float[]> out = new java.util.HashMap<>();
    mm.namedParameters().forEach((k, p) -> out.put(k, p.array().toFloatArray()));
    return out;
  }
}
