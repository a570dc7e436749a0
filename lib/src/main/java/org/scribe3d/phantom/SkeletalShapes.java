package org.scribe3d.phantom;

import static org.scribe3d.phantom.Shape.capsule;
import static org.scribe3d.phantom.Shape.ell;
import static org.scribe3d.phantom.Shape.ellipsoid;

import java.util.List;

/**
 * The bones of the {@link Anatomy}: vertebrae level by level (body, disc, canal with cord or CSF,
 * arch and processes), sacrum, ribs with costal cartilage, sternum, clavicles, iliac wings, femora and
 * pubic and ischial rami. Painted last, so bone covers the soft tissue it passes through.
 */
final class SkeletalShapes {
  private SkeletalShapes() {}

  static void addSpine(Anatomy anat, List<Shape> s) {
    s.add(new Shape(-70, 70, -400, 400, 30 * anat.zs, anat.zEnd + 20, (x, y, z, c) -> {
      if (z < anat.zS1) {
        paintSacrum(anat, x, y, z, c);
        return;
      }
      double yc = anat.yCanal(z);
      if (x > 45 || x < -45 || y < yc - 40 || y > yc + 65) {
        return;
      }
      double[] l = anat.level(z);
      if (l == null) {
        return;
      }
      double yv = yc + 11 + l[3];
      // canal (CSF, cord above L1)
      double dcx = x;
      double dcy = y - yc;
      double rc2 = dcx * dcx + dcy * dcy;
      if (rc2 <= 64) {
        c.set(z > anat.levels.get(4)[1] && rc2 <= 25 ? Tissue.CORD : Tissue.CSF);
        return;
      }
      boolean inBody = z >= l[0];
      double u = x / l[2];
      double v = (y - yv) / l[3];
      double e = u * u + v * v;
      if (e <= 1) {
        if (!inBody) {
          c.set(Tissue.DISC);
        } else {
          double ui = x / (l[2] - 2.5);
          double vi = (y - yv) / (l[3] - 2.5);
          boolean cortex = ui * ui + vi * vi > 1 || z - l[0] < 1.5 || l[1] - z < 1.5;
          c.set(cortex ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
        }
        return;
      }
      if (!inBody) {
        return;
      }
      double h = l[1] - l[0];
      double zm = (l[0] + l[1]) / 2;
      boolean midHeight = Math.abs(z - zm) < 0.35 * h;
      // neural arch around the canal, pedicles, spinous and transverse processes
      boolean arch = rc2 <= 14 * 14 && y <= yc + 2;
      boolean pedicle = Math.abs(x) >= 6 && Math.abs(x) <= 13 && y > yc && y < yv - l[3] + 2;
      boolean spinous = Math.abs(x) <= 3.5 && y < yc - 12 && y > yc - 38 && midHeight;
      boolean transverse = Math.abs(x) >= 12 && Math.abs(x) <= (l[2] > 20 ? 42 : 30)
          && Math.abs(y - (yc + 2)) <= 5 && midHeight;
      if (arch || pedicle || spinous || transverse) {
        c.set(Tissue.BONE_CORTEX);
      }
    }));
  }

  private static void paintSacrum(Anatomy anat, double x, double y, double z, Shape.Cell c) {
    double bottom = 35 * anat.zs;
    if (z < bottom) {
      return;
    }
    double f = (z - bottom) / (anat.zS1 - bottom);
    double yc = anat.yV(anat.zS1) - 0.45 * (anat.zS1 - z);
    double hx = 18 + 40 * f;
    double hy = 10 + 6 * f;
    double u = x / hx;
    double v = (y - yc) / hy;
    double e = u * u + v * v;
    if (e > 1) {
      return;
    }
    double ui = x / (hx - 2.5);
    double vi = (y - yc) / (hy - 2.5);
    c.set(ui * ui + vi * vi > 1 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
  }

  private static final double COS_RIB_START = StrictMath.cos(0.22);
  private static final double[] COS_RIB_END = new double[13];
  private static final double[] COS_CARTILAGE_END = new double[13];

  static {
    for (int n = 1; n <= 12; n++) {
      double endDeg = n <= 7 ? 150 : n <= 10 ? 140 : n == 11 ? 110 : 90;
      double cartDeg = n <= 7 ? 174 : n <= 10 ? 165 : endDeg;
      COS_RIB_END[n] = StrictMath.cos(Math.toRadians(endDeg));
      COS_CARTILAGE_END[n] = StrictMath.cos(Math.toRadians(cartDeg));
    }
  }

  static void addRibs(Anatomy anat, List<Shape> s) {
    // rib n leaves thoracic vertebra n at its mid-height and falls as it runs anteriorly
    int nT = 12;
    double[] zRib = new double[nT + 1];
    for (int i = 0; i < anat.levels.size(); i++) {
      String n = anat.levelNames.get(i);
      if (n.startsWith("T")) {
        int t = Integer.parseInt(n.substring(1));
        zRib[t] = (anat.levels.get(i)[0] + anat.levels.get(i)[1]) / 2;
      }
    }
    double zLow = zRib[12] - 70;
    s.add(new Shape(-400, 400, -400, 400, zLow, zRib[1] + 10, (x, y, z, c) -> {
      if (c.label == Tissue.AIR) {
        return;
      }
      double a = anat.bodyA(z) - anat.fat - 5;
      double b = anat.bodyB(z) - anat.fat - 5;
      // angle around the body from the posterior midline: cos = -y/r (1 posterior, -1 anterior)
      double r = Math.sqrt(x * x + y * y);
      if (r < 1) {
        return;
      }
      double sn = Math.abs(x) / r;
      double cs = -y / r;
      double re = a * b / Math.sqrt(b * b * sn * sn + a * a * cs * cs);
      double d = r - re;
      if (Math.abs(d) > 5.5 || cs > COS_RIB_START) {
        return;
      }
      for (int n = 1; n <= nT; n++) {
        double drop = (55 + 4 * n) * anat.zs;
        double zc = zRib[n] - drop * (1 - cs) / 2;
        double dz = z - zc;
        if (Math.abs(dz) > 6) {
          continue;
        }
        double q = (d / 5.5) * (d / 5.5) + (dz / 6) * (dz / 6);
        if (q > 1) {
          continue;
        }
        if (cs >= COS_RIB_END[n]) {
          c.set(q > 0.45 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
          return;
        } else if (cs >= COS_CARTILAGE_END[n]) {
          c.set(Tissue.CARTILAGE);
          return;
        }
      }
    }));
    // sternum
    double zTop = zRib[1] + 5;
    double zBot = zRib[7] - 30 * anat.zs;
    s.add(new Shape(-20, 20, -400, 400, zBot, zTop, (x, y, z, c) -> {
      double yc = anat.bodyB(z) - anat.fat - 6;
      double u = x / 15;
      double v = (y - yc) / 6;
      if (u * u + v * v <= 1 && c.label != Tissue.AIR) {
        double ui = x / 13;
        double vi = (y - yc) / 4;
        c.set(ui * ui + vi * vi > 1 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
      }
    }));
    // clavicles
    for (int side = -1; side <= 1; side += 2) {
      double[] p0 = {side * 18, anat.bodyB(zTop) - anat.fat - 8, zTop + 4};
      double[] p1 = {side * 0.85 * anat.bodyA(zTop + 15), -10, zTop + 22};
      s.add(capsule(p0, p1, 7, (x, y, z, c) -> {
        if (c.label != Tissue.AIR) {
          c.set(Tissue.BONE_CORTEX);
        }
      }));
    }
  }

  static void addPelvicBones(Anatomy anat, List<Shape> s) {
    double cap = anat.ca(120 * anat.zs);
    double cbp = anat.cb(120 * anat.zs);
    double ap = anat.bodyA(15 * anat.zs);
    for (int side = -1; side <= 1; side += 2) {
      final int sd = side;
      // iliac wing: the postero-lateral part of an ellipsoidal shell
      double cx = sd * 0.5 * cap;
      double cy = anat.yV(120 * anat.zs) - 5;
      double cz = 120 * anat.zs;
      double ax = 0.45 * cap;
      double ay = 0.62 * cbp;
      double az = 82 * anat.zs;
      s.add(ellipsoid(cx, cy, cz, ax, ay, az, (x, y, z, c) -> {
        if (z < 62 * anat.zs || c.label == Tissue.AIR) {
          return;
        }
        if (sd * (x - cx) < -0.45 * ax || y - cy > 0.45 * ay || sd * x < 0.28 * cap) {
          return;
        }
        double inner = ell(x, y, z, cx, cy, cz, ax - 9, ay - 9, az - 9);
        if (inner > 1) {
          double mid = ell(x, y, z, cx, cy, cz, ax - 2.5, ay - 2.5, az - 2.5);
          c.set(mid > 1 || inner < 1.08 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
        }
      }));
      // femoral head in the acetabulum, neck, shaft
      double[] head = {sd * 0.56 * ap, -8, 15 * anat.zs};
      double hr = 24;
      s.add(ellipsoid(head[0], head[1], head[2], hr + 11, hr + 11, hr + 11, (x, y, z, c) -> {
        double d = Math.sqrt(ell(x, y, z, head[0], head[1], head[2], 1, 1, 1));
        if (d <= hr) {
          c.set(d > hr - 3 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
        } else if (d > hr + 2 && sd * (x - head[0]) < 0.35 * d && z > head[2] - 0.3 * d) {
          c.set(d > hr + 8 || d < hr + 4 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
        }
      }));
      double[] troch = {sd * 0.76 * ap, -12, -8 * anat.zs};
      double[] knee = {sd * 0.7 * ap, -5, -160 * anat.zs};
      s.add(capsule(head, troch, 15, (x, y, z, c) -> {
        if (c.label != Tissue.BONE_CORTEX) {
          c.set(Shape.segDist2(x, y, z, head, troch) > 12 * 12 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
        }
      }));
      s.add(capsule(troch, knee, 14, (x, y, z, c) ->
          c.set(Shape.segDist2(x, y, z, troch, knee) > 10 * 10 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW)));
      // pubic and ischial rami
      double[] pub0 = {sd * (0.56 * ap - 20), 8, 22 * anat.zs};
      double[] pub1 = {sd * 16, 0.62 * anat.cb(25 * anat.zs), 22 * anat.zs};
      double[] isc0 = {sd * (0.56 * ap - 8), -22, 0};
      double[] isc1 = {sd * 0.42 * ap, -40, -25 * anat.zs};
      double[] isc2 = {sd * 16, 0.5 * anat.cb(10 * anat.zs), 8 * anat.zs};
      for (double[][] seg : new double[][][] {{pub0, pub1}, {isc0, isc1}, {isc1, isc2}}) {
        double r = seg[0] == isc0 ? 13 : 9;
        s.add(capsule(seg[0], seg[1], r, (x, y, z, c) -> {
          if (c.label != Tissue.AIR) {
            c.set(Shape.segDist2(x, y, z, seg[0], seg[1]) > (r - 2.5) * (r - 2.5)
                ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
          }
        }));
      }
    }
  }
}
