package org.scribe3d.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleTest {
  static final class Block extends Module {
    final Linear fc;
    final LayerNorm norm;

    Block(NDManager m) {
      fc = child("fc", new Linear(m, 4, 3, true, DataType.FLOAT32));
      norm = child("norm", new LayerNorm(m, 3, 1e-5f, DataType.FLOAT32));
    }
  }

  static final class Net extends Module {
    final List<Block> blocks;
    final Embedding embed;
    final RmsNorm rms;

    Net(NDManager m) {
      embed = child("embed", new Embedding(m, 10, 4, DataType.FLOAT32));
      blocks = children("blocks", List.of(new Block(m), new Block(m)));
      rms = child("rms", new RmsNorm(m, 3, 1e-5f, DataType.FLOAT32));
    }
  }

  @Test
  void namesAreDottedCheckpointNames() {
    try (NDManager m = NDManager.newBaseManager()) {
      Net net = new Net(m);
      assertEquals(List.of("embed.weight", "blocks.0.fc.weight", "blocks.0.fc.bias", "blocks.0.norm.weight",
          "blocks.0.norm.bias", "blocks.1.fc.weight", "blocks.1.fc.bias", "blocks.1.norm.weight",
          "blocks.1.norm.bias", "rms.weight"), List.copyOf(net.namedParameters().keySet()));
      assertEquals(40 + 2 * (12 + 3 + 3 + 3) + 3, net.parameterCount());
    }
  }

  @Test
  void linearMatchesDefinitionAndGradientsFlowToTrainableOnly() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear lin = new Linear(m, 3, 2, true, DataType.FLOAT32);
      lin.weight().copyFrom(m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)));
      lin.bias().copyFrom(m.create(new float[] {0.5f, -1f}));
      lin.bias().setTrainable(false);
      NDArray x = m.create(new float[] {1, 0, -1}, new Shape(1, 3));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = lin.forward(x);
        assertArrayEquals(new float[] {-1.5f, -3f}, y.toFloatArray(), 1e-6f);
        gc.backward(y.sum());
      }
      assertArrayEquals(new float[] {1, 0, -1, 1, 0, -1}, lin.weight().array().getGradient().toFloatArray(), 1e-6f);
      assertTrue(lin.trainableParameters().containsKey("weight"));
      assertEquals(1, lin.trainableParameters().size());
    }
  }

  @Test
  void rmsNormAndEmbedding() {
    try (NDManager m = NDManager.newBaseManager()) {
      RmsNorm rms = new RmsNorm(m, 2, 0f, DataType.FLOAT32);
      NDArray y = rms.forward(m.create(new float[] {3, 4}, new Shape(1, 2)));
      float r = (float) Math.sqrt((9 + 16) / 2.0);
      assertArrayEquals(new float[] {3 / r, 4 / r}, y.toFloatArray(), 1e-6f);
      Embedding e = new Embedding(m, 3, 2, DataType.FLOAT32);
      e.weight().copyFrom(m.create(new float[] {0, 1, 10, 11, 20, 21}, new Shape(3, 2)));
      NDArray out = e.forward(m.create(new long[] {2, 0, 1, 2}, new Shape(2, 2)));
      assertEquals(new Shape(2, 2, 2), out.getShape());
      assertArrayEquals(new float[] {20, 21, 0, 1, 10, 11, 20, 21}, out.toFloatArray(), 0f);
    }
  }

  @Test
  void copyFromNeverAliasesTheSource() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear lin = new Linear(m, 2, 1, false, DataType.FLOAT32);
      NDArray src = m.create(new float[] {1, 2}, new Shape(1, 2));
      lin.weight().copyFrom(src);
      src.muli(m.create(10f));
      assertArrayEquals(new float[] {1, 2}, lin.weight().array().toFloatArray(), 0f);
      assertTrue(lin.weight().array().hasGradient() || lin.weight().trainable());
    }
  }

  @Test
  void scalarMultiplyKeepsGradientsExact() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {1, 2, 3});
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = Scalars.mul(x, 0.5);
        System.gc();
        gc.backward(y.sum());
      }
      assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, x.getGradient().toFloatArray(), 0f);
    }
  }
}
