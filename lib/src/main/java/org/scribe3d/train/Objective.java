package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.scribe3d.model.nn.Module;

/**
 * What the trainer minimises for a micro-batch. The loss is returned as a SUM over the batch's
 * loss-bearing units (labelled tokens); the trainer divides by the units of the whole optimizer step,
 * so accumulation and data-parallel splits give the gradient of one large batch.
 *
 * @param <B> the micro-batch type produced by a {@link BatchSource}
 */
public interface Objective<B> {
  /** Loss-bearing units in the micro-batch (labelled, shifted tokens for a causal LM). */
  long lossUnits(B batch);

  /** Samples in the micro-batch (for samples/s). */
  int samples(B batch);

  /** Input tokens in the micro-batch (for tokens/s; padding excluded). */
  long tokens(B batch);

  /**
   * The summed loss of the micro-batch (a scalar) computed by {@code model}; {@code manager} is on the
   * model's device and is closed by the trainer after the backward pass.
   */
  NDArray lossSum(Module model, B batch, NDManager manager);
}
