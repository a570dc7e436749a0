package org.scribe3d.notebook;

import org.scribe3d.volume.Orientation;

/**
 * For slice views: which voxel axis runs along each world (RAS+) axis and in which direction,
 * from nibabel's io_orientation ({@link Orientation#ioOrientation}). An axis io_orientation cannot
 * place (degenerate affine) takes the world axis left over, pointing along it.
 */
final class ViewAxes {
  private final int[] voxelOfWorld = {-1, -1, -1};
  private final int[] sign = new int[3];

  ViewAxes(double[][] affine) {
    int[][] ornt = Orientation.ioOrientation(affine);
    boolean[] used = new boolean[3];
    for (int v = 0; v < 3; v++) {
      if (ornt[v][0] >= 0) {
        voxelOfWorld[ornt[v][0]] = v;
        sign[v] = ornt[v][1];
        used[ornt[v][0]] = true;
      }
    }
    for (int v = 0; v < 3; v++) {
      if (ornt[v][0] < 0) {
        for (int w = 0; w < 3; w++) {
          if (!used[w]) {
            used[w] = true;
            voxelOfWorld[w] = v;
            sign[v] = 1;
            break;
          }
        }
      }
    }
  }

  /** The voxel axis (0, 1, 2) running along world axis {@code world}. */
  int voxelAxis(int world) {
    return voxelOfWorld[world];
  }

  /** +1 if increasing the index along {@code voxelAxis} increases its world coordinate. */
  int sign(int voxelAxis) {
    return sign[voxelAxis];
  }
}
