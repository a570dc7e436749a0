package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Small tensor helpers of the trainer. */
final class Tensors {
  private Tensors() {}

  /**
   * A copy in memory allocated by libtorch. Arrays made from Java data ({@code manager.create(float[])})
   * wrap a Java direct buffer in place (torch from_blob) — at whatever alignment the JVM gave it and
   * alive only as long as the DJL array object. Model inputs are copied so that nothing in the
   * autograd graph depends on a Java buffer. (Cross-process differences seen while building the
   * resume test were traced to freed scalar buffers, see {@link Trainer}; this copy is a cheap extra
   * guard, not the proven cause.)
   */
  static NDArray owned(NDArray a) {
    if (a instanceof ai.djl.pytorch.engine.PtNDArray pt) {
      return ai.djl.pytorch.jni.JniUtils.clone(pt);
    }
    return a.duplicate();
  }

  /**
   * Copies {@code src}'s values into {@code dst}'s existing storage (torch copy_ through index_put_),
   * converting device and dtype. In place on purpose: parameters keep their storage, autograd flag and
   * every reference to them. (DJL's {@code toDevice(sameDevice, copy=true)} does not copy — it returns
   * an alias — so "copy then replace" would keep pointing at the source's memory, which may be a
   * buffer that is freed later.)
   */
  static void assign(NDArray dst, NDArray src, String name) {
    if (!dst.getShape().equals(src.getShape())) {
      throw new IllegalArgumentException("shape mismatch for " + name + ": expected " + dst.getShape() + ", got "
          + src.getShape());
    }
    NDArray s = src.toDevice(dst.getDevice(), false);
    NDArray t = s.toType(dst.getDataType(), false);
    dst.set(new NDIndex("..."), t);
    if (t != s && t != src) {
      t.close();
    }
    if (s != src) {
      s.close();
    }
  }
}
