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

  /** The inverse of an affine [R t; 0 1]: [R⁻¹, −R⁻¹t; 0 1]. */
  public static double[][] invert(double[][] a) {
    double[][] r = new double[3][3];
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    if (!(Math.abs(det) > 1e-12)) {
      throw new IllegalArgumentException("the affine is singular (det " + det + ")");
    }
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) { // cofactor of a[j][i] over det
        int r0 = (j + 1) % 3;
        int r1 = (j + 2) % 3;
        int c0 = (i + 1) % 3;
        int c1 = (i + 2) % 3;
        r[i][j] = (a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0]) / det;
      }
    }
    double[][] out = new double[4][4];
    for (int i = 0; i < 3; i++) {
      double t = 0;
      for (int j = 0; j < 3; j++) {
        out[i][j] = r[i][j];
        t += r[i][j] * a[j][3];
      }
      out[i][3] = -t;
    }
    out[3][3] = 1;
    return out;
  }
}
