package org.scribe3d.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The PyTorch engine loads offline from the bundled native jar and computes. */
class EngineSmokeTest {
  @Test
  void pytorchEngineRunsOffline() {
    assertEquals("PyTorch", Engine.getInstance().getEngineName());
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
      NDArray b = a.matMul(a);
      assertArrayEquals(new float[] {7, 10, 15, 22}, b.toFloatArray(), 1e-6f);
    }
  }
}
