package org.scribe3d.notebook;

/**
 * Which world (RAS+) axis each voxel axis runs along, and in which direction, read from the 3x3
 * part of a voxel-to-world affine by picking the dominant component of each column (a permutation
 * is enforced, so an oblique affine still maps to three distinct axes). Agrees with nibabel's
 * {@code aff2axcodes} for affines that are not far from axis-aligned.
 */
public final class Orientation {
  private static final String[][] CODES = {{"L", "R"}, {"P", "A"}, {"I", "S"}};

  private final int[] worldOfVoxel = new int[3];
  private final int[] voxelOfWorld = new int[3];
  private final int[] sign = new int[3];

  public Orientation(double[][] affine) {
    boolean[] usedWorld = new boolean[3];
    boolean[] usedVoxel = new boolean[3];
    // assign the strongest remaining (world, voxel) pair first
    for (int n = 0; n < 3; n++) {
      double best = -1;
      int bw = -1;
      int bv = -1;
      for (int w = 0; w < 3; w++) {
        for (int v = 0; v < 3; v++) {
          if (!usedWorld[w] && !usedVoxel[v]) {
            double norm = columnNorm(affine, v);
            double a = norm > 0 ? Math.abs(affine[w][v]) / norm : 0;
            if (a > best) {
              best = a;
              bw = w;
              bv = v;
            }
          }
        }
      }
      usedWorld[bw] = true;
      usedVoxel[bv] = true;
      worldOfVoxel[bv] = bw;
      voxelOfWorld[bw] = bv;
      sign[bv] = affine[bw][bv] < 0 ? -1 : 1;
    }
  }

  private static double columnNorm(double[][] a, int c) {
    return Math.sqrt(a[0][c] * a[0][c] + a[1][c] * a[1][c] + a[2][c] * a[2][c]);
  }

  /** The voxel axis (0, 1, 2) running along world axis {@code world}. */
  public int voxelAxis(int world) {
    return voxelOfWorld[world];
  }

  /** +1 if increasing the voxel index along {@code voxelAxis} increases its world coordinate. */
  public int sign(int voxelAxis) {
    return sign[voxelAxis];
  }

  /** Axis codes like nibabel's aff2axcodes: the direction each voxel axis points to, e.g. "RAS". */
  public String codes() {
    StringBuilder sb = new StringBuilder();
    for (int v = 0; v < 3; v++) {
      sb.append(CODES[worldOfVoxel[v]][sign[v] > 0 ? 1 : 0]);
    }
    return sb.toString();
  }
}
