package org.scribe3d.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A 3D convolution with a cubic kernel, "same" padding (k / 2) and a per-axis stride, weight
 * [out, in, k, k, k] and bias [out] in PyTorch's layout, initialised like torch.nn.Conv3d
 * (U(±1/sqrt(in·k³)) for both).
 */
public final class Conv3d extends Module {
  private final Param weight;
  private final Param bias;
  private final Shape stride;
  private final Shape padding;

  public Conv3d(NDManager manager, int in, int out, int kernel, int[] stride, DataType dtype) {
    float bound = (float) (1.0 / Math.sqrt((double) in * kernel * kernel * kernel));
    this.weight = param("weight",
        manager.randomUniform(-bound, bound, new Shape(out, in, kernel, kernel, kernel), dtype), true);
    this.bias = param("bias", manager.randomUniform(-bound, bound, new Shape(out), dtype), true);
    this.stride = new Shape(stride[0], stride[1], stride[2]);
    int p = kernel / 2;
    this.padding = new Shape(p, p, p);
  }

  /** [B, in, D, H, W] → [B, out, D', H', W']. */
  public NDArray forward(NDArray x) {
    return ai.djl.nn.convolutional.Conv3d.conv3d(x, weight.array(), bias.array(), stride, padding, new Shape(1, 1, 1), 1)
        .singletonOrThrow();
  }
}
