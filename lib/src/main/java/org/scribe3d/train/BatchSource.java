package org.scribe3d.train;

import java.util.SplittableRandom;

/**
 * Builds training micro-batches on the loader thread: preprocessing (usually through a
 * {@link org.scribe3d.data.VolumeCache}), augmentation, tokenisation, padding, label masks. Must be pure Java work
 * (no NDArrays: those belong to the compute thread) and deterministic given the random sources.
 *
 * @param <B> the micro-batch type, turned into tensors by the {@link Objective}
 */
public interface BatchSource<B> {
  /** Samples in one epoch. */
  int size();

  /**
   * The micro-batch made of dataset samples {@code samples}, where {@code rngs[i]} is sample i's own
   * augmentation random source for this epoch.
   */
  B load(int[] samples, SplittableRandom[] rngs) throws Exception;

  /**
   * A group id per sample (e.g. the scan it comes from), used by {@link TrainConfig#groupSamples} to
   * keep a group's samples in the same micro-batches; null when samples have no grouping.
   */
  default int[] groups() {
    return null;
  }
}
