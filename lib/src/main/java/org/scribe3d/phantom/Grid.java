package org.scribe3d.phantom;

/**
 * The voxel grid of one phantom image: an axis-aligned affine whose first two axes run either
 * towards R and A (RAS storage) or towards L and P (LPS storage, as DICOM-derived scans often are);
 * the third axis always runs towards S. World coordinates are RAS+ millimetres (NIfTI convention),
 * so the anatomy is the same in world space whichever storage order was chosen.
 */
final class Grid {
  final int nx;
  final int ny;
  final int nz;
  /** Signed steps (mm) of the world x, y, z per voxel index step. */
  final double dx;
  final double dy;
  final double dz;
  /** World coordinates of voxel (0,0,0). */
  final double ox;
  final double oy;
  final double oz;
  final String orientation;

  Grid(int nx, int ny, int nz, double dx, double dy, double dz, double ox, double oy, double oz) {
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
    this.dx = dx;
    this.dy = dy;
    this.dz = dz;
    this.ox = ox;
    this.oy = oy;
    this.oz = oz;
    this.orientation = "" + (dx > 0 ? 'R' : 'L') + (dy > 0 ? 'A' : 'P') + (dz > 0 ? 'S' : 'I');
  }

  double x(double i) {
    return ox + dx * i;
  }

  double y(double j) {
    return oy + dy * j;
  }

  double z(double k) {
    return oz + dz * k;
  }

  /** Continuous voxel index of a world x (and so on). */
  double i(double x) {
    return (x - ox) / dx;
  }

  double j(double y) {
    return (y - oy) / dy;
  }

  double k(double z) {
    return (z - oz) / dz;
  }

  int index(int i, int j, int k) {
    return i + nx * (j + ny * k);
  }

  boolean inside(int i, int j, int k) {
    return i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz;
  }

  double sx() {
    return Math.abs(dx);
  }

  double sy() {
    return Math.abs(dy);
  }

  double sz() {
    return Math.abs(dz);
  }

  double maxSpacing() {
    return Math.max(sx(), Math.max(sy(), sz()));
  }

  double maxInPlane() {
    return Math.max(sx(), sy());
  }

  long voxels() {
    return (long) nx * ny * nz;
  }

  double[][] affine() {
    return new double[][] {{dx, 0, 0, ox}, {0, dy, 0, oy}, {0, 0, dz, oz}, {0, 0, 0, 1}};
  }

  /** Index range [lo, hi] of voxels whose centres lie in the world interval [a, b] along one axis. */
  static int[] range(double a, double b, double origin, double step, int n) {
    double u = (a - origin) / step;
    double v = (b - origin) / step;
    int lo = (int) Math.ceil(Math.min(u, v) - 1e-9);
    int hi = (int) Math.floor(Math.max(u, v) + 1e-9);
    return new int[] {Math.max(0, lo), Math.min(n - 1, hi)};
  }
}
