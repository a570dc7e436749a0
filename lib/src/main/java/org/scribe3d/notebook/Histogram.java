package org.scribe3d.notebook;

/**
 * Equal-width histogram with numpy.histogram's rules: {@code bins} intervals over [lo, hi], each
 * half-open [a, b) except the last, which is closed [a, hi]; values outside [lo, hi] and NaN are
 * not counted.
 */
public record Histogram(double lo, double hi, long[] counts) {

  public static Histogram of(double[] values, int bins, double lo, double hi) {
    check(bins, lo, hi);
    long[] c = new long[bins];
    for (double v : values) {
      add(c, v, lo, hi);
    }
    return new Histogram(lo, hi, c);
  }

  public static Histogram of(float[] values, int bins, double lo, double hi) {
    check(bins, lo, hi);
    long[] c = new long[bins];
    for (float v : values) {
      add(c, v, lo, hi);
    }
    return new Histogram(lo, hi, c);
  }

  private static void check(int bins, double lo, double hi) {
    if (bins < 1) {
      throw new IllegalArgumentException("histogram needs at least 1 bin, got " + bins);
    }
    if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
      throw new IllegalArgumentException("histogram range must be finite with lo < hi, got [" + lo + ", " + hi + "]");
    }
  }

  private static void add(long[] c, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      return;
    }
    int b = v == hi ? c.length - 1 : (int) ((v - lo) / (hi - lo) * c.length);
    c[Math.min(b, c.length - 1)]++;
  }

  public int bins() {
    return counts.length;
  }

  public double width() {
    return (hi - lo) / counts.length;
  }

  public double edge(int i) {
    return lo + i * width();
  }

  public double center(int i) {
    return lo + (i + 0.5) * width();
  }

  public double[] countsAsDoubles() {
    double[] d = new double[counts.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = counts[i];
    }
    return d;
  }

  public long total() {
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }
}
