package org.scribe3d.train;

import ai.djl.ndarray.NDArray;

/**
 * The auxiliary finding head's loss: binary cross-entropy with logits, summed over the labels of an
 * image and averaged over images — {@code F.binary_cross_entropy_with_logits(x, y, reduction="sum") / B}.
 * Computed in the numerically stable form max(x, 0) − x·y + log(1 + e^−|x|).
 */
public final class FindingLoss {
  private FindingLoss() {}

  /**
   * @param logits [B, L]
   * @param targets [B, L] of 0/1
   * @return a scalar: Σ over labels, mean over the B images
   */
  public static NDArray perImage(NDArray logits, NDArray targets) {
    if (!logits.getShape().equals(targets.getShape()) || logits.getShape().dimension() != 2) {
      throw new IllegalArgumentException("logits and targets [B, L] expected, got " + logits.getShape() + " and "
          + targets.getShape());
    }
    NDArray x = logits;
    NDArray y = targets.toType(x.getDataType(), false);
    // scalars as tensors on the step's manager: autograd keeps them for backward (see model.nn.Scalars)
    NDArray one = x.getManager().ones(new ai.djl.ndarray.types.Shape(), x.getDataType());
    NDArray loss = ai.djl.nn.Activation.relu(x).sub(x.mul(y)).add(x.abs().neg().exp().add(one).log());
    return org.scribe3d.model.nn.Scalars.mul(loss.sum(), 1.0 / logits.getShape().get(0));
  }
}
