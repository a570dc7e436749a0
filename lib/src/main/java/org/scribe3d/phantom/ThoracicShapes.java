package org.scribe3d.phantom;

import static org.scribe3d.phantom.Shape.capsule;
import static org.scribe3d.phantom.Shape.ell;
import static org.scribe3d.phantom.Shape.ellipsoid;

import java.util.List;

/**
 * The chest of the {@link Anatomy}: lungs split into lobes with their vessel trees, the mediastinum
 * (fat, heart with an optional pericardial effusion, airways, oesophagus) and the great vessels from
 * the aortic arch to the iliac arteries, including the caval veins and pulmonary arteries.
 */
final class ThoracicShapes {
  private ThoracicShapes() {}

  static void addLungs(Anatomy anat, List<Shape> s) {
    double zlc = anat.zCarina - 40 * anat.zs;
    s.add(new Shape(-400, 400, -400, 400, anat.zDomeL - 90, anat.zApex + 2, (x, y, z, c) -> {
      if (c.label != Tissue.MEDIASTINAL_FAT || z <= anat.dome(x, y)) {
        return;
      }
      if (z > zlc) {
        double caT = anat.ca(zlc);
        double cbT = anat.cb(zlc);
        double lx = (x >= 0 ? 1 : -1) * 0.5 * caT;
        if (ell(x, y, z, lx, -0.05 * cbT, zlc, 0.62 * caT, 1.05 * cbT, anat.zApex - zlc) > 1) {
          return;
        }
      }
      c.set(anat.lobeOf(x, y, z));
    }));
    for (double[][] v : anat.lungVessels) {
      s.add(capsule(v[0], v[1], v[2][0], (x, y, z, c) -> {
        if (Tissue.isLung(c.label)) {
          c.set(Tissue.LUNG_VESSEL);
        }
      }));
    }
  }

  static void addMediastinum(Anatomy anat, List<Shape> s) {
    double ry = anat.levelRy(anat.zCarina);
    double yFront = anat.yV(anat.zCarina) + ry;
    // superior and anterior mediastinal fat, between the lungs
    s.add(new Shape(-60, 60, -400, 400, anat.heartZ, anat.zEnd + 20, (x, y, z, c) -> {
      if (z > anat.zApex + 5) {
        return;
      }
      double b = anat.cb(z);
      double yc = (yFront + b) / 2;
      double hy = (b - yFront) / 2 + 2;
      double hx = z > anat.zCarina ? 32 : 32 + 12 * (anat.zCarina - z) / Math.max(1, anat.zCarina - anat.heartZ);
      double u = x / hx;
      double v = (y - yc) / hy;
      if (u * u + v * v <= 1 && c.label != Tissue.MUSCLE && c.label != Tissue.FAT) {
        c.set(Tissue.MEDIASTINAL_FAT);
      }
    }));
    // posterior mediastinum (around oesophagus and descending aorta)
    s.add(new Shape(-60, 40, -400, 400, anat.zDomeL - 40, anat.zEnd, (x, y, z, c) -> {
      double yc = anat.yV(z) + anat.levelRy(z) + 12;
      double u = (x + 10) / 34;
      double v = (y - yc) / 15;
      if (u * u + v * v <= 1 && (Tissue.isLungOrVessel(c.label) || c.label == Tissue.MEDIASTINAL_FAT)) {
        c.set(Tissue.MEDIASTINAL_FAT);
      }
    }));
    // pericardial fluid (finding) then the heart: myocardium shell around blood pool
    double pf = anat.pericardialFluid;
    if (pf > 0 && anat.pericardialLabel >= 0) {
      int lab = anat.pericardialLabel;
      float fluid = 12;
      s.add(ellipsoid(anat.heartX, anat.heartY, anat.heartZ, anat.heartW / 2 + pf, anat.heartHy + pf, anat.heartHz + pf,
          (x, y, z, c) -> {
            if (c.label != Tissue.MUSCLE && c.label != Tissue.FAT && !Tissue.isBone(c.label)) {
              c.set(lab, fluid);
            }
          }));
    }
    s.add(ellipsoid(anat.heartX, anat.heartY, anat.heartZ, anat.heartW / 2, anat.heartHy, anat.heartHz, (x, y, z, c) -> {
      if (c.label == Tissue.MUSCLE || c.label == Tissue.FAT) {
        return;
      }
      double e = ell(x, y, z, anat.heartX, anat.heartY, anat.heartZ, anat.heartW / 2 - 10, anat.heartHy - 9, anat.heartHz - 9);
      c.set(e <= 1 ? Tissue.HEART_BLOOD : Tissue.MYOCARDIUM);
    }));
    // airways: trachea and main bronchi, with a thin wall
    double[] tTop = {0, anat.yTrachea, anat.zEnd + 10};
    double[] carina = {0, anat.yTrachea, anat.zCarina};
    double[] rB = {40, anat.yTrachea - 5, anat.zCarina - 24 * anat.zs};
    double[] lB = {-42, anat.yTrachea - 5, anat.zCarina - 28 * anat.zs};
    for (double[][] seg : new double[][][] {{tTop, carina}, {carina, rB}, {carina, lB}}) {
      double r = seg[1] == carina ? 9 : 6;
      s.add(capsule(seg[0], seg[1], r + 2, (x, y, z, c) -> c.set(Tissue.AIRWAY_WALL)));
    }
    for (double[][] seg : new double[][][] {{tTop, carina}, {carina, rB}, {carina, lB}}) {
      double r = seg[1] == carina ? 9 : 6;
      s.add(capsule(seg[0], seg[1], r, (x, y, z, c) -> c.set(Tissue.AIRWAY)));
    }
    // oesophagus from the neck to the stomach
    double yEso = anat.yV(anat.zCarina) + anat.levelRy(anat.zCarina) + 7;
    double[] e0 = {-6, yEso, anat.zEnd + 10};
    double[] e1 = {-12, yEso + 2, anat.zDomeL - 20};
    double[] e2 = {-0.3 * anat.ca(anat.zDomeL - 60), 0.15 * anat.cb(anat.zDomeL - 60), anat.zDomeL - 55};
    s.add(capsule(e0, e1, 7, (x, y, z, c) -> c.set(Tissue.ESOPHAGUS)));
    s.add(capsule(e1, e2, 7, (x, y, z, c) -> c.set(Tissue.ESOPHAGUS)));
  }

  static void addVessels(Anatomy anat, List<Shape> s) {
    double ryT = anat.levelRy(anat.zCarina);
    double rxT = anat.levelRx(anat.zCarina - 60);
    double[] asc0 = {anat.heartX + 0.12 * anat.heartW, anat.heartY - 0.2 * anat.heartHy, anat.heartZ + 0.5 * anat.heartHz};
    double[] asc1 = {12, anat.yTrachea + 24, anat.zCarina + 20 * anat.zs};
    double[] arch = {-10, anat.yTrachea + 8, anat.zCarina + 36 * anat.zs};
    double[] arch2 = {-(rxT + 13), anat.yV(anat.zCarina) + 4, anat.zCarina + 18 * anat.zs};
    double[] desc = {-(rxT + 11), anat.yV(anat.zDomeL - 30) + 6, anat.zDomeL - 30};
    double[] bif = {-8, anat.yV(190 * anat.zs) + anat.levelRy(190 * anat.zs) + 12, 190 * anat.zs};
    double cap = anat.ca(120);
    double cbp = anat.cb(120);
    Shape.Painter aorta = (x, y, z, c) -> c.set(Tissue.AORTA);
    Shape.Painter vein = (x, y, z, c) -> c.set(Tissue.VEIN);
    s.add(capsule(asc0, asc1, 14, aorta));
    s.add(capsule(asc1, arch, 13, aorta));
    s.add(capsule(arch, arch2, 12, aorta));
    s.add(capsule(arch2, desc, 12, aorta));
    s.add(capsule(desc, bif, 11, aorta));
    for (int side = -1; side <= 1; side += 2) {
      double[] ci = {side * 40, anat.yV(140 * anat.zs) + anat.levelRy(140 * anat.zs) + 4, 140 * anat.zs};
      s.add(capsule(bif, ci, 7, aorta));
      s.add(capsule(ci, new double[] {side * 0.42 * cap, 0.25 * cbp, 15 * anat.zs}, 6, aorta));
      s.add(capsule(ci, new double[] {side * 0.33 * cap, -0.3 * cbp, 95 * anat.zs}, 5, aorta));
      double[] iv = {side * 30 + 22 * 0, anat.yV(165 * anat.zs) + anat.levelRy(165 * anat.zs) + 2, 168 * anat.zs};
      s.add(capsule(iv, new double[] {side * (0.42 * cap + 12), 0.18 * cbp, 15 * anat.zs}, 7, vein));
    }
    // great vessels of the arch
    s.add(capsule(asc1, new double[] {18, anat.yTrachea + 14, anat.zEnd + 10}, 7, aorta));
    s.add(capsule(arch, new double[] {-12, anat.yTrachea + 10, anat.zEnd + 10}, 5, aorta));
    s.add(capsule(arch, new double[] {-30, anat.yTrachea, anat.zEnd + 10}, 5, aorta));
    // IVC and SVC into the right atrium
    double[] ivc0 = {24, anat.yV(175 * anat.zs) + anat.levelRy(175 * anat.zs) + 8, 172 * anat.zs};
    double[] ivc1 = {26, anat.yV(anat.zDomeR - 10) + anat.levelRy(anat.zDomeR - 10) + 12, anat.zDomeR - 10};
    double[] ra = {anat.heartX + 0.35 * anat.heartW, anat.heartY - 0.3 * anat.heartHy, anat.heartZ - 0.4 * anat.heartHz};
    s.add(capsule(ivc0, ivc1, 12, vein));
    s.add(capsule(ivc1, ra, 12, vein));
    s.add(capsule(new double[] {26, anat.yTrachea + 22, anat.zEnd + 10},
        new double[] {anat.heartX + 0.3 * anat.heartW, anat.heartY, anat.heartZ + 0.55 * anat.heartHz}, 10, vein));
    // pulmonary arteries to the hila
    double[] pt0 = {anat.heartX + 0.05 * anat.heartW, anat.heartY + 0.4 * anat.heartHy, anat.heartZ + 0.55 * anat.heartHz};
    double[] pt1 = {0, anat.yTrachea + 6, anat.zCarina - 8 * anat.zs};
    Shape.Painter pa = (x, y, z, c) -> c.set(Tissue.LUNG_VESSEL);
    s.add(capsule(pt0, pt1, 13, pa));
    s.add(capsule(pt1, new double[] {44, anat.yHilum, anat.zHilum}, 10, pa));
    s.add(capsule(pt1, new double[] {-44, anat.yHilum, anat.zHilum}, 10, pa));
  }
}
