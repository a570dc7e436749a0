package org.scribe3d.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * y = x Wᵀ + b with W of shape [out, in] (PyTorch layout, so checkpoints load as they are), plus an
 * optional {@link LinearAdapter} (LoRA). Uses the engine's fused linear op. Input of another floating type
 * than the weight (float32 activations on float16 weights) is cast to the weight's type for the product and
 * the result back to the input's type, differentiably.
 */
public final class Linear extends Module {
  private final int in;
  private final int out;
  private final Param weight;
  private final Param bias;
  private LinearAdapter adapter;

  /** Weights initialised like torch.nn.Linear: U(-1/sqrt(in), 1/sqrt(in)). */
  public Linear(NDManager manager, int in, int out, boolean bias, DataType dtype) {
    this.in = in;
    this.out = out;
    float bound = (float) (1.0 / Math.sqrt(in));
    this.weight = param("weight", manager.randomUniform(-bound, bound, new Shape(out, in), dtype), true);
    this.bias = bias ? param("bias", manager.randomUniform(-bound, bound, new Shape(out), dtype), true) : null;
  }

  public NDArray forward(NDArray x) {
    NDArray xw = Casts.withGrad(x, weight.array().getDataType());
    NDArray y = bias == null
        ? ai.djl.nn.core.Linear.linear(xw, weight.array()).singletonOrThrow()
        : ai.djl.nn.core.Linear.linear(xw, weight.array(), bias.array()).singletonOrThrow();
    y = Casts.withGrad(y, x.getDataType());
    if (adapter != null && !adapter.merged()) {
      y = y.add(adapter.delta(x, isTraining()));
    }
    return y;
  }

  public int inFeatures() {
    return in;
  }

  public int outFeatures() {
    return out;
  }

  public Param weight() {
    return weight;
  }

  /** The bias, or null. */
  public Param bias() {
    return bias;
  }

  public LinearAdapter adapter() {
    return adapter;
  }

  /**
   * Attaches an adapter (a Module implementing {@link LinearAdapter}) under a child name, e.g. LoRA
   * registers itself so that its parameters are named "lora_A.weight" / "lora_B.weight" below this
   * layer. Only one adapter per layer.
   */
  public <A extends Module & LinearAdapter> A attachAdapter(String childName, A a) {
    if (adapter != null) {
      throw new IllegalStateException("layer already has an adapter");
    }
    child(childName, a);
    this.adapter = a;
    return a;
  }
}
