package org.scribe3d.model.cpu;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.nio.ByteBuffer;

/**
 * The address of a DJL CPU tensor's own storage, for the kernels to read or write in place. It keeps the direct
 * view that the address comes from, but not the tensor (so it can sit in a weak map's value): whoever holds this
 * keeps the tensor open.
 */
public final class TensorStorage {
  private final ByteBuffer view;
  private final long address;

  private TensorStorage(ByteBuffer view) {
    this.view = view;
    this.address = CpuKernels.address(view);
  }

  /**
   * The storage of a contiguous CPU tensor (as loaded weights, caches and fresh results are), or null when one
   * direct view cannot show it in place: another device, over 2 GiB, or a view that is a copy.
   */
  public static TensorStorage of(NDArray a) {
    if (!Device.cpu().equals(a.getDevice())) {
      return null;
    }
    long bytes = a.getShape().size() * a.getDataType().getNumOfBytes();
    if (bytes > Integer.MAX_VALUE) {
      return null;
    }
    ByteBuffer view = a.toByteBuffer(true); // the storage itself when contiguous
    if (!view.isDirect() || view.capacity() != bytes) {
      return null;
    }
    return new TensorStorage(view);
  }

  /** The address of the first element. */
  public long address() {
    return address;
  }

  /** The bytes the view spans. */
  public long bytes() {
    return view.capacity();
  }
}
