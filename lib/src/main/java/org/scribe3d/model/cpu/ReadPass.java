package org.scribe3d.model.cpu;

import java.util.List;

/**
 * One read of a set of tensors' storage by a {@link CpuTeam}, as fast as the cores can load it and nothing else:
 * timed, it is the read bandwidth a decoding step could have at best for those bytes, on the same memory (mapped
 * checkpoint pages or anonymous memory, whichever the tensors are) and the same threads, at the same moment. A
 * benchmark that alternates it with decoding steps measures the bandwidth limit beside the step itself, which
 * matters on a machine whose bandwidth moves by tens of percent within minutes.
 */
public final class ReadPass {
  /** Bytes per shared chunk, as the products' (the kernels' chunk_rows): a multiple of 8, as the kernel needs. */
  private static final long CHUNK_BYTES = 1 << 20;

  private final TensorStorage[] storages; // their views keep the addresses valid
  private final long bytes;

  private ReadPass(TensorStorage[] storages) {
    this.storages = storages;
    long total = 0;
    for (TensorStorage t : storages) {
      total += t.bytes();
    }
    this.bytes = total;
  }

  /** A pass over these storages, in order; needs the native library ({@link CpuKernels#loaded()}). */
  public static ReadPass of(List<TensorStorage> storages) {
    if (!CpuKernels.loaded()) {
      throw new IllegalStateException("the CPU kernels are not loaded: " + CpuKernels.status());
    }
    return new ReadPass(storages.toArray(new TensorStorage[0]));
  }

  /** The bytes one pass reads. */
  public long bytes() {
    return bytes;
  }

  /** Reads every byte once, split over the team's threads; returns the XOR of all 64-bit words read. */
  public long run(CpuTeam team) {
    long[] parts = new long[team.threads()];
    team.runShared(storages.length, (part, n, counters) -> {
      long x = 0;
      for (int i = 0; i < storages.length; i++) {
        x ^= CpuKernels.readShared(storages[i].address(), storages[i].bytes(), counters + 8L * i, CHUNK_BYTES);
      }
      parts[part] = x;
    });
    long x = 0;
    for (long p : parts) {
      x ^= p;
    }
    return x;
  }
}
