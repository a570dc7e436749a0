package org.scribe3d.volume;

/** Small 4x4 affine helpers. */
public final class Affines {
  private Affines() {}

  public static double[][] multiply(double[][] a, double[][] b) {
    double[][] c = new double[4][4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        double s = 0;
        for (int k = 0; k < 4; k++) {
          s += a[i][k] * b[k][j];
        }
        c[i][j] = s;
      }
    }
    return c;
  }

  /** An affine that shifts voxel indices by (di, dj, dk): new index 0 is old index d. */
  public static double[][] translateIndex(double[][] a, int di, int dj, int dk) {
    double[][] t = {{1, 0, 0, di}, {0, 1, 0, dj}, {0, 0, 1, dk}, {0, 0, 0, 1}};
    return multiply(a, t);
  }
}
