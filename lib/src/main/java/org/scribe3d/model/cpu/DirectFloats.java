package org.scribe3d.model.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** A float32 working buffer outside the Java heap, with the address the CPU kernels take. */
public final class DirectFloats {
  private final ByteBuffer bytes;
  private final FloatBuffer floats;
  private final long address;
  private final int length;

  public DirectFloats(int length) {
    this.length = length;
    this.bytes = ByteBuffer.allocateDirect(Math.max(1, length) * 4).order(ByteOrder.nativeOrder());
    this.floats = bytes.asFloatBuffer();
    this.address = CpuKernels.address(bytes);
  }

  public int length() {
    return length;
  }

  /** The address of element 0. */
  public long address() {
    return address;
  }

  /** The address of element {@code i}. */
  public long address(long i) {
    return address + 4 * i;
  }

  /** Copies {@code values} in from element {@code at}. */
  public void put(int at, float[] values) {
    floats.put(at, values);
  }

  /** Copies {@code out.length} elements out from element {@code at}. */
  public void get(int at, float[] out) {
    floats.get(at, out);
  }

  /** The underlying bytes (native order), e.g. for a byte mask sharing the buffer. */
  public ByteBuffer bytes() {
    return bytes;
  }
}
