package org.scribe3d.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorDType;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.model.nn.Param;

class LlamaCheckpointTest {
  @TempDir Path tmp;

  /** A small untied config with attention and MLP biases and a head_dim that is not hidden / heads. */
  static LlamaConfig withBiases() {
    LlamaConfig c = LlamaConfig.of(64, 96, 2, 4, 2, 300, false).withHeadDim(8);
    return new LlamaConfig(c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(), c.numAttentionHeads(),
        c.numKeyValueHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(), c.vocabSize(),
        c.tieWordEmbeddings(), true, true, c.bosTokenId(), c.eosTokenIds(), c.maxPositionEmbeddings(),
        c.torchDtype(), c.initializerRange());
  }

  @Test
  void shapesAreTheModelsParametersInOrder() {
    for (LlamaConfig c : List.of(withBiases(), LlamaConfig.of(32, 48, 3, 4, 1, 100, true))) {
      try (NDManager m = NDManager.newBaseManager()) {
        LlamaForCausalLM lm = LlamaForCausalLM.placeholders(c, m, DataType.FLOAT32);
        Map<String, Shape> shapes = LlamaCheckpoint.shapes(c);
        assertEquals(new ArrayList<>(lm.namedParameters().keySet()), new ArrayList<>(shapes.keySet()));
        lm.namedParameters().forEach((n, p) -> assertEquals(p.array().getShape(), shapes.get(n), n));
        assertEquals(lm.parameterCount(), LlamaCheckpoint.shapes(c).values().stream().mapToLong(Shape::size).sum());
      }
    }
  }

  @Test
  void randomDirectoryLoadsWithTheRandomModelsStatistics() throws IOException {
    LlamaConfig c = withBiases().withInitializerRange(0.05);
    Path dir = tmp.resolve("f16");
    LlamaCheckpoint.writeRandom(dir, c, TensorDType.F16, 3, 60_000); // 177 kB: several shards
    assertTrue(Files.exists(dir.resolve(Safetensors.INDEX_FILE)));
    assertTrue(list(dir).stream().filter(f -> f.endsWith(".safetensors")).count() > 2, list(dir).toString());
    assertEquals("float16", LlamaConfig.load(dir.resolve("config.json")).torchDtype());
    try (TensorSource s = Safetensors.open(dir)) {
      assertEquals(LlamaCheckpoint.shapes(c).keySet(), s.names());
      for (String n : s.names()) {
        assertEquals(TensorDType.F16, s.info(n).dtype(), n);
      }
    }
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaForCausalLM lm = LlamaForCausalLM.load(dir, m, DataType.FLOAT32);
      assertEquals(8, lm.config().headDim());
      assertTrue(lm.config().attentionBias() && lm.config().mlpBias());
      for (Map.Entry<String, Param> e : lm.namedParameters().entrySet()) {
        NDArray a = e.getValue().array().toType(DataType.FLOAT32, false);
        float[] v = a.toFloatArray();
        String n = e.getKey();
        if (a.getShape().dimension() == 2) {
          double mean = Arrays.stream(toDoubles(v)).average().orElseThrow();
          double sd = Math.sqrt(Arrays.stream(toDoubles(v)).map(x -> (x - mean) * (x - mean)).sum() / v.length);
          double se = 0.05 / Math.sqrt(v.length);
          assertTrue(Math.abs(mean) < 5 * se, n + " mean " + mean);
          assertEquals(0.05, sd, 0.05 * 10 / Math.sqrt(v.length) + 5e-4, n);
        } else {
          float want = n.endsWith(".bias") ? 0f : 1f;
          for (float x : v) {
            assertEquals(want, x, 0f, n);
          }
        }
      }
    }
  }

  @Test
  void theSeedDecidesTheFilesAndEveryStoredDtypeWorks() throws IOException {
    LlamaConfig c = LlamaConfig.of(32, 48, 1, 4, 2, 100, true);
    for (TensorDType st : List.of(TensorDType.F32, TensorDType.F16, TensorDType.BF16)) {
      Path a = tmp.resolve(st + "-a");
      Path b = tmp.resolve(st + "-b");
      Path other = tmp.resolve(st + "-other");
      LlamaCheckpoint.writeRandom(a, c, st, 11, 1L << 40);
      LlamaCheckpoint.writeRandom(b, c, st, 11, 1L << 40);
      LlamaCheckpoint.writeRandom(other, c, st, 12, 1L << 40);
      byte[] fa = Files.readAllBytes(a.resolve(Safetensors.SINGLE_FILE));
      assertArrayEquals(fa, Files.readAllBytes(b.resolve(Safetensors.SINGLE_FILE)), st.name());
      assertFalse(Arrays.equals(fa, Files.readAllBytes(other.resolve(Safetensors.SINGLE_FILE))), st.name());
      assertArrayEquals(Files.readAllBytes(a.resolve("config.json")), Files.readAllBytes(other.resolve("config.json")));
      try (TensorSource s = Safetensors.open(a)) {
        assertEquals(st, s.info("model.embed_tokens.weight").dtype());
      }
    }
  }

  private static List<String> list(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static double[] toDoubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
