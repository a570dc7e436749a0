package org.scribe3d.model.cpu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A weight matrix [rows, cols] as the CPU kernels read it: a DJL tensor's own storage ({@link TensorStorage}: no
 * copy; a memory-mapped checkpoint stays mapped), float32 or float16. Like the storage, it holds no reference to
 * the tensor: whoever holds this keeps the tensor open.
 */
public final class CpuMatrix {
  private final TensorStorage storage;
  private final long address;
  private final long rows;
  private final long cols;
  private final boolean half;

  private CpuMatrix(TensorStorage storage, long rows, long cols, boolean half) {
    this.storage = storage;
    this.address = storage.address();
    this.rows = rows;
    this.cols = cols;
    this.half = half;
  }

  /**
   * The matrix of a 2-D float32 or float16 CPU tensor, or null when the kernels cannot read it (not loaded,
   * another type or device, or over 2 GiB, which one direct view cannot span).
   */
  public static CpuMatrix of(NDArray a) {
    DataType t = a.getDataType();
    if (!CpuKernels.available() || a.getShape().dimension() != 2 || t != DataType.FLOAT32 && t != DataType.FLOAT16) {
      return null;
    }
    TensorStorage storage = TensorStorage.of(a);
    return storage == null ? null
        : new CpuMatrix(storage, a.getShape().get(0), a.getShape().get(1), t == DataType.FLOAT16);
  }

  public long rows() {
    return rows;
  }

  public long cols() {
    return cols;
  }

  /** Bytes one full product reads. */
  public long bytes() {
    return rows * cols * (half ? 2 : 4);
  }

  /**
   * y_m = M_m x for several matrices with the same input width, for {@code nb} input vectors at
   * {@code x + 4·b·xStride}; matrix m writes vector b's result at {@code y[m] + 4·b·yStride}. The team's threads
   * take chunks of rows as they go ({@link CpuKernels#matvecShared}) and move on to the next matrix without
   * waiting for each other; only the whole call waits for all.
   */
  public static void multiply(CpuTeam team, CpuMatrix[] ms, long x, long xStride, int nb, long[] y, long yStride) {
    team.runShared(ms.length, (part, parts, counters) -> {
      for (int i = 0; i < ms.length; i++) {
        CpuMatrix m = ms[i];
        CpuKernels.matvecShared(m.address, m.half, x, y[i], m.cols, nb, xStride, yStride, m.rows, counters + 8L * i);
      }
    });
  }
}
