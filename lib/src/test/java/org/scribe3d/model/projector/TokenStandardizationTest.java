package org.scribe3d.model.projector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The projector's token standardisation: element-wise (x − mean) / std per grid position and channel
 * before M3D's pooling and MLP; the statistics are buffers (saved, never trained, not counted).
 */
class TokenStandardizationTest {
  static final ProjectorConfig PLAIN = new ProjectorConfig(3, 5, 2, 2, 2, 2);
  static final ProjectorConfig STANDARDIZED = new ProjectorConfig(3, 5, 2, 2, 2, 2, true);

  @Test
  void forwardIsThePlainProjectorOnStandardisedTokens() {
    try (NDManager m = NDManager.newBaseManager()) {
      SpatialPoolingProjector plain = new SpatialPoolingProjector(PLAIN, m, DataType.FLOAT32);
      SpatialPoolingProjector std = new SpatialPoolingProjector(STANDARDIZED, m, DataType.FLOAT32);
      plain.namedParameters().forEach((k, p) -> std.namedParameters().get(k).copyFrom(p.array()));
      int n = PLAIN.tokensIn() * PLAIN.inHidden();
      Random r = new Random(5);
      float[] mean = new float[n];
      float[] sd = new float[n];
      float[] x = new float[2 * n];
      for (int i = 0; i < n; i++) {
        mean[i] = (float) r.nextGaussian();
        sd[i] = 0.1f + r.nextFloat();
      }
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
      // identity until statistics are set
      NDArray tokens = m.create(x, new Shape(2, PLAIN.tokensIn(), PLAIN.inHidden()));
      assertArrayEquals(plain.forward(tokens).toFloatArray(), std.forward(tokens).toFloatArray(), 0f);
      std.setTokenStatistics(mean, sd);
      float[] z = new float[x.length];
      for (int i = 0; i < x.length; i++) { // the same statistics for every image of the batch
        z[i] = (x[i] - mean[i % n]) / sd[i % n];
      }
      assertArrayEquals(z, std.standardize(tokens).toFloatArray(), 1e-6f);
      assertArrayEquals(plain.forward(m.create(z, tokens.getShape())).toFloatArray(),
          std.forward(tokens).toFloatArray(), 1e-5f);
    }
  }

  @Test
  void statisticsAreBuffers() {
    try (NDManager m = NDManager.newBaseManager()) {
      SpatialPoolingProjector plain = new SpatialPoolingProjector(PLAIN, m, DataType.FLOAT32);
      SpatialPoolingProjector std = new SpatialPoolingProjector(STANDARDIZED, m, DataType.FLOAT32);
      assertTrue(std.namedParameters().containsKey(SpatialPoolingProjector.MEAN));
      assertTrue(std.namedParameters().containsKey(SpatialPoolingProjector.STD));
      assertFalse(plain.namedParameters().containsKey(SpatialPoolingProjector.MEAN));
      assertEquals(plain.parameterCount(), std.parameterCount());
      assertEquals(PLAIN.parameterCount(), std.parameterCount());
      std.setTrainable(true);
      assertFalse(std.trainableParameters().containsKey(SpatialPoolingProjector.MEAN));
      assertFalse(std.trainableParameters().containsKey(SpatialPoolingProjector.STD));
      assertEquals(plain.trainableParameters().keySet(), std.trainableParameters().keySet());
    }
  }

  @Test
  void unusableStatisticsAreRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      SpatialPoolingProjector std = new SpatialPoolingProjector(STANDARDIZED, m, DataType.FLOAT32);
      int n = STANDARDIZED.tokensIn() * STANDARDIZED.inHidden();
      float[] ok = new float[n];
      float[] ones = new float[n];
      java.util.Arrays.fill(ones, 1f);
      float[] zeroStd = ones.clone();
      zeroStd[3] = 0f;
      float[] nanMean = ok.clone();
      nanMean[1] = Float.NaN;
      assertThrows(IllegalArgumentException.class, () -> std.setTokenStatistics(ok, zeroStd));
      assertThrows(IllegalArgumentException.class, () -> std.setTokenStatistics(nanMean, ones));
      assertThrows(IllegalArgumentException.class, () -> std.setTokenStatistics(new float[2], new float[2]));
      SpatialPoolingProjector plain = new SpatialPoolingProjector(PLAIN, m, DataType.FLOAT32);
      assertThrows(IllegalStateException.class, () -> plain.setTokenStatistics(ok, ones));
    }
  }
}
