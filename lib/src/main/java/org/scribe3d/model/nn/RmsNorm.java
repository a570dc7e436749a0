package org.scribe3d.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Llama's RMSNorm: x / sqrt(mean(x²) + eps) * weight, computed in float32 and cast back to the input
 * dtype before the weight multiply, as Hugging Face's LlamaRMSNorm does.
 */
public final class RmsNorm extends Module {
  private final float eps;
  private final Param weight;

  public RmsNorm(NDManager manager, int dim, float eps, DataType dtype) {
    this.eps = eps;
    this.weight = param("weight", manager.ones(new Shape(dim), dtype), true);
  }

  public float eps() {
    return eps;
  }

  public Param weight() {
    return weight;
  }

  public NDArray forward(NDArray x) {
    DataType in = x.getDataType();
    NDArray xf = in == DataType.FLOAT32 ? x : Casts.withGrad(x, DataType.FLOAT32);
    NDArray variance = xf.square().mean(new int[] {-1}, true);
    NDArray normed = xf.div(variance.add(eps).sqrt());
    if (in != DataType.FLOAT32) {
      normed = Casts.withGrad(normed, in);
    }
    return normed.mul(weight.array());
  }
}
