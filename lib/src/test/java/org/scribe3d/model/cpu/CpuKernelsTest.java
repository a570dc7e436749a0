package org.scribe3d.model.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scribe3d.testing.PythonReference;

/** The C kernels' products against independent references: numpy for float16, double sums for float32. */
class CpuKernelsTest {
  @BeforeAll
  static void loaded() {
    assertTrue(CpuKernels.available(), CpuKernels.status());
  }

  /**
   * Every one of the 65,536 float16 bit patterns, read through the vector path (32 columns: one block of the
   * widest path) and the scalar tail (1 column), equals numpy's float16 → float64 value (NaN stays NaN).
   */
  @Test
  void everyFloat16ValueConvertsAsNumpyDoes() throws Exception {
    ByteBuffer w = ByteBuffer.allocateDirect(65536 * 2).order(ByteOrder.nativeOrder());
    for (int i = 0; i < 65536; i++) {
      w.putShort(2 * i, (short) i);
    }
    String out = PythonReference.runCode(
        "import numpy as np\nv = np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float64)\n"
            + "print(' '.join(repr(float(x)) for x in v))", "", List.of(), 120);
    String[] ref = out.trim().split(" ");
    assertEquals(65536, ref.length);
    long wa = CpuKernels.address(w);
    // [65536, 32] with pattern i alone in row i, at column i % 32 (0·inf would be NaN), times the 32 unit
    // vectors: y_(i % 32)[i] is pattern i's value, all on the vector path
    int k = 32;
    ByteBuffer spread = ByteBuffer.allocateDirect(65536 * k * 2).order(ByteOrder.nativeOrder());
    for (int i = 0; i < 65536; i++) {
      spread.putShort(2 * (k * i + i % k), (short) i);
    }
    DirectFloats eye = new DirectFloats(k * k);
    for (int b = 0; b < k; b++) {
      float[] e = new float[k];
      e[b] = 1f;
      eye.put(k * b, e);
    }
    DirectFloats y = new DirectFloats(k * 65536);
    CpuKernels.matvec(CpuKernels.address(spread), true, eye.address(), y.address(), k, k, k, 65536, 0, 65536);
    DirectFloats one = new DirectFloats(1);
    one.put(0, new float[] {1f});
    DirectFloats tail = new DirectFloats(65536);
    CpuKernels.matvec(wa, true, one.address(), tail.address(), 1, 1, 1, 65536, 0, 65536);
    float[] vec = new float[k * 65536];
    y.get(0, vec);
    float[] scalar = new float[65536];
    tail.get(0, scalar);
    for (int i = 0; i < 65536; i++) {
      double want = Double.parseDouble(ref[i].replace("inf", "Infinity").replace("nan", "NaN"));
      float v = vec[(i % k) * 65536 + i];
      if (Double.isNaN(want)) {
        assertTrue(Float.isNaN(v) && Float.isNaN(scalar[i]), "pattern " + i);
      } else {
        // 0·x sums turn −0 into +0; compare values
        assertEquals(want, v, 0.0, "vector path, pattern " + i);
        assertEquals(want, scalar[i], 0.0, "scalar path, pattern " + i);
      }
    }
  }

  /** float32 and float16 products of odd shapes (partial row blocks, column tails) and a batch of three vectors. */
  @Test
  void productsMatchDoubleSums() {
    Random r = new Random(3);
    for (int cols : new int[] {5, 16, 37, 64, 1029}) {
      int rows = 13;
      int nb = 3;
      float[] wf = new float[rows * cols];
      ByteBuffer w32 = ByteBuffer.allocateDirect(rows * cols * 4).order(ByteOrder.nativeOrder());
      ByteBuffer w16 = ByteBuffer.allocateDirect(rows * cols * 2).order(ByteOrder.nativeOrder());
      for (int i = 0; i < wf.length; i++) {
        // values exact in float16: multiples of 1/256 in (-4, 4)
        wf[i] = (r.nextInt(2048) - 1024) / 256f;
        w32.putFloat(4 * i, wf[i]);
        w16.putShort(2 * i, toHalf(wf[i]));
      }
      DirectFloats x = new DirectFloats(nb * cols);
      float[] xs = new float[nb * cols];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = (float) r.nextGaussian();
      }
      x.put(0, xs);
      for (boolean half : new boolean[] {false, true}) {
        DirectFloats y = new DirectFloats(nb * rows);
        long wa = CpuKernels.address(half ? w16 : w32);
        // two calls over a split that is not on a block boundary, as a team's parts may be
        CpuKernels.matvec(wa, half, x.address(), y.address(), cols, nb, cols, rows, 0, 6);
        CpuKernels.matvec(wa, half, x.address(), y.address(), cols, nb, cols, rows, 6, rows);
        float[] got = new float[nb * rows];
        y.get(0, got);
        for (int b = 0; b < nb; b++) {
          for (int row = 0; row < rows; row++) {
            double want = 0;
            double scale = 0;
            for (int c = 0; c < cols; c++) {
              want += (double) wf[row * cols + c] * xs[b * cols + c];
              scale += Math.abs((double) wf[row * cols + c] * xs[b * cols + c]);
            }
            assertEquals(want, got[b * rows + row], 1e-6 * scale + 1e-7,
                (half ? "float16" : "float32") + " cols " + cols + " row " + row + " vector " + b);
          }
        }
      }
    }
  }

  /**
   * Two matrices in one team call, each over several ~1 MiB chunks shared by two threads (the last chunk partial,
   * its rows not a multiple of four): every row of every vector equals its double sum, float32 and float16.
   */
  @Test
  void sharedChunksCoverEveryRowOnce() {
    Random r = new Random(11);
    int cols = 700;
    int[] rows = {1203, 37};
    int nb = 2;
    DirectFloats x = new DirectFloats(nb * cols);
    float[] xs = new float[nb * cols];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) r.nextGaussian();
    }
    x.put(0, xs);
    CpuTeam team = CpuTeam.of(2);
    for (boolean half : new boolean[] {false, true}) {
      float[][] wf = new float[rows.length][];
      long[] wa = new long[rows.length];
      DirectFloats[] y = new DirectFloats[rows.length];
      ByteBuffer[] keep = new ByteBuffer[rows.length];
      for (int m = 0; m < rows.length; m++) {
        wf[m] = new float[rows[m] * cols];
        keep[m] = ByteBuffer.allocateDirect(rows[m] * cols * (half ? 2 : 4)).order(ByteOrder.nativeOrder());
        for (int i = 0; i < wf[m].length; i++) {
          wf[m][i] = (r.nextInt(2048) - 1024) / 256f;
          if (half) {
            keep[m].putShort(2 * i, toHalf(wf[m][i]));
          } else {
            keep[m].putFloat(4 * i, wf[m][i]);
          }
        }
        wa[m] = CpuKernels.address(keep[m]);
        y[m] = new DirectFloats(nb * rows[m]);
        y[m].put(0, filled(nb * rows[m], Float.NaN)); // a row no chunk wrote stays NaN
      }
      team.runShared(rows.length, (part, parts, counters) -> {
        for (int m = 0; m < rows.length; m++) {
          CpuKernels.matvecShared(wa[m], half, x.address(), y[m].address(), cols, nb, cols, rows[m], rows[m],
              counters + 8L * m);
        }
      });
      for (int m = 0; m < rows.length; m++) {
        float[] got = new float[nb * rows[m]];
        y[m].get(0, got);
        for (int b = 0; b < nb; b++) {
          for (int row = 0; row < rows[m]; row++) {
            double want = 0;
            double scale = 0;
            for (int c = 0; c < cols; c++) {
              double p = (double) wf[m][row * cols + c] * xs[b * cols + c];
              want += p;
              scale += Math.abs(p);
            }
            assertEquals(want, got[b * rows[m] + row], 1e-6 * scale + 1e-7,
                (half ? "float16" : "float32") + " matrix " + m + " row " + row + " vector " + b);
          }
        }
      }
    }
  }

  /**
   * A read pass over regions of odd lengths (over several shared chunks, and under one vector block) returns the
   * XOR of every little-endian 64-bit word of them, the last word of each zero-padded, computed here in Java.
   */
  @Test
  void readPassReadsEveryByteOnce() {
    Random r = new Random(5);
    int[] lengths = {(3 << 20) + 13, 100, 5};
    long want = 0;
    long[] address = new long[lengths.length];
    ByteBuffer[] keep = new ByteBuffer[lengths.length];
    for (int i = 0; i < lengths.length; i++) {
      byte[] b = new byte[lengths[i]];
      r.nextBytes(b);
      keep[i] = ByteBuffer.allocateDirect(b.length).order(ByteOrder.LITTLE_ENDIAN).put(0, b);
      address[i] = CpuKernels.address(keep[i]);
      for (int at = 0; at < b.length; at += 8) {
        long word = 0;
        for (int k = 0; k < 8 && at + k < b.length; k++) {
          word |= (b[at + k] & 0xffL) << (8 * k);
        }
        want ^= word;
      }
    }
    long[] parts = new long[2];
    CpuTeam.of(2).runShared(lengths.length, (part, n, counters) -> {
      long got = 0;
      for (int i = 0; i < lengths.length; i++) {
        got ^= CpuKernels.readShared(address[i], lengths[i], counters + 8L * i, 1 << 20);
      }
      parts[part] = got;
    });
    assertEquals(want, parts[0] ^ parts[1]);
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  @Test
  void teamRunsEveryPartAndRethrows() {
    CpuTeam team = CpuTeam.of(2);
    AtomicLong sum = new AtomicLong();
    for (int i = 0; i < 20_000; i++) {
      team.run((part, parts) -> sum.addAndGet(part + 1));
    }
    assertEquals(20_000L * 3, sum.get());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.run((part, parts) -> {
      if (part == 1) {
        throw new IllegalStateException("part 1 failed");
      }
    }));
    assertEquals("part 1 failed", e.getMessage());
    team.run((part, parts) -> sum.addAndGet(1)); // still usable after a failure
    assertEquals(20_000L * 3 + 2, sum.get());
  }

  /** float32 → float16 bits for values exact in float16 (normal range), for building test matrices. */
  private static short toHalf(float f) {
    int bits = Float.floatToIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    if (f == 0f) {
      return (short) sign;
    }
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int man = (bits >>> 13) & 0x3ff;
    return (short) (sign | exp << 10 | man);
  }
}
