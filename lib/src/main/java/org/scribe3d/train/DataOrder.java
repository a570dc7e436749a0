package org.scribe3d.train;

import java.util.SplittableRandom;

/**
 * The order in which training samples are seen: one seeded permutation per epoch, cut into
 * micro-batches, and a global stream of micro-batches running across epochs. Everything is a pure
 * function of (seed, epoch, position), so a resumed run only needs the step number to continue with
 * exactly the same samples, and per-sample augmentation seeds do not depend on loader thread timing.
 */
public final class DataOrder {
  private final long seed;
  private final int size;
  private final int microBatch;
  private final int[][] groups; // null: samples shuffled individually
  private int cachedEpoch = -1;
  private int[] cachedPerm;

  public DataOrder(long seed, int datasetSize, int microBatchSize) {
    this(seed, datasetSize, microBatchSize, null);
  }

  /**
   * @param groupOf null, or a group id per sample (e.g. the scan it belongs to): then each epoch
   *     shuffles the groups and the samples inside each group and keeps a group's samples adjacent,
   *     so a micro-batch holds few distinct groups (several questions about the same scan share one
   *     vision pass)
   */
  public DataOrder(long seed, int datasetSize, int microBatchSize, int[] groupOf) {
    if (datasetSize < 1 || microBatchSize < 1) {
      throw new IllegalArgumentException("dataset size and micro-batch size must be ≥ 1, got " + datasetSize
          + " and " + microBatchSize);
    }
    this.seed = seed;
    this.size = datasetSize;
    this.microBatch = microBatchSize;
    if (groupOf == null) {
      this.groups = null;
    } else {
      if (groupOf.length != datasetSize) {
        throw new IllegalArgumentException("group ids: " + groupOf.length + " for " + datasetSize + " samples");
      }
      java.util.Map<Integer, java.util.List<Integer>> byId = new java.util.TreeMap<>();
      for (int i = 0; i < groupOf.length; i++) {
        byId.computeIfAbsent(groupOf[i], k -> new java.util.ArrayList<>()).add(i);
      }
      this.groups = byId.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
          .toArray(int[][]::new);
    }
  }

  public int datasetSize() {
    return size;
  }

  /** Micro-batches per epoch; the last one is smaller when the size is not a multiple (no drop). */
  public int microBatchesPerEpoch() {
    return (size + microBatch - 1) / microBatch;
  }

  public int epochOf(long globalMicro) {
    return (int) (globalMicro / microBatchesPerEpoch());
  }

  /** The dataset indices of micro-batch {@code globalMicro} of the stream. */
  public synchronized int[] samples(long globalMicro) {
    int epoch = epochOf(globalMicro);
    int k = (int) (globalMicro % microBatchesPerEpoch());
    int[] perm = permutation(epoch);
    int from = k * microBatch;
    int to = Math.min(size, from + microBatch);
    int[] out = new int[to - from];
    System.arraycopy(perm, from, out, 0, out.length);
    return out;
  }

  /** The seeded Fisher–Yates permutation of epoch {@code epoch}. */
  public synchronized int[] permutation(int epoch) {
    if (epoch != cachedEpoch) {
      SplittableRandom r = new SplittableRandom(mix(seed, 0x5EED_0000L + epoch));
      int[] p;
      if (groups == null) {
        p = identity(size);
        shuffle(p, r);
      } else {
        int[] order = identity(groups.length);
        shuffle(order, r);
        p = new int[size];
        int n = 0;
        for (int g : order) {
          int[] members = groups[g].clone();
          shuffle(members, r);
          System.arraycopy(members, 0, p, n, members.length);
          n += members.length;
        }
      }
      cachedPerm = p;
      cachedEpoch = epoch;
    }
    return cachedPerm;
  }

  private static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  private static void shuffle(int[] p, SplittableRandom r) {
    for (int i = p.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
  }

  /** The augmentation random source of one sample in one epoch (independent of everything else). */
  public SplittableRandom sampleRandom(int epoch, int sampleIndex) {
    return new SplittableRandom(mix(mix(seed, 0xA06_0000L + epoch), sampleIndex));
  }

  /** A 32-bit seed for the engine (dropout) at one optimizer step. */
  public static int stepSeed(long seed, long step) {
    return (int) mix(mix(seed, 0xD40_0000L), step);
  }

  /** SplitMix64-style mixing of two longs. */
  static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
