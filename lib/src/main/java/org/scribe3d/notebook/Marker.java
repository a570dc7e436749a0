package org.scribe3d.notebook;

import java.awt.Color;
import java.util.Arrays;

/**
 * A location to mark on slice views: a point or an axis-aligned box, given in voxel indices
 * (i, j, k) or in world millimetres (RAS+, converted through the volume's affine), with a label.
 * Ground-truth finding locations are drawn with these.
 */
public record Marker(Kind kind, boolean world, double[] a, double[] b, String label, Color color) {
  public enum Kind { POINT, BOX }

  public Marker {
    if (a == null || a.length != 3 || (kind == Kind.BOX && (b == null || b.length != 3))) {
      throw new IllegalArgumentException("a marker needs 3 coordinates per corner");
    }
    a = a.clone();
    b = b == null ? null : b.clone();
    color = color == null ? new Color(255, 64, 64) : color;
    label = label == null ? "" : label;
  }

  public static Marker voxelPoint(double i, double j, double k, String label) {
    return new Marker(Kind.POINT, false, new double[] {i, j, k}, null, label, null);
  }

  public static Marker worldPoint(double x, double y, double z, String label) {
    return new Marker(Kind.POINT, true, new double[] {x, y, z}, null, label, null);
  }

  /** A box between two opposite voxel corners (inclusive). */
  public static Marker voxelBox(double[] corner1, double[] corner2, String label) {
    return new Marker(Kind.BOX, false, corner1, corner2, label, null);
  }

  public static Marker worldBox(double[] corner1, double[] corner2, String label) {
    return new Marker(Kind.BOX, true, corner1, corner2, label, null);
  }

  public Marker withColor(Color c) {
    return new Marker(kind, world, a, b, label, c);
  }

  /** Corner(s) in voxel coordinates of a volume with this affine. */
  double[][] voxelCorners(double[][] affine) {
    double[] p = world ? toVoxel(affine, a) : a.clone();
    if (kind == Kind.POINT) {
      return new double[][] {p};
    }
    double[] q = world ? toVoxel(affine, b) : b.clone();
    return new double[][] {p, q};
  }

  /** Inverts world = A·voxel + t for the voxel coordinates (Gaussian elimination, 3x3). */
  static double[] toVoxel(double[][] affine, double[] world) {
    double[][] m = new double[3][4];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        m[r][c] = affine[r][c];
      }
      m[r][3] = world[r] - affine[r][3];
    }
    for (int col = 0; col < 3; col++) {
      int piv = col;
      for (int r = col + 1; r < 3; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
          piv = r;
        }
      }
      if (Math.abs(m[piv][col]) < 1e-12) {
        throw new IllegalArgumentException("affine is singular: " + Arrays.deepToString(affine));
      }
      double[] tmp = m[col];
      m[col] = m[piv];
      m[piv] = tmp;
      for (int r = 0; r < 3; r++) {
        if (r != col) {
          double f = m[r][col] / m[col][col];
          for (int c = col; c < 4; c++) {
            m[r][c] -= f * m[col][c];
          }
        }
      }
    }
    return new double[] {m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]};
  }
}
