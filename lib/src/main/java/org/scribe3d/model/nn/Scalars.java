package org.scribe3d.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * Scalar arithmetic that is safe under autograd. DJL's {@code mul(Number)} / {@code div(Number)}
 * wrap the number in a temporary Java buffer and free it right after the op, but autograd keeps
 * the scalar for the backward pass (d(x*s)/dx = s): after a GC the backward reads freed memory.
 * Here the scalar is a tensor on the input's manager, so it lives as long as the step's arrays.
 */
public final class Scalars {
  private Scalars() {}

  /** x * s, with s kept alive for backward. */
  public static NDArray mul(NDArray x, double s) {
    NDArray scalar = x.getManager().create((float) s).toType(x.getDataType(), false);
    return x.mul(scalar);
  }
}
