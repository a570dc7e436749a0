package org.scribe3d.volume;

/**
 * Voxel-axis orientation of an affine, as nibabel's {@code io_orientation}, {@code aff2axcodes},
 * {@code apply_orientation} and {@code inv_ornt_aff} define it.
 *
 * <p>An orientation is one row per voxel axis i: {@code [outAxis, sign]}, the world axis (0 = x
 * (R), 1 = y (A), 2 = z (S)) that voxel axis i follows most closely and whether it points along
 * (+1) or against (-1) it. Axes of a degenerate (rank-deficient) affine get {@code [-1, 0]}.
 */
public final class Orientation {
  private static final char[][] LABELS = {{'L', 'R'}, {'P', 'A'}, {'I', 'S'}};

  private Orientation() {}

  /** nibabel {@code io_orientation(affine)} for a 4x4 affine (3 voxel axes, 3 world axes). */
  public static int[][] ioOrientation(double[][] affine) {
    double[][] rs = new double[3][3];
    for (int c = 0; c < 3; c++) {
      double z = 0;
      for (int r = 0; r < 3; r++) {
        z += affine[r][c] * affine[r][c];
      }
      z = Math.sqrt(z);
      if (z == 0) {
        z = 1; // a zero column stays zero
      }
      for (int r = 0; r < 3; r++) {
        rs[r][c] = affine[r][c] / z;
      }
    }
    double[][] rot = closestOrthogonal(rs);
    int[][] ornt = new int[3][];
    for (int in = 0; in < 3; in++) {
      boolean allZero = true;
      for (int r = 0; r < 3; r++) {
        // np.allclose(col, 0): |x| <= 1e-8
        allZero &= Math.abs(rot[r][in]) <= 1e-8;
      }
      if (allZero) {
        ornt[in] = new int[] {-1, 0};
        continue;
      }
      int out = 0;
      for (int r = 1; r < 3; r++) {
        if (Math.abs(rot[r][in]) > Math.abs(rot[out][in])) {
          out = r;
        }
      }
      ornt[in] = new int[] {out, rot[out][in] < 0 ? -1 : 1};
      for (int c = 0; c < 3; c++) {
        rot[out][c] = 0; // each world axis is used once
      }
    }
    return ornt;
  }

  /** nibabel {@code aff2axcodes}, e.g. "RAS" or "LPS"; '?' for an axis that cannot be placed. */
  public static String axcodes(double[][] affine) {
    int[][] o = ioOrientation(affine);
    StringBuilder sb = new StringBuilder(3);
    for (int[] row : o) {
      sb.append(row[0] < 0 ? '?' : LABELS[row[0]][row[1] < 0 ? 0 : 1]);
    }
    return sb.toString();
  }

  /** True when the orientation is the identity (already closest to RAS). */
  public static boolean isCanonical(int[][] ornt) {
    for (int i = 0; i < 3; i++) {
      if (ornt[i][0] != i || ornt[i][1] != 1) {
        return false;
      }
    }
    return true;
  }

  /**
   * nibabel {@code inv_ornt_aff(ornt, shape)}: the affine from voxel indices of the reoriented
   * array back to voxel indices of the original one (shape = original shape).
   */
  public static double[][] invOrntAffine(int[][] ornt, int[] shape) {
    double[][] m = new double[4][4];
    for (int i = 0; i < 3; i++) {
      double c = -(shape[i] - 1) / 2.0;
      m[i][ornt[i][0]] = ornt[i][1];
      m[i][3] = ornt[i][1] * c - c;
    }
    m[3][3] = 1;
    return m;
  }

  /**
   * The closest orthogonal matrix to a (polar decomposition U Vᵀ from the SVD a = U S Vᵀ),
   * dropping singular values below nibabel's tolerance S.max * 3 * eps.
   */
  static double[][] closestOrthogonal(double[][] a) {
    double[][] u = new double[3][3];
    double[][] v = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    for (int r = 0; r < 3; r++) {
      u[r] = a[r].clone();
    }
    // one-sided Jacobi: rotate columns of u until they are orthogonal; u = a v then holds U S
    for (int sweep = 0; sweep < 60; sweep++) {
      boolean rotated = false;
      for (int p = 0; p < 2; p++) {
        for (int q = p + 1; q < 3; q++) {
          double alpha = 0;
          double beta = 0;
          double gamma = 0;
          for (int r = 0; r < 3; r++) {
            alpha += u[r][p] * u[r][p];
            beta += u[r][q] * u[r][q];
            gamma += u[r][p] * u[r][q];
          }
          if (gamma == 0 || Math.abs(gamma) <= 1e-300 + Math.ulp(1.0) * Math.sqrt(alpha * beta)) {
            continue;
          }
          rotated = true;
          double zeta = (beta - alpha) / (2 * gamma);
          double t = Math.signum(zeta == 0 ? 1 : zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          double c = 1 / Math.sqrt(1 + t * t);
          double s = c * t;
          for (int r = 0; r < 3; r++) {
            double up = u[r][p];
            double uq = u[r][q];
            u[r][p] = c * up - s * uq;
            u[r][q] = s * up + c * uq;
            double vp = v[r][p];
            double vq = v[r][q];
            v[r][p] = c * vp - s * vq;
            v[r][q] = s * vp + c * vq;
          }
        }
      }
      if (!rotated) {
        break;
      }
    }
    double[] sv = new double[3];
    double smax = 0;
    for (int k = 0; k < 3; k++) {
      double n = 0;
      for (int r = 0; r < 3; r++) {
        n += u[r][k] * u[r][k];
      }
      sv[k] = Math.sqrt(n);
      smax = Math.max(smax, sv[k]);
    }
    double tol = smax * 3 * Math.ulp(1.0);
    double[][] out = new double[3][3];
    for (int k = 0; k < 3; k++) {
      if (!(sv[k] > tol)) {
        continue;
      }
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          out[r][c] += u[r][k] / sv[k] * v[c][k];
        }
      }
    }
    return out;
  }
}
