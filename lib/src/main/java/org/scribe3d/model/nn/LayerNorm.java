package org.scribe3d.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** LayerNorm over the last dimension with affine weight and bias (torch.nn.LayerNorm). */
public final class LayerNorm extends Module {
  private final int dim;
  private final float eps;
  private final Param weight;
  private final Param bias;

  public LayerNorm(NDManager manager, int dim, float eps, DataType dtype) {
    this.dim = dim;
    this.eps = eps;
    this.weight = param("weight", manager.ones(new Shape(dim), dtype), true);
    this.bias = param("bias", manager.zeros(new Shape(dim), dtype), true);
  }

  public NDArray forward(NDArray x) {
    return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(dim), weight.array(), bias.array(), eps)
        .singletonOrThrow();
  }
}
