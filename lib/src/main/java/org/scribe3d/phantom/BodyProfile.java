package org.scribe3d.phantom;

/**
 * The body outline as a table: lateral (A) and antero-posterior (B) semi-axes of the body ellipse in
 * mm at reference heights (z in mm above the pubic symphysis for a body of scale 1), from the thighs to
 * the neck, interpolated linearly. The painters ask for it at every voxel, so it is pre-sampled every
 * 0.25 mm.
 */
final class BodyProfile {
  private BodyProfile() {}

  private static final double[] KZ = {-60, 100, 200, 300, 400, 480, 560, 660};
  private static final double[] KA = {172, 178, 163, 156, 160, 166, 160, 125};
  private static final double[] KB = {108, 114, 110, 114, 112, 108, 100, 84};

  private static final double PROFILE_Z0 = -100;
  private static final double PROFILE_STEP = 0.25;
  private static final double[] PROFILE_A = table(KA);
  private static final double[] PROFILE_B = table(KB);

  /** Lateral semi-axis at normalised height {@code zn} (body z divided by the case's height scale). */
  static double semiA(double zn) {
    return lookup(PROFILE_A, zn);
  }

  /** Antero-posterior semi-axis at normalised height {@code zn}. */
  static double semiB(double zn) {
    return lookup(PROFILE_B, zn);
  }

  private static double[] table(double[] kv) {
    double[] t = new double[(int) ((800 - PROFILE_Z0) / PROFILE_STEP) + 2];
    for (int i = 0; i < t.length; i++) {
      t[i] = interp(PROFILE_Z0 + i * PROFILE_STEP, KZ, kv);
    }
    return t;
  }

  private static double lookup(double[] t, double zn) {
    double f = (zn - PROFILE_Z0) / PROFILE_STEP;
    if (f <= 0) {
      return t[0];
    }
    if (f >= t.length - 1) {
      return t[t.length - 1];
    }
    int i = (int) f;
    double w = f - i;
    return t[i] + w * (t[i + 1] - t[i]);
  }

  private static double interp(double z, double[] kz, double[] kv) {
    if (z <= kz[0]) {
      return kv[0];
    }
    for (int i = 1; i < kz.length; i++) {
      if (z <= kz[i]) {
        double t = (z - kz[i - 1]) / (kz[i] - kz[i - 1]);
        return kv[i - 1] + t * (kv[i] - kv[i - 1]);
      }
    }
    return kv[kv.length - 1];
  }
}
