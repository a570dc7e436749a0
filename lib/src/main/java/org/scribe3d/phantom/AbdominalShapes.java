package org.scribe3d.phantom;

import static org.scribe3d.phantom.Shape.capsule;
import static org.scribe3d.phantom.Shape.ell;
import static org.scribe3d.phantom.Shape.ellipsoid;

import java.util.List;

/**
 * The abdomen and pelvis of the {@link Anatomy}: colon, small-bowel loops and stomach (with gas-fluid
 * levels), liver by Couinaud segment, pancreas, spleen, kidneys with perirenal fat, and the bladder,
 * whose wall thickness and label carry the bladder-wall finding.
 */
final class AbdominalShapes {
  private AbdominalShapes() {}

  static void addBowel(Anatomy anat, List<Shape> s) {
    double zc = 240 * anat.zs;
    double cac = anat.ca(zc);
    double cbc = anat.cb(zc);
    double[][] colon = {
        {0.75 * cac, -0.15 * cbc, 150 * anat.zs}, {0.78 * cac, -0.1 * cbc, 300 * anat.zs},
        {0.45 * cac, 0.55 * cbc, 305 * anat.zs}, {-0.45 * cac, 0.55 * cbc, 315 * anat.zs},
        {-0.78 * cac, 0.05 * cbc, 330 * anat.zs}, {-0.78 * cac, -0.15 * cbc, 160 * anat.zs},
        {-0.3 * cac, 0.1 * cbc, 95 * anat.zs}, {0, -0.45 * anat.cb(90 * anat.zs), 85 * anat.zs},
        {0, -0.5 * anat.cb(0), -20 * anat.zs}};
    int g = 0;
    for (int i = 0; i + 1 < colon.length; i++) {
      double r = i >= 6 ? 16 : 21;
      s.add(bowelSegment(colon[i], colon[i + 1], r, anat.bowelGas[g++]));
    }
    for (double[][] loop : anat.smallBowel) {
      s.add(bowelSegment(loop[0], loop[1], loop[2][0], anat.bowelGas[g++ % anat.bowelGas.length] * 0.5));
    }
    // stomach below the left dome
    double sz = anat.zDomeL - 60;
    double[] st = {-0.38 * anat.ca(sz), 0.3 * anat.cb(sz), sz};
    double[] ss = {42, 0.32 * anat.cb(sz), 45 * anat.zs};
    double gas = anat.bowelGas[anat.bowelGas.length - 1];
    s.add(ellipsoid(st[0], st[1], st[2], ss[0], ss[1], ss[2], (x, y, z, c) -> {
      if (z >= anat.dome(x, y) - 5 || !(c.label == Tissue.CAVITY_FAT || c.label == Tissue.BOWEL_WALL
          || c.label == Tissue.BOWEL_FLUID || c.label == Tissue.BOWEL_GAS)) {
        return;
      }
      if (ell(x, y, z, st[0], st[1], st[2], ss[0] - 4, ss[1] - 4, ss[2] - 4) > 1) {
        c.set(Tissue.STOMACH_WALL);
      } else {
        c.set((y - st[1]) / ss[1] > 1 - 2 * gas ? Tissue.BOWEL_GAS : Tissue.BOWEL_FLUID);
      }
    }));
  }

  /** A bowel tube: wall, then gas on the non-dependent (anterior) side and fluid below it. */
  private static Shape bowelSegment(double[] p0, double[] p1, double r, double gasFraction) {
    double r2in = (r - 3) * (r - 3);
    return capsule(p0, p1, r, (x, y, z, c) -> {
      if (!(c.label == Tissue.CAVITY_FAT || c.label == Tissue.BOWEL_WALL || c.label == Tissue.BOWEL_FLUID
          || c.label == Tissue.BOWEL_GAS)) {
        return;
      }
      if (Shape.segDist2(x, y, z, p0, p1) > r2in) {
        if (c.label == Tissue.CAVITY_FAT) {
          c.set(Tissue.BOWEL_WALL);
        }
        return;
      }
      // gas level: the nearest axis point's y decides what is "up" (anterior, patient supine)
      double vx = p1[0] - p0[0];
      double vy = p1[1] - p0[1];
      double vz = p1[2] - p0[2];
      double len2 = vx * vx + vy * vy + vz * vz;
      double t = len2 == 0 ? 0 : Math.max(0, Math.min(1,
          ((x - p0[0]) * vx + (y - p0[1]) * vy + (z - p0[2]) * vz) / len2));
      double ay = p0[1] + t * vy;
      boolean gas = gasFraction > 0 && (y - ay) / (r - 3) > 1 - 2 * gasFraction;
      c.set(gas ? Tissue.BOWEL_GAS : Tissue.BOWEL_FLUID);
    });
  }

  static void addOrgans(Anatomy anat, List<Shape> s) {
    // liver: right lobe (top under the right dome, span downwards) and left lobe
    double lz = anat.liverTop - anat.liverSpan / 2;
    double az = anat.liverSpan / 2;
    s.add(ellipsoid(anat.liverX, anat.liverY, lz, anat.liverAx, anat.liverAy, az, (x, y, z, c) -> {
      if (z < anat.dome(x, y) - 5 && anat.inCavity(x, y, z) && c.label != Tissue.MUSCLE) {
        c.set(anat.liverSegment(x, y, z, false));
      }
    }));
    double llx = anat.liverX - 0.95 * anat.liverAx;
    double lly = anat.liverY + 0.4 * anat.liverAy;
    double llz = anat.liverTop - 38 * anat.zs;
    s.add(ellipsoid(llx, lly, llz, 0.55 * anat.liverAx, 0.45 * anat.liverAy, 36 * anat.zs, (x, y, z, c) -> {
      if (z < anat.dome(x, y) - 5 && anat.inCavity(x, y, z) && c.label != Tissue.MUSCLE
          && !Tissue.isLiver(c.label)) {
        c.set(anat.liverSegment(x, y, z, x < anat.liverX - 0.85 * anat.liverAx));
      }
    }));
    // pancreas
    double zp = 325 * anat.zs;
    s.add(capsule(new double[] {25, anat.yV(zp) + anat.levelRy(zp) + 30, zp},
        new double[] {-0.5 * anat.ca(zp), anat.yV(zp) + anat.levelRy(zp) + 12, zp + 15 * anat.zs}, 11,
        (x, y, z, c) -> {
          if (c.label != Tissue.MUSCLE) {
            c.set(Tissue.PANCREAS);
          }
        }));
    // perirenal fat, spleen, kidneys (cortex, medulla, sinus)
    for (int side = -1; side <= 1; side += 2) {
      double kx = side * anat.kidneyX;
      double kz = anat.kidneyZ(side);
      double[] k = anat.kidneySemi;
      s.add(ellipsoid(kx, anat.kidneyY, kz, k[0] + 9, k[1] + 10, k[2] + 12, (x, y, z, c) -> {
        if (c.label == Tissue.CAVITY_FAT || c.label == Tissue.BOWEL_WALL || c.label == Tissue.BOWEL_FLUID
            || c.label == Tissue.BOWEL_GAS || c.label == Tissue.PANCREAS) {
          c.set(Tissue.RETRO_FAT);
        }
      }));
    }
    double sz = anat.spleenTop - anat.spleenLength / 2;
    s.add(ellipsoid(anat.spleenX, anat.spleenY, sz, anat.spleenAx, anat.spleenAy, anat.spleenLength / 2, (x, y, z, c) -> {
      if (z < anat.dome(x, y) - 5 && anat.inCavity(x, y, z) && c.label != Tissue.MUSCLE) {
        c.set(Tissue.SPLEEN);
      }
    }));
    for (int side = -1; side <= 1; side += 2) {
      double kx = side * anat.kidneyX;
      double kz = anat.kidneyZ(side);
      double[] k = anat.kidneySemi;
      int cortex = side > 0 ? Tissue.KIDNEY_CORTEX_R : Tissue.KIDNEY_CORTEX_L;
      int medulla = side > 0 ? Tissue.KIDNEY_MEDULLA_R : Tissue.KIDNEY_MEDULLA_L;
      double sx = kx - side * 11;
      s.add(ellipsoid(kx, anat.kidneyY, kz, k[0], k[1], k[2], (x, y, z, c) -> {
        if (ell(x, y, z, sx, anat.kidneyY + 3, kz, 9, 10, 0.45 * k[2]) <= 1) {
          c.set(Tissue.RENAL_SINUS);
        } else if (ell(x, y, z, kx, anat.kidneyY, kz, k[0] - 7, k[1] - 7, k[2] - 7) <= 1) {
          c.set(medulla);
        } else {
          c.set(cortex);
        }
      }));
    }
  }

  static void addBladder(Anatomy anat, List<Shape> s) {
    double[] b = anat.bladderSemi;
    double bz = anat.zBladder;
    s.add(ellipsoid(anat.bladderX, anat.bladderY, bz, b[0] + 12, b[1] + 12, b[2] + 12, (x, y, z, c) -> {
      if (c.label == Tissue.CAVITY_FAT || c.label == Tissue.BOWEL_WALL || c.label == Tissue.BOWEL_FLUID
          || c.label == Tissue.BOWEL_GAS) {
        c.set(Tissue.CAVITY_FAT);
      }
    }));
    double t = anat.bladderWall;
    int wallLabel = anat.bladderWallLabel >= 0 ? anat.bladderWallLabel : Tissue.BLADDER_WALL;
    float wallHu = anat.bladderWallLabel >= 0 ? 65 : anat.hu[Tissue.BLADDER_WALL];
    s.add(ellipsoid(anat.bladderX, anat.bladderY, bz, b[0], b[1], b[2], (x, y, z, c) -> {
      if (ell(x, y, z, anat.bladderX, anat.bladderY, bz, b[0] - t, b[1] - t, b[2] - t) <= 1) {
        c.set(Tissue.URINE);
      } else {
        c.set(wallLabel, wallHu);
      }
    }));
  }
}
