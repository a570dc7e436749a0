package org.scribe3d.notebook;

/**
 * A CT display window: intensities {@code center ± width/2} map linearly onto black..white,
 * everything outside is clipped. Presets follow common radiology practice (HU).
 */
public record Window(String name, double center, double width) {
  public static final Window LUNG = new Window("lung", -600, 1500);
  public static final Window SOFT_TISSUE = new Window("soft tissue", 40, 400);
  public static final Window BONE = new Window("bone", 400, 1800);

  public Window {
    if (!(width > 0) || !Double.isFinite(center)) {
      throw new IllegalArgumentException("window width must be > 0 and center finite, got center "
          + center + " width " + width);
    }
  }

  public static Window of(double center, double width) {
    return new Window("custom", center, width);
  }

  /** A window spanning [lo, hi], e.g. [0, 1] for a min-max normalised volume. */
  public static Window range(double lo, double hi) {
    return new Window("range", (lo + hi) / 2, hi - lo);
  }

  /** The window from a volume's own minimum to maximum (a flat volume gets width 1). */
  public static Window minMax(float[] values) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (float v : values) {
      if (Float.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!Double.isFinite(lo)) {
      return range(0, 1);
    }
    return hi > lo ? range(lo, hi) : range(lo, lo + 1);
  }

  public double lower() {
    return center - width / 2;
  }

  public double upper() {
    return center + width / 2;
  }

  /** Grey level 0..255 of an intensity (NaN shows black). */
  public int gray(double value) {
    if (Double.isNaN(value)) {
      return 0;
    }
    double t = (value - lower()) / width;
    return (int) Math.round(255 * Math.max(0, Math.min(1, t)));
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%s window (C %.0f, W %.0f)", name, center, width);
  }
}
