package org.scribe3d.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Dtype conversion that autograd can see. DJL 0.36's {@code NDArray.toType} runs {@code tensor.to}
 * under a {@code NoGradGuard}, so its result is cut from the graph: a half-precision model that
 * upcasts for a softmax or a norm would silently get no gradient through that path (or none at all,
 * when the loss itself is upcast). Writing the source into a fresh tensor of the target dtype is
 * {@code copy_}, which torch differentiates (the gradient is cast back to the source dtype).
 */
public final class Casts {
  private Casts() {}

  /** {@code x} converted to {@code type}, differentiable; {@code x} itself when it already is. */
  public static NDArray withGrad(NDArray x, DataType type) {
    if (x.getDataType() == type) {
      return x;
    }
    NDArray out = x.getManager().zeros(x.getShape(), type, x.getDevice());
    out.set(new NDIndex("..."), x);
    return out;
  }
}
