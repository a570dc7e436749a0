package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.scribe3d.testing.PythonReference;

class HistogramTest {
  @Test
  void countsMatchNumpyHistogram() throws Exception {
    Random r = new Random(7);
    float[] v = new float[5000];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextGaussian() * 300 - 200);
    }
    // exact edge values and out-of-range values exercise numpy's closed last bin and clipping
    v[0] = -1000f;
    v[1] = 1000f;
    v[2] = -1001f;
    v[3] = 1000.5f;
    v[4] = Float.NaN;
    String csv = Arrays.stream(toDouble(v)).mapToObj(d -> Float.toString((float) d)).collect(Collectors.joining(","));
    String ref = PythonReference.runCode(
        "import sys, numpy as np\n"
            + "v = np.array([float(x) for x in sys.stdin.read().split(',')], dtype=np.float32)\n"
            + "c, e = np.histogram(v[~np.isnan(v)], bins=37, range=(-1000.0, 1000.0))\n"
            + "print(','.join(str(int(x)) for x in c))\n", csv, List.of(), 60).trim();
    long[] expected = Arrays.stream(ref.split(",")).mapToLong(Long::parseLong).toArray();
    Histogram h = Histogram.of(v, 37, -1000, 1000);
    assertArrayEquals(expected, h.counts());
    assertEquals(-1000 + 2000.0 / 37 * 0.5, h.center(0), 1e-9);
  }

  @Test
  void rejectsBadRanges() {
    assertThrows(IllegalArgumentException.class, () -> Histogram.of(new double[] {1}, 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> Histogram.of(new double[] {1}, 4, 1, 1));
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
