package org.scribe3d.phantom;

/**
 * One layer of the phantom: a world-space bounding box (body frame, mm) and a painter called for
 * every voxel centre inside it, in painting order, so later shapes cover earlier ones.
 */
record Shape(double x0, double x1, double y0, double y1, double z0, double z1, Painter painter) {

  /** Paints one voxel: reads and may overwrite the cell's label and HU. */
  @FunctionalInterface
  interface Painter {
    void paint(double x, double y, double z, Cell c);
  }

  /** The voxel being painted; HU defaults come from the case's tissue table. */
  static final class Cell {
    final float[] table;
    int label;
    float hu;

    Cell(float[] table) {
      this.table = table;
    }

    void set(int l) {
      label = l;
      hu = table[l];
    }

    void set(int l, float h) {
      label = l;
      hu = h;
    }
  }

  static Shape box(double cx, double cy, double cz, double rx, double ry, double rz, Painter p) {
    return new Shape(cx - rx, cx + rx, cy - ry, cy + ry, cz - rz, cz + rz, p);
  }

  /** Squared normalised radius of an axis-aligned ellipsoid (≤ 1 inside). */
  static double ell(double x, double y, double z, double cx, double cy, double cz, double ax, double ay,
      double az) {
    double u = (x - cx) / ax;
    double v = (y - cy) / ay;
    double w = (z - cz) / az;
    return u * u + v * v + w * w;
  }

  /** Squared distance from a point to the segment p0-p1. */
  static double segDist2(double x, double y, double z, double[] p0, double[] p1) {
    double vx = p1[0] - p0[0];
    double vy = p1[1] - p0[1];
    double vz = p1[2] - p0[2];
    double wx = x - p0[0];
    double wy = y - p0[1];
    double wz = z - p0[2];
    double len2 = vx * vx + vy * vy + vz * vz;
    double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, (wx * vx + wy * vy + wz * vz) / len2));
    double dx = wx - t * vx;
    double dy = wy - t * vy;
    double dz = wz - t * vz;
    return dx * dx + dy * dy + dz * dz;
  }

  /** A capsule (tube with round ends) of radius r from p0 to p1. */
  static Shape capsule(double[] p0, double[] p1, double r, Painter inside) {
    double r2 = r * r;
    return new Shape(Math.min(p0[0], p1[0]) - r, Math.max(p0[0], p1[0]) + r,
        Math.min(p0[1], p1[1]) - r, Math.max(p0[1], p1[1]) + r,
        Math.min(p0[2], p1[2]) - r, Math.max(p0[2], p1[2]) + r,
        (x, y, z, c) -> {
          if (segDist2(x, y, z, p0, p1) <= r2) {
            inside.paint(x, y, z, c);
          }
        });
  }

  static Shape ellipsoid(double cx, double cy, double cz, double ax, double ay, double az, Painter inside) {
    return box(cx, cy, cz, ax, ay, az, (x, y, z, c) -> {
      if (ell(x, y, z, cx, cy, cz, ax, ay, az) <= 1) {
        inside.paint(x, y, z, c);
      }
    });
  }
}
