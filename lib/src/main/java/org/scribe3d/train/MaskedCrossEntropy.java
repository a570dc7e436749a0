package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.scribe3d.model.nn.Casts;

/**
 * The causal-LM loss of Hugging Face models: position t's logits predict the label at t+1
 * ({@code logits[:, :-1]} against {@code labels[:, 1:]}), labels equal to {@link #IGNORE} (-100)
 * contribute nothing, and the mean is over the labelled tokens of the whole batch (not per
 * sequence) — {@code F.cross_entropy(..., ignore_index=-100, reduction="mean")}.
 *
 * <p>The trainer uses {@link #sum} and divides by the labelled-token count of the whole optimizer
 * step, so that gradient accumulation and data-parallel shards give the same gradient as one big
 * batch.
 */
public final class MaskedCrossEntropy {
  public static final long IGNORE = -100;

  private MaskedCrossEntropy() {}

  /**
   * Sum of −log p(label) over the labelled (shifted) positions, computed in float32.
   *
   * @param logits [B, T, V]
   * @param labels [B, T] integer labels with -100 for ignored positions
   * @return a scalar
   */
  public static NDArray sum(NDArray logits, NDArray labels) {
    if (logits.getShape().dimension() != 3 || labels.getShape().dimension() != 2
        || logits.getShape().get(0) != labels.getShape().get(0)
        || logits.getShape().get(1) != labels.getShape().get(1)) {
      throw new IllegalArgumentException("logits [B,T,V] and labels [B,T] expected, got "
          + logits.getShape() + " and " + labels.getShape());
    }
    NDArray lg = logits.get(new NDIndex(":, :-1, :"));
    if (lg.getDataType() != DataType.FLOAT32) {
      lg = Casts.withGrad(lg, DataType.FLOAT32); // toType would cut autograd
    }
    NDArray target = labels.get(new NDIndex(":, 1:")).toType(DataType.INT64, false);
    NDArray mask = target.neq(IGNORE);
    NDArray safe = target.mul(mask.toType(DataType.INT64, false)); // -100 → 0, masked out below
    NDArray logp = lg.logSoftmax(-1);
    NDArray picked = logp.gather(safe.expandDims(-1), -1).squeeze(-1);
    return picked.mul(mask.toType(DataType.FLOAT32, false)).sum().neg();
  }

  /** Number of labelled (shifted) positions: labels[:, 1:] != -100. */
  public static long count(long[] labels, int batch, int seqLen) {
    long n = 0;
    for (int b = 0; b < batch; b++) {
      for (int t = 1; t < seqLen; t++) {
        if (labels[b * seqLen + t] != IGNORE) {
          n++;
        }
      }
    }
    return n;
  }

  /** Mean over labelled tokens (NaN when there are none, as torch). */
  public static NDArray mean(NDArray logits, NDArray labels) {
    NDArray target = labels.get(new NDIndex(":, 1:"));
    NDArray n = target.neq(IGNORE).toType(DataType.FLOAT32, false).sum();
    return sum(logits, labels).div(n);
  }
}
