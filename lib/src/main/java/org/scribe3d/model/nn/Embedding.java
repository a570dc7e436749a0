package org.scribe3d.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** A lookup table [vocab, dim]; forward takes integer ids of any shape and appends dim. */
public final class Embedding extends Module {
  private final Param weight;

  public Embedding(NDManager manager, int vocab, int dim, DataType dtype) {
    this.weight = param("weight", manager.randomNormal(0f, 1f, new Shape(vocab, dim), dtype), true);
  }

  public Param weight() {
    return weight;
  }

  public NDArray forward(NDArray ids) {
    Shape s = ids.getShape();
    NDArray flat = ids.reshape(-1).toType(DataType.INT64, false);
    NDArray rows = weight.array().get(new NDIndex("{}", flat));
    rows.attach(ids.getManager()); // the caller's manager, not the weights' (see ViT3D.forwardWithCls)
    long dim = weight.array().getShape().get(1);
    long[] outShape = new long[s.dimension() + 1];
    System.arraycopy(s.getShape(), 0, outShape, 0, s.dimension());
    outShape[s.dimension()] = dim;
    return rows.reshape(new Shape(outShape));
  }
}
