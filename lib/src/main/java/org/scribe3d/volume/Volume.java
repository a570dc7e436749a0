package org.scribe3d.volume;

import java.util.Arrays;

/**
 * A 3D scalar image: float voxels plus geometry.
 *
 * <p>Voxels are stored with the first axis (i, "x") fastest: index = i + nx * (j + ny * k), exactly
 * the NIfTI on-disk order. Read as a row-major array that is [k][j][i], i.e. the model's D×H×W
 * tensor with D = third axis, H = second, W = first. The affine maps voxel indices (i, j, k, 1) to
 * world millimetres in RAS+ (NIfTI/nibabel convention).
 */
public final class Volume {
  private final float[] voxels;
  private final int nx;
  private final int ny;
  private final int nz;
  private final double[][] affine;

  public Volume(float[] voxels, int nx, int ny, int nz, double[][] affine) {
    if (nx <= 0 || ny <= 0 || nz <= 0) {
      throw new IllegalArgumentException("volume dimensions must be positive: " + nx + "x" + ny + "x" + nz);
    }
    if ((long) nx * ny * nz != voxels.length) {
      throw new IllegalArgumentException("voxel count " + voxels.length + " does not match shape "
          + nx + "x" + ny + "x" + nz);
    }
    if (affine.length != 4 || Arrays.stream(affine).anyMatch(r -> r.length != 4)) {
      throw new IllegalArgumentException("affine must be 4x4");
    }
    this.voxels = voxels;
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
    this.affine = deepCopy(affine);
  }

  /** A volume with a diagonal affine of the given spacing (mm) and origin 0. */
  public static Volume withSpacing(float[] voxels, int nx, int ny, int nz, double sx, double sy, double sz) {
    double[][] a = {{sx, 0, 0, 0}, {0, sy, 0, 0}, {0, 0, sz, 0}, {0, 0, 0, 1}};
    return new Volume(voxels, nx, ny, nz, a);
  }

  /** The voxel array itself (not a copy): index = i + nx * (j + ny * k). */
  public float[] voxels() {
    return voxels;
  }

  public int nx() {
    return nx;
  }

  public int ny() {
    return ny;
  }

  public int nz() {
    return nz;
  }

  /** Shape in storage order {nx, ny, nz}. */
  public int[] shape() {
    return new int[] {nx, ny, nz};
  }

  /** Shape as the model sees it: {D, H, W} = {nz, ny, nx}. */
  public int[] dhw() {
    return new int[] {nz, ny, nx};
  }

  public int index(int i, int j, int k) {
    return i + nx * (j + ny * k);
  }

  public float get(int i, int j, int k) {
    return voxels[index(i, j, k)];
  }

  /** A copy of the 4x4 voxel-to-world affine. */
  public double[][] affine() {
    return deepCopy(affine);
  }

  /** Voxel spacing in mm along each storage axis: the norms of the affine's first three columns. */
  public double[] spacing() {
    double[] s = new double[3];
    for (int c = 0; c < 3; c++) {
      double sum = 0;
      for (int r = 0; r < 3; r++) {
        sum += affine[r][c] * affine[r][c];
      }
      s[c] = Math.sqrt(sum);
    }
    return s;
  }

  /** Same geometry, new voxels. */
  public Volume withVoxels(float[] newVoxels) {
    return new Volume(newVoxels, nx, ny, nz, affine);
  }

  private static double[][] deepCopy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }

  @Override
  public String toString() {
    double[] s = spacing();
    return String.format("Volume[%dx%dx%d, spacing %.3fx%.3fx%.3f mm]", nx, ny, nz, s[0], s[1], s[2]);
  }
}
