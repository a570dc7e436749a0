package org.scribe3d.phantom;

import java.util.List;

/**
 * The soft-tissue envelope of the {@link Anatomy}: skin and subcutaneous fat, the muscle wall around
 * the body cavity, paraspinal and psoas muscles, and the diaphragm band that separates the chest from
 * the abdomen. Separate from the organ painters because every other layer is painted inside it.
 */
final class BodyWallShapes {
  private BodyWallShapes() {}

  /** Skin/fat, muscle wall and cavity fat, then paraspinal muscles and both psoas muscles. */
  static void addWall(Anatomy anat, List<Shape> s) {
    double big = 400;
    // body: skin/fat, muscle wall, cavity
    double maxA = 200 * anat.sA;
    double maxB = 130 * anat.sB;
    s.add(new Shape(-maxA, maxA, -maxB, maxB, anat.zStart - 20, anat.zEnd + 20, (x, y, z, c) -> {
      double a = anat.bodyA(z);
      double b = anat.bodyB(z);
      if (x * x / (a * a) + y * y / (b * b) > 1) {
        c.set(Tissue.AIR);
        return;
      }
      double am = a - anat.fat;
      double bm = b - anat.fat;
      if (x * x / (am * am) + y * y / (bm * bm) > 1) {
        c.set(Tissue.FAT);
        return;
      }
      double ac = am - Anatomy.MUSCLE_WALL;
      double bc = bm - Anatomy.MUSCLE_WALL;
      if (z < -5 * anat.zs || z > anat.zApex + 5 || x * x / (ac * ac) + y * y / (bc * bc) > 1) {
        c.set(Tissue.MUSCLE);
      } else {
        c.set(z >= anat.dome(x, y) ? Tissue.MEDIASTINAL_FAT : Tissue.CAVITY_FAT);
      }
    }));
    // paraspinal muscles
    s.add(new Shape(-70, 70, -big, big, anat.zStart - 20, anat.zEnd + 20, (x, y, z, c) -> {
      if (c.label == Tissue.AIR) {
        return;
      }
      double yc = anat.yCanal(z) - 15;
      double u = x / 58;
      double v = (y - yc) / 33;
      if (u * u + v * v <= 1) {
        c.set(Tissue.MUSCLE);
      }
    }));
    // psoas
    for (int side = -1; side <= 1; side += 2) {
      final int sd = side;
      s.add(new Shape(-90, 90, -big, big, 60 * anat.zs, 370 * anat.zs, (x, y, z, c) -> {
        double t = Math.max(0, Math.min(1, (370 * anat.zs - z) / (300 * anat.zs)));
        double r = 6 + 20 * t;
        double cx = sd * (anat.levelRx(z) + r * 0.8 + 2 + 25 * Math.max(0, (150 * anat.zs - z) / (90 * anat.zs)));
        double cy = anat.yV(z) + (z < 150 * anat.zs ? 10 : 0);
        double dx = x - cx;
        double dy = y - cy;
        if (dx * dx + dy * dy <= r * r) {
          c.set(Tissue.MUSCLE);
        }
      }));
    }
  }

  /** A 5 mm muscle band just below the upper surface of the diaphragm, over cavity and mediastinal fat. */
  static void addDiaphragm(Anatomy anat, List<Shape> s) {
    double big = 400;
    s.add(new Shape(-big, big, -big, big, anat.zDomeL - 100, anat.zDomeR + 1, (x, y, z, c) -> {
      if (c.label != Tissue.CAVITY_FAT && c.label != Tissue.MEDIASTINAL_FAT) {
        return;
      }
      double d = anat.dome(x, y);
      if (z <= d && z > d - 5) {
        c.set(Tissue.DIAPHRAGM);
      }
    }));
  }
}
