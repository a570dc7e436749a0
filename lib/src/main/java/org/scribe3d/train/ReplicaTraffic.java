package org.scribe3d.train;

import org.scribe3d.model.multimodal.ParamCounts;

/**
 * Bytes copied between the master and its replicas by {@link Trainer}'s data parallelism, from the
 * parameter counts (gradients have their parameter's dtype, so both directions use the same width).
 *
 * @param atStart every parameter to every replica, once per {@code fit}
 * @param perStep the trainable gradients to the master plus the trainable weights back, per step
 * @param perStepCopyingAll what a step moves when every parameter, frozen ones included, is copied back
 *     after each update (the trainer before frozen parameters were left in place)
 */
public record ReplicaTraffic(long atStart, long perStep, long perStepCopyingAll) {

  /**
   * @param trainable trainable parameters (elements)
   * @param frozen frozen parameters and buffers (elements)
   * @param bytesPerElement 4 for float32, 2 for float16
   * @param devices master + replicas
   */
  public static ReplicaTraffic of(long trainable, long frozen, int bytesPerElement, int devices) {
    if (devices < 1 || bytesPerElement < 1 || trainable < 0 || frozen < 0) {
      throw new IllegalArgumentException("need devices ≥ 1, bytes ≥ 1 and non-negative counts");
    }
    long replicas = devices - 1L;
    long t = trainable * bytesPerElement;
    long all = (trainable + frozen) * bytesPerElement;
    return new ReplicaTraffic(replicas * all, replicas * 2 * t, replicas * (t + all));
  }

  /** For a multimodal model's parameter counts, trained as the paper's recipe trains it. */
  public static ReplicaTraffic of(ParamCounts counts, int bytesPerElement, int devices) {
    return of(counts.trainable(), counts.total() - counts.trainable(), bytesPerElement, devices);
  }
}
