package org.scribe3d.model.lora;

import org.scribe3d.model.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.scribe3d.model.nn.Linear;
import org.scribe3d.model.nn.LinearAdapter;
import org.scribe3d.model.nn.Module;
import org.scribe3d.model.nn.Param;

/**
 * A LoRA adapter on one {@link Linear}: y = W x + b + (alpha / r) · B A dropout(x), with A [r, in]
 * initialised like PEFT (kaiming_uniform_(a=√5), i.e. U(±1/√in)) and B [out, r] zero, so a fresh
 * adapter leaves the layer unchanged. Attached under the child name {@value #CHILD}; its parameters
 * are {@code <layer>.lora.A} and {@code <layer>.lora.B} (PEFT's {@code <layer>.lora_A.weight} /
 * {@code lora_B.weight}, see {@link LoraAdapters}).
 */
public final class LoraLinear extends Module implements LinearAdapter {
  public static final String CHILD = "lora";

  private final Linear base;
  private final int r;
  private final float scaling;
  private final float dropout;
  private final Param a;
  private final Param b;
  private boolean merged;

  LoraLinear(Linear base, LoraConfig cfg, NDManager manager, DataType dtype) {
    this.base = base;
    this.r = cfg.r();
    this.scaling = (float) cfg.scaling();
    this.dropout = (float) cfg.dropout();
    float bound = (float) (1.0 / Math.sqrt(base.inFeatures()));
    this.a = param("A", manager.randomUniform(-bound, bound, new Shape(r, base.inFeatures()), dtype), true);
    this.b = param("B", manager.zeros(new Shape(base.outFeatures(), r), dtype), true);
  }

  /** The down projection A [r, in]. */
  public Param a() {
    return a;
  }

  /** The up projection B [out, r]. */
  public Param b() {
    return b;
  }

  public int rank() {
    return r;
  }

  public float scaling() {
    return scaling;
  }

  @Override
  public NDArray delta(NDArray x, boolean training) {
    NDArray in = training && dropout > 0
        ? ai.djl.nn.norm.Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
    NDArray down = ai.djl.nn.core.Linear.linear(in, a.array()).singletonOrThrow();
    return Scalars.mul(ai.djl.nn.core.Linear.linear(down, b.array()).singletonOrThrow(), scaling);
  }

  @Override
  public boolean merged() {
    return merged;
  }

  /** W ← W + scaling · B A (computed in float32); the adapter is then skipped in forward. */
  public void merge() {
    if (!merged) {
      shiftBase(1f);
      merged = true;
    }
  }

  /** W ← W − scaling · B A: undoes {@link #merge()} up to floating-point rounding. */
  public void unmerge() {
    if (merged) {
      shiftBase(-1f);
      merged = false;
    }
  }

  private void shiftBase(float sign) {
    Param w = base.weight();
    NDArray cur = w.array();
    NDArray next;
    try (NDScope scope = new NDScope()) {
      NDArray bf = b.array().stopGradient().toType(DataType.FLOAT32, false);
      NDArray af = a.array().stopGradient().toType(DataType.FLOAT32, false);
      next = cur.stopGradient().toType(DataType.FLOAT32, false).add(bf.matMul(af).mul(sign * scaling))
          .toType(cur.getDataType(), false);
      NDScope.unregister(next);
    }
    next.attach(cur.getManager());
    w.replace(next);
  }
}
