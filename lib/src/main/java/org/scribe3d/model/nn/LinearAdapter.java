package org.scribe3d.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * Something added to a {@link Linear} layer's output, e.g. a LoRA adapter: y = W x + b + delta(x).
 * An adapter is a {@link Module} child of the Linear so its parameters get names such as
 * "q_proj.lora_A.weight".
 */
public interface LinearAdapter {
  /** The adapter's contribution for input x (same leading shape as the layer output). */
  NDArray delta(NDArray x, boolean training);

  /** True when the adapter has been merged into the base weight and must not be added again. */
  boolean merged();
}
