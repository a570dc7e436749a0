package org.scribe3d.phantom;

import static org.scribe3d.phantom.Shape.capsule;
import static org.scribe3d.phantom.Shape.ell;
import static org.scribe3d.phantom.Shape.ellipsoid;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One procedural body in a body frame (RAS+ millimetres: +x patient right, +y anterior, +z superior;
 * x = 0 midline, y = 0 body centre, z = 0 top of the pubic symphysis), with case-to-case variation of
 * build, fat, organ sizes and contrast enhancement. It yields the painting order of the anatomy
 * ({@link #shapes()}) and the geometric helpers the finding placer needs (lung lobes, liver
 * segments, kidney poles, nodal stations, organ measurement lines).
 */
final class Anatomy {
  // ---- build
  final double sA;
  final double sB;
  final double zs;
  final double fat;
  static final double MUSCLE_WALL = 10;

  // ---- landmarks (body z, mm)
  final double zStart;
  final double zEnd;
  final double zS1;
  final double zCarina;
  final double zHilum;
  final double zApex;
  final double zDomeR;
  final double zDomeL;
  final double zBladder;
  final double zKidneyR;
  final double zKidneyL;

  /** Vertebral levels bottom-up: {bodyZ0, bodyZ1, rx, ry}; name in levelNames. */
  final List<double[]> levels = new ArrayList<>();
  final List<String> levelNames = new ArrayList<>();

  // ---- organs (some driven by findings)
  final double heartW;
  final double heartHy;
  final double heartHz;
  final double heartX;
  final double heartY;
  final double heartZ;
  final double pericardialFluid; // rim thickness, 0 = none
  final double liverSpan;
  final double liverX;
  final double liverY;
  final double liverAx;
  final double liverAy;
  final double liverTop;
  final double spleenLength;
  final double spleenX;
  final double spleenY;
  final double spleenAx;
  final double spleenAy;
  final double spleenTop;
  final double kidneyX;
  final double kidneyY;
  final double[] kidneySemi = {24, 28, 0};
  final double bladderX = 0;
  final double bladderY;
  final double[] bladderSemi;
  final double bladderWall;
  final double yTrachea;
  final double yHilum;

  // labels of organ-level findings (-1 when absent)
  int pericardialLabel = -1;
  int bladderWallLabel = -1;

  final float[] hu = new float[256];
  private final List<double[][]> lungVessels = new ArrayList<>(); // {p0, p1, {r}}
  private final List<double[][]> smallBowel = new ArrayList<>();
  private final double[] bowelGas;
  private final Random rng;

  private static final double[] KZ = {-60, 100, 200, 300, 400, 480, 560, 660};
  private static final double[] KA = {172, 178, 163, 156, 160, 166, 160, 125};
  private static final double[] KB = {108, 114, 110, 114, 112, 108, 100, 84};

  /**
   * @param heartW transverse cardiac diameter (mm)
   * @param liverSpan craniocaudal liver span at the measurement line (mm)
   * @param spleenLength craniocaudal spleen length (mm)
   * @param pericardialFluid pericardial fluid rim (mm), 0 for none
   * @param bladderWall bladder wall thickness (mm)
   */
  Anatomy(Random r, double heartW, double liverSpan, double spleenLength, double pericardialFluid,
      double bladderWall) {
    this.rng = r;
    sA = u(r, 0.97, 1.08);
    sB = u(r, 0.92, 1.12);
    zs = u(r, 0.95, 1.05);
    fat = u(r, 8, 22);
    zS1 = 185 * zs;
    zCarina = 520 * zs;
    zHilum = zCarina - 15 * zs;
    zApex = 610 * zs;
    zDomeR = 432 * zs;
    zDomeL = 418 * zs;
    zBladder = 45 * zs;
    zKidneyR = 282 * zs;
    zKidneyL = 296 * zs;
    zStart = -u(r, 12, 30);
    zEnd = zApex + u(r, 8, 30);
    buildLevels();

    hu[Tissue.AIR] = -1000;
    hu[Tissue.FAT] = (float) u(r, -110, -90);
    hu[Tissue.MUSCLE] = (float) u(r, 40, 50);
    hu[Tissue.CAVITY_FAT] = (float) u(r, -105, -85);
    hu[Tissue.RETRO_FAT] = (float) u(r, -100, -80);
    hu[Tissue.MEDIASTINAL_FAT] = (float) u(r, -100, -80);
    hu[Tissue.BONE_CORTEX] = (float) u(r, 900, 1200);
    hu[Tissue.BONE_MARROW] = (float) u(r, 320, 420);
    hu[Tissue.DISC] = (float) u(r, 75, 95);
    hu[Tissue.CSF] = (float) u(r, 5, 15);
    float lung = (float) u(r, -875, -835);
    for (int l = Tissue.RUL; l <= Tissue.LLL; l++) {
      hu[l] = lung;
    }
    float blood = (float) u(r, 150, 210);
    hu[Tissue.LUNG_VESSEL] = (float) u(r, 90, 140);
    hu[Tissue.AIRWAY] = -990;
    hu[Tissue.AIRWAY_WALL] = 50;
    hu[Tissue.HEART_BLOOD] = blood;
    hu[Tissue.MYOCARDIUM] = (float) u(r, 100, 120);
    hu[Tissue.AORTA] = blood;
    hu[Tissue.VEIN] = (float) u(r, 120, 150);
    float liver = (float) u(r, 95, 115);
    for (int l = Tissue.LIVER_S1; l < Tissue.LIVER_S1 + 8; l++) {
      hu[l] = liver;
    }
    hu[Tissue.SPLEEN] = (float) u(r, 110, 125);
    hu[Tissue.KIDNEY_CORTEX_R] = hu[Tissue.KIDNEY_CORTEX_L] = (float) u(r, 160, 195);
    hu[Tissue.KIDNEY_MEDULLA_R] = hu[Tissue.KIDNEY_MEDULLA_L] = (float) u(r, 100, 125);
    hu[Tissue.RENAL_SINUS] = (float) u(r, -95, -65);
    hu[Tissue.STOMACH_WALL] = 60;
    hu[Tissue.BOWEL_WALL] = 55;
    hu[Tissue.BOWEL_GAS] = -1000;
    hu[Tissue.BOWEL_FLUID] = (float) u(r, 10, 25);
    hu[Tissue.BLADDER_WALL] = 45;
    hu[Tissue.URINE] = (float) u(r, 3, 10);
    hu[Tissue.PANCREAS] = (float) u(r, 90, 105);
    hu[Tissue.ESOPHAGUS] = 45;
    hu[Tissue.CARTILAGE] = 130;
    hu[Tissue.DIAPHRAGM] = hu[Tissue.MUSCLE];
    hu[Tissue.CORD] = 35;

    // ---- thorax
    yTrachea = yV(zCarina) + levelRy(zCarina) + 22;
    yHilum = yTrachea - 5;
    this.heartW = heartW;
    double yPost = yV(zCarina - 60) + levelRy(zCarina - 60) + 9;
    double yAnt = cb(zCarina - 80) - 3;
    heartHy = (yAnt - yPost) / 2;
    heartY = yPost + heartHy;
    heartX = -0.08 * heartW;
    heartHz = 50 * zs * Math.pow(heartW / 125.0, 0.35);
    heartZ = dome(heartX, heartY) + heartHz - 8;
    this.pericardialFluid = pericardialFluid;

    // ---- abdomen
    double caL = ca(zDomeR - 60);
    double cbL = cb(zDomeR - 60);
    this.liverSpan = liverSpan;
    liverX = 0.45 * caL + 10;
    liverY = 0.2 * cbL;
    liverAx = (caL - liverX + 8) * Math.pow(liverSpan / 150.0, 0.25);
    liverAy = 0.85 * cbL;
    liverTop = dome(liverX, liverY) - 5;
    double caS = ca(zDomeL - 50);
    double cbS = cb(zDomeL - 50);
    this.spleenLength = spleenLength;
    spleenX = -(caS - 30);
    spleenY = -0.3 * cbS;
    spleenAx = 22 * Math.pow(spleenLength / 105.0, 0.3);
    spleenAy = 0.33 * cbS * Math.pow(spleenLength / 105.0, 0.3);
    spleenTop = dome(spleenX, spleenY) - 5;
    kidneyX = 60;
    kidneyY = yV(zKidneyR) - 2;
    kidneySemi[2] = 55 * zs;
    bladderY = 0.3 * cb(zBladder);
    bladderSemi = new double[] {u(r, 38, 52), u(r, 30, 40), u(r, 28, 40) * zs};
    this.bladderWall = bladderWall;

    // ---- random vessel trees and bowel loops (drawn once, so the case is fixed by the seed)
    for (int side = -1; side <= 1; side += 2) {
      double[] hil = {side * 42, yHilum, zHilum};
      double[][] dirs = {{side * 0.5, 0.1, 1}, {side * 0.8, 0.6, -0.3}, {side * 0.6, -0.6, -0.8},
          {side * 1, -0.2, 0.2}};
      for (double[] d : dirs) {
        branch(hil, norm(d), 5.0, 55, 0);
      }
    }
    int loops = 9 + r.nextInt(5);
    bowelGas = new double[loops + 12];
    for (int i = 0; i < loops; i++) {
      double[] p = {u(r, -0.5, 0.5) * ca(220), u(r, -0.05, 0.65) * cb(220), u(r, 150, 265) * zs};
      for (int s = 0; s < 3; s++) {
        double[] q = {clamp(p[0] + u(r, -45, 45), -0.6 * ca(220), 0.6 * ca(220)),
            clamp(p[1] + u(r, -30, 30), -0.1 * cb(220), 0.7 * cb(220)),
            clamp(p[2] + u(r, -35, 35), 140 * zs, 275 * zs)};
        smallBowel.add(new double[][] {p, q, {u(r, 10, 14)}});
        p = q;
      }
    }
    for (int i = 0; i < bowelGas.length; i++) {
      bowelGas[i] = r.nextInt(3) == 0 ? 0 : u(r, 0.1, 0.45);
    }
  }

  private void branch(double[] p, double[] d, double radius, double len, int depth) {
    double[] q = {p[0] + d[0] * len, p[1] + d[1] * len, p[2] + d[2] * len};
    lungVessels.add(new double[][] {p, q, {radius}});
    if (depth >= 3 || radius < 1.6) {
      return;
    }
    for (int c = 0; c < 2; c++) {
      double[] nd = norm(new double[] {d[0] + u(rng, -0.6, 0.6), d[1] + u(rng, -0.6, 0.6),
          d[2] + u(rng, -0.6, 0.6)});
      branch(q, nd, radius * 0.72, len * u(rng, 0.6, 0.85), depth + 1);
    }
  }

  private void buildLevels() {
    double z = zS1;
    String[] lumbar = {"L5", "L4", "L3", "L2", "L1"};
    for (int i = 0; i < 5; i++) {
      double disc = 8 * zs;
      double h = 28 * zs;
      levels.add(new double[] {z + disc, z + disc + h, 25 - i * 0.6, 18});
      levelNames.add(lumbar[i]);
      z += disc + h;
    }
    for (int t = 12; t >= 1; t--) {
      double disc = 4.5 * zs;
      double h = 16.5 * zs;
      double f = (t - 1) / 11.0;
      levels.add(new double[] {z + disc, z + disc + h, 14 + 6 * f, 12 + 4 * f});
      levelNames.add("T" + t);
      z += disc + h;
    }
    for (int c = 7; c >= 4; c--) {
      double disc = 4 * zs;
      double h = 13 * zs;
      levels.add(new double[] {z + disc, z + disc + h, 12, 9});
      levelNames.add("C" + c);
      z += disc + h;
    }
  }

  // ------------------------------------------------------------------ body profile

  // body profile sampled every 0.25 mm of z/zs (the painters call it for every voxel)
  private static final double PROFILE_Z0 = -100;
  private static final double PROFILE_STEP = 0.25;
  private static final double[] PROFILE_A = table(KA);
  private static final double[] PROFILE_B = table(KB);

  private static double[] table(double[] kv) {
    double[] t = new double[(int) ((800 - PROFILE_Z0) / PROFILE_STEP) + 2];
    for (int i = 0; i < t.length; i++) {
      t[i] = interp(PROFILE_Z0 + i * PROFILE_STEP, KZ, kv);
    }
    return t;
  }

  private static double lookup(double[] t, double zn) {
    double f = (zn - PROFILE_Z0) / PROFILE_STEP;
    if (f <= 0) {
      return t[0];
    }
    if (f >= t.length - 1) {
      return t[t.length - 1];
    }
    int i = (int) f;
    double w = f - i;
    return t[i] + w * (t[i + 1] - t[i]);
  }

  double bodyA(double z) {
    return lookup(PROFILE_A, z / zs) * sA;
  }

  double bodyB(double z) {
    return lookup(PROFILE_B, z / zs) * sB;
  }

  /** Lateral semi-axis of the body cavity (inside fat and muscle wall). */
  double ca(double z) {
    return bodyA(z) - fat - MUSCLE_WALL;
  }

  double cb(double z) {
    return bodyB(z) - fat - MUSCLE_WALL;
  }

  /** Centre y of the spinal canal. */
  double yCanal(double z) {
    return -bodyB(z) + fat + 45;
  }

  /** Centre y of the vertebral bodies. */
  double yV(double z) {
    return yCanal(z) + 11 + levelRy(z);
  }

  double levelRy(double z) {
    double[] l = level(z);
    return l == null ? (z < zS1 ? 18 : 9) : l[3];
  }

  double levelRx(double z) {
    double[] l = level(z);
    return l == null ? (z < zS1 ? 25 : 12) : l[2];
  }

  /** The vertebral level (body plus the disc below it) containing z, or null. */
  double[] level(double z) {
    double prevTop = zS1;
    for (double[] l : levels) {
      if (z >= prevTop && z < l[1]) {
        return l;
      }
      prevTop = l[1];
    }
    return null;
  }

  /** Body z of the upper surface of the diaphragm at (x, y). */
  double dome(double x, double y) {
    boolean right = x >= 0;
    double top = right ? zDomeR : zDomeL;
    double c = 0.45 * ca(top);
    double ux = (x - (right ? c : -c)) / (1.2 * c);
    double vy = (y - 0.1 * cb(top)) / cb(top);
    return top - Math.min(85, 60 * (ux * ux + vy * vy));
  }

  boolean inCavity(double x, double y, double z) {
    double a = ca(z);
    double b = cb(z);
    return (x * x) / (a * a) + (y * y) / (b * b) <= 1;
  }

  // ------------------------------------------------------------------ regions used for placement

  /** Lung lobe label of a point assumed to be in the lung on its side. */
  int lobeOf(double x, double y, double z) {
    double zObl = zHilum + 0.8 * (yHilum - y) + 5;
    if (x >= 0) {
      if (z < zObl) {
        return Tissue.RLL;
      }
      return z < zHilum + 12 ? Tissue.RML : Tissue.RUL;
    }
    return z < zObl ? Tissue.LLL : Tissue.LUL;
  }

  /** Couinaud segment label of a point assumed to be in the liver. */
  int liverSegment(double x, double y, double z, boolean leftLobe) {
    double cantlie = liverX - 0.45 * liverAx;
    double falciform = liverX - 0.85 * liverAx;
    double portal = liverTop - 0.42 * liverSpan;
    int seg;
    if (x >= cantlie && !leftLobe) {
      boolean posterior = y < liverY - 0.05 * liverAy;
      boolean superior = z > portal;
      seg = posterior ? (superior ? 7 : 6) : (superior ? 8 : 5);
    } else if (x >= falciform && !leftLobe) {
      seg = (y < liverY - 0.3 * liverAy && z > portal - 15) ? 1 : 4;
    } else {
      seg = z > liverTop - 32 ? 2 : 3;
    }
    return Tissue.LIVER_S1 + seg - 1;
  }

  /** Part of a kidney ("upper pole", "interpolar region", "lower pole") for a body z. */
  String kidneyPart(int side, double z) {
    double rel = (z - (side > 0 ? zKidneyR : zKidneyL)) / kidneySemi[2];
    return rel > 1.0 / 3 ? "upper pole" : rel < -1.0 / 3 ? "lower pole" : "interpolar region";
  }

  double kidneyZ(int side) {
    return side > 0 ? zKidneyR : zKidneyL;
  }

  /** Nominal centre (body frame) of a nodal station, before jitter. */
  double[] station(String name) {
    double ryC = levelRy(zCarina);
    double yEso = yV(zCarina) + ryC + 6;
    double cap = ca(120);
    double cbp = cb(120);
    return switch (name) {
      case "right paratracheal" -> new double[] {21, yTrachea, zCarina + 30};
      case "left paratracheal" -> new double[] {-21, yTrachea, zCarina + 30};
      case "pretracheal" -> new double[] {0, yTrachea + 20, zCarina + 18};
      case "prevascular" -> new double[] {-6, yTrachea + 48, zCarina + 36};
      case "aortopulmonary window" -> new double[] {-24, yTrachea + 4, zCarina + 6};
      case "subcarinal" -> new double[] {0, yTrachea - 4, zCarina - 16};
      case "paraesophageal" -> new double[] {6, yEso - 2, zCarina - 42};
      case "right hilar" -> new double[] {58, yHilum - 4, zHilum - 8};
      case "left hilar" -> new double[] {-58, yHilum - 4, zHilum - 8};
      case "right external iliac" -> new double[] {0.5 * cap, 0.2 * cbp, 80 * zs};
      case "left external iliac" -> new double[] {-0.5 * cap, 0.2 * cbp, 80 * zs};
      case "right internal iliac" -> new double[] {0.45 * cap, -0.35 * cbp, 110 * zs};
      case "left internal iliac" -> new double[] {-0.45 * cap, -0.35 * cbp, 110 * zs};
      case "right common iliac" -> new double[] {40, yV(165 * zs) + 22, 165 * zs};
      case "left common iliac" -> new double[] {-40, yV(165 * zs) + 22, 165 * zs};
      case "right obturator" -> new double[] {0.55 * cap, -0.05 * cbp, 55 * zs};
      case "left obturator" -> new double[] {-0.55 * cap, -0.05 * cbp, 55 * zs};
      case "right inguinal" -> new double[] {0.55 * bodyA(0), bodyB(0) - fat * 0.5, 0};
      case "left inguinal" -> new double[] {-0.55 * bodyA(0), bodyB(0) - fat * 0.5, 0};
      default -> throw new IllegalArgumentException("unknown nodal station " + name);
    };
  }

  // ------------------------------------------------------------------ painting order

  List<Shape> shapes() {
    List<Shape> s = new ArrayList<>();
    double big = 400;
    // body: skin/fat, muscle wall, cavity
    double maxA = 200 * sA;
    double maxB = 130 * sB;
    s.add(new Shape(-maxA, maxA, -maxB, maxB, zStart - 20, zEnd + 20, (x, y, z, c) -> {
      double a = bodyA(z);
      double b = bodyB(z);
      if (x * x / (a * a) + y * y / (b * b) > 1) {
        c.set(Tissue.AIR);
        return;
      }
      double am = a - fat;
      double bm = b - fat;
      if (x * x / (am * am) + y * y / (bm * bm) > 1) {
        c.set(Tissue.FAT);
        return;
      }
      double ac = am - MUSCLE_WALL;
      double bc = bm - MUSCLE_WALL;
      if (z < -5 * zs || z > zApex + 5 || x * x / (ac * ac) + y * y / (bc * bc) > 1) {
        c.set(Tissue.MUSCLE);
      } else {
        c.set(z >= dome(x, y) ? Tissue.MEDIASTINAL_FAT : Tissue.CAVITY_FAT);
      }
    }));
    // paraspinal muscles
    s.add(new Shape(-70, 70, -big, big, zStart - 20, zEnd + 20, (x, y, z, c) -> {
      if (c.label == Tissue.AIR) {
        return;
      }
      double yc = yCanal(z) - 15;
      double u = x / 58;
      double v = (y - yc) / 33;
      if (u * u + v * v <= 1) {
        c.set(Tissue.MUSCLE);
      }
    }));
    // psoas
    for (int side = -1; side <= 1; side += 2) {
      final int sd = side;
      s.add(new Shape(-90, 90, -big, big, 60 * zs, 370 * zs, (x, y, z, c) -> {
        double t = Math.max(0, Math.min(1, (370 * zs - z) / (300 * zs)));
        double r = 6 + 20 * t;
        double cx = sd * (levelRx(z) + r * 0.8 + 2 + 25 * Math.max(0, (150 * zs - z) / (90 * zs)));
        double cy = yV(z) + (z < 150 * zs ? 10 : 0);
        double dx = x - cx;
        double dy = y - cy;
        if (dx * dx + dy * dy <= r * r) {
          c.set(Tissue.MUSCLE);
        }
      }));
    }
    addBowel(s);
    addAbdominalOrgans(s);
    addBladder(s);
    // diaphragm band
    s.add(new Shape(-big, big, -big, big, zDomeL - 100, zDomeR + 1, (x, y, z, c) -> {
      if (c.label != Tissue.CAVITY_FAT && c.label != Tissue.MEDIASTINAL_FAT) {
        return;
      }
      double d = dome(x, y);
      if (z <= d && z > d - 5) {
        c.set(Tissue.DIAPHRAGM);
      }
    }));
    addLungs(s);
    addMediastinum(s);
    addVessels(s);
    addSpine(s);
    addRibs(s);
    addPelvicBones(s);
    return s;
  }

  private void addLungs(List<Shape> s) {
    double zlc = zCarina - 40 * zs;
    s.add(new Shape(-400, 400, -400, 400, zDomeL - 90, zApex + 2, (x, y, z, c) -> {
      if (c.label != Tissue.MEDIASTINAL_FAT || z <= dome(x, y)) {
        return;
      }
      if (z > zlc) {
        double caT = ca(zlc);
        double cbT = cb(zlc);
        double lx = (x >= 0 ? 1 : -1) * 0.5 * caT;
        if (ell(x, y, z, lx, -0.05 * cbT, zlc, 0.62 * caT, 1.05 * cbT, zApex - zlc) > 1) {
          return;
        }
      }
      c.set(lobeOf(x, y, z));
    }));
    for (double[][] v : lungVessels) {
      s.add(capsule(v[0], v[1], v[2][0], (x, y, z, c) -> {
        if (Tissue.isLung(c.label)) {
          c.set(Tissue.LUNG_VESSEL);
        }
      }));
    }
  }

  private void addMediastinum(List<Shape> s) {
    double ry = levelRy(zCarina);
    double yFront = yV(zCarina) + ry;
    // superior and anterior mediastinal fat, between the lungs
    s.add(new Shape(-60, 60, -400, 400, heartZ, zEnd + 20, (x, y, z, c) -> {
      if (z > zApex + 5) {
        return;
      }
      double b = cb(z);
      double yc = (yFront + b) / 2;
      double hy = (b - yFront) / 2 + 2;
      double hx = z > zCarina ? 32 : 32 + 12 * (zCarina - z) / Math.max(1, zCarina - heartZ);
      double u = x / hx;
      double v = (y - yc) / hy;
      if (u * u + v * v <= 1 && c.label != Tissue.MUSCLE && c.label != Tissue.FAT) {
        c.set(Tissue.MEDIASTINAL_FAT);
      }
    }));
    // posterior mediastinum (around oesophagus and descending aorta)
    s.add(new Shape(-60, 40, -400, 400, zDomeL - 40, zEnd, (x, y, z, c) -> {
      double yc = yV(z) + levelRy(z) + 12;
      double u = (x + 10) / 34;
      double v = (y - yc) / 15;
      if (u * u + v * v <= 1 && (Tissue.isLungOrVessel(c.label) || c.label == Tissue.MEDIASTINAL_FAT)) {
        c.set(Tissue.MEDIASTINAL_FAT);
      }
    }));
    // pericardial fluid (finding) then the heart: myocardium shell around blood pool
    double pf = pericardialFluid;
    if (pf > 0 && pericardialLabel >= 0) {
      int lab = pericardialLabel;
      float fluid = 12;
      s.add(ellipsoid(heartX, heartY, heartZ, heartW / 2 + pf, heartHy + pf, heartHz + pf,
          (x, y, z, c) -> {
            if (c.label != Tissue.MUSCLE && c.label != Tissue.FAT && !Tissue.isBone(c.label)) {
              c.set(lab, fluid);
            }
          }));
    }
    s.add(ellipsoid(heartX, heartY, heartZ, heartW / 2, heartHy, heartHz, (x, y, z, c) -> {
      if (c.label == Tissue.MUSCLE || c.label == Tissue.FAT) {
        return;
      }
      double e = ell(x, y, z, heartX, heartY, heartZ, heartW / 2 - 10, heartHy - 9, heartHz - 9);
      c.set(e <= 1 ? Tissue.HEART_BLOOD : Tissue.MYOCARDIUM);
    }));
    // airways: trachea and main bronchi, with a thin wall
    double[] tTop = {0, yTrachea, zEnd + 10};
    double[] carina = {0, yTrachea, zCarina};
    double[] rB = {40, yTrachea - 5, zCarina - 24 * zs};
    double[] lB = {-42, yTrachea - 5, zCarina - 28 * zs};
    for (double[][] seg : new double[][][] {{tTop, carina}, {carina, rB}, {carina, lB}}) {
      double r = seg[1] == carina ? 9 : 6;
      s.add(capsule(seg[0], seg[1], r + 2, (x, y, z, c) -> c.set(Tissue.AIRWAY_WALL)));
    }
    for (double[][] seg : new double[][][] {{tTop, carina}, {carina, rB}, {carina, lB}}) {
      double r = seg[1] == carina ? 9 : 6;
      s.add(capsule(seg[0], seg[1], r, (x, y, z, c) -> c.set(Tissue.AIRWAY)));
    }
    // oesophagus from the neck to the stomach
    double yEso = yV(zCarina) + levelRy(zCarina) + 7;
    double[] e0 = {-6, yEso, zEnd + 10};
    double[] e1 = {-12, yEso + 2, zDomeL - 20};
    double[] e2 = {-0.3 * ca(zDomeL - 60), 0.15 * cb(zDomeL - 60), zDomeL - 55};
    s.add(capsule(e0, e1, 7, (x, y, z, c) -> c.set(Tissue.ESOPHAGUS)));
    s.add(capsule(e1, e2, 7, (x, y, z, c) -> c.set(Tissue.ESOPHAGUS)));
  }

  private void addVessels(List<Shape> s) {
    double ryT = levelRy(zCarina);
    double rxT = levelRx(zCarina - 60);
    double[] asc0 = {heartX + 0.12 * heartW, heartY - 0.2 * heartHy, heartZ + 0.5 * heartHz};
    double[] asc1 = {12, yTrachea + 24, zCarina + 20 * zs};
    double[] arch = {-10, yTrachea + 8, zCarina + 36 * zs};
    double[] arch2 = {-(rxT + 13), yV(zCarina) + 4, zCarina + 18 * zs};
    double[] desc = {-(rxT + 11), yV(zDomeL - 30) + 6, zDomeL - 30};
    double[] bif = {-8, yV(190 * zs) + levelRy(190 * zs) + 12, 190 * zs};
    double cap = ca(120);
    double cbp = cb(120);
    Shape.Painter aorta = (x, y, z, c) -> c.set(Tissue.AORTA);
    Shape.Painter vein = (x, y, z, c) -> c.set(Tissue.VEIN);
    s.add(capsule(asc0, asc1, 14, aorta));
    s.add(capsule(asc1, arch, 13, aorta));
    s.add(capsule(arch, arch2, 12, aorta));
    s.add(capsule(arch2, desc, 12, aorta));
    s.add(capsule(desc, bif, 11, aorta));
    for (int side = -1; side <= 1; side += 2) {
      double[] ci = {side * 40, yV(140 * zs) + levelRy(140 * zs) + 4, 140 * zs};
      s.add(capsule(bif, ci, 7, aorta));
      s.add(capsule(ci, new double[] {side * 0.42 * cap, 0.25 * cbp, 15 * zs}, 6, aorta));
      s.add(capsule(ci, new double[] {side * 0.33 * cap, -0.3 * cbp, 95 * zs}, 5, aorta));
      double[] iv = {side * 30 + 22 * 0, yV(165 * zs) + levelRy(165 * zs) + 2, 168 * zs};
      s.add(capsule(iv, new double[] {side * (0.42 * cap + 12), 0.18 * cbp, 15 * zs}, 7, vein));
    }
    // great vessels of the arch
    s.add(capsule(asc1, new double[] {18, yTrachea + 14, zEnd + 10}, 7, aorta));
    s.add(capsule(arch, new double[] {-12, yTrachea + 10, zEnd + 10}, 5, aorta));
    s.add(capsule(arch, new double[] {-30, yTrachea, zEnd + 10}, 5, aorta));
    // IVC and SVC into the right atrium
    double[] ivc0 = {24, yV(175 * zs) + levelRy(175 * zs) + 8, 172 * zs};
    double[] ivc1 = {26, yV(zDomeR - 10) + levelRy(zDomeR - 10) + 12, zDomeR - 10};
    double[] ra = {heartX + 0.35 * heartW, heartY - 0.3 * heartHy, heartZ - 0.4 * heartHz};
    s.add(capsule(ivc0, ivc1, 12, vein));
    s.add(capsule(ivc1, ra, 12, vein));
    s.add(capsule(new double[] {26, yTrachea + 22, zEnd + 10},
        new double[] {heartX + 0.3 * heartW, heartY, heartZ + 0.55 * heartHz}, 10, vein));
    // pulmonary arteries to the hila
    double[] pt0 = {heartX + 0.05 * heartW, heartY + 0.4 * heartHy, heartZ + 0.55 * heartHz};
    double[] pt1 = {0, yTrachea + 6, zCarina - 8 * zs};
    Shape.Painter pa = (x, y, z, c) -> c.set(Tissue.LUNG_VESSEL);
    s.add(capsule(pt0, pt1, 13, pa));
    s.add(capsule(pt1, new double[] {44, yHilum, zHilum}, 10, pa));
    s.add(capsule(pt1, new double[] {-44, yHilum, zHilum}, 10, pa));
  }

  private void addBowel(List<Shape> s) {
    double zc = 240 * zs;
    double cac = ca(zc);
    double cbc = cb(zc);
    double[][] colon = {
        {0.75 * cac, -0.15 * cbc, 150 * zs}, {0.78 * cac, -0.1 * cbc, 300 * zs},
        {0.45 * cac, 0.55 * cbc, 305 * zs}, {-0.45 * cac, 0.55 * cbc, 315 * zs},
        {-0.78 * cac, 0.05 * cbc, 330 * zs}, {-0.78 * cac, -0.15 * cbc, 160 * zs},
        {-0.3 * cac, 0.1 * cbc, 95 * zs}, {0, -0.45 * cb(90 * zs), 85 * zs},
        {0, -0.5 * cb(0), -20 * zs}};
    int g = 0;
    for (int i = 0; i + 1 < colon.length; i++) {
      double r = i >= 6 ? 16 : 21;
      s.add(bowelSegment(colon[i], colon[i + 1], r, bowelGas[g++]));
    }
    for (double[][] loop : smallBowel) {
      s.add(bowelSegment(loop[0], loop[1], loop[2][0], bowelGas[g++ % bowelGas.length] * 0.5));
    }
    // stomach below the left dome
    double sz = zDomeL - 60;
    double[] st = {-0.38 * ca(sz), 0.3 * cb(sz), sz};
    double[] ss = {42, 0.32 * cb(sz), 45 * zs};
    double gas = bowelGas[bowelGas.length - 1];
    s.add(ellipsoid(st[0], st[1], st[2], ss[0], ss[1], ss[2], (x, y, z, c) -> {
      if (z >= dome(x, y) - 5 || !(c.label == Tissue.CAVITY_FAT || c.label == Tissue.BOWEL_WALL
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
  private Shape bowelSegment(double[] p0, double[] p1, double r, double gasFraction) {
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

  private void addAbdominalOrgans(List<Shape> s) {
    // liver: right lobe (top under the right dome, span downwards) and left lobe
    double lz = liverTop - liverSpan / 2;
    double az = liverSpan / 2;
    s.add(ellipsoid(liverX, liverY, lz, liverAx, liverAy, az, (x, y, z, c) -> {
      if (z < dome(x, y) - 5 && inCavity(x, y, z) && c.label != Tissue.MUSCLE) {
        c.set(liverSegment(x, y, z, false));
      }
    }));
    double llx = liverX - 0.95 * liverAx;
    double lly = liverY + 0.4 * liverAy;
    double llz = liverTop - 38 * zs;
    s.add(ellipsoid(llx, lly, llz, 0.55 * liverAx, 0.45 * liverAy, 36 * zs, (x, y, z, c) -> {
      if (z < dome(x, y) - 5 && inCavity(x, y, z) && c.label != Tissue.MUSCLE
          && !Tissue.isLiver(c.label)) {
        c.set(liverSegment(x, y, z, x < liverX - 0.85 * liverAx));
      }
    }));
    // pancreas
    double zp = 325 * zs;
    s.add(capsule(new double[] {25, yV(zp) + levelRy(zp) + 30, zp},
        new double[] {-0.5 * ca(zp), yV(zp) + levelRy(zp) + 12, zp + 15 * zs}, 11,
        (x, y, z, c) -> {
          if (c.label != Tissue.MUSCLE) {
            c.set(Tissue.PANCREAS);
          }
        }));
    // perirenal fat, spleen, kidneys (cortex, medulla, sinus)
    for (int side = -1; side <= 1; side += 2) {
      double kx = side * kidneyX;
      double kz = kidneyZ(side);
      double[] k = kidneySemi;
      s.add(ellipsoid(kx, kidneyY, kz, k[0] + 9, k[1] + 10, k[2] + 12, (x, y, z, c) -> {
        if (c.label == Tissue.CAVITY_FAT || c.label == Tissue.BOWEL_WALL || c.label == Tissue.BOWEL_FLUID
            || c.label == Tissue.BOWEL_GAS || c.label == Tissue.PANCREAS) {
          c.set(Tissue.RETRO_FAT);
        }
      }));
    }
    double sz = spleenTop - spleenLength / 2;
    s.add(ellipsoid(spleenX, spleenY, sz, spleenAx, spleenAy, spleenLength / 2, (x, y, z, c) -> {
      if (z < dome(x, y) - 5 && inCavity(x, y, z) && c.label != Tissue.MUSCLE) {
        c.set(Tissue.SPLEEN);
      }
    }));
    for (int side = -1; side <= 1; side += 2) {
      double kx = side * kidneyX;
      double kz = kidneyZ(side);
      double[] k = kidneySemi;
      int cortex = side > 0 ? Tissue.KIDNEY_CORTEX_R : Tissue.KIDNEY_CORTEX_L;
      int medulla = side > 0 ? Tissue.KIDNEY_MEDULLA_R : Tissue.KIDNEY_MEDULLA_L;
      double sx = kx - side * 11;
      s.add(ellipsoid(kx, kidneyY, kz, k[0], k[1], k[2], (x, y, z, c) -> {
        if (ell(x, y, z, sx, kidneyY + 3, kz, 9, 10, 0.45 * k[2]) <= 1) {
          c.set(Tissue.RENAL_SINUS);
        } else if (ell(x, y, z, kx, kidneyY, kz, k[0] - 7, k[1] - 7, k[2] - 7) <= 1) {
          c.set(medulla);
        } else {
          c.set(cortex);
        }
      }));
    }
  }

  private void addBladder(List<Shape> s) {
    double[] b = bladderSemi;
    double bz = zBladder;
    s.add(ellipsoid(bladderX, bladderY, bz, b[0] + 12, b[1] + 12, b[2] + 12, (x, y, z, c) -> {
      if (c.label == Tissue.CAVITY_FAT || c.label == Tissue.BOWEL_WALL || c.label == Tissue.BOWEL_FLUID
          || c.label == Tissue.BOWEL_GAS) {
        c.set(Tissue.CAVITY_FAT);
      }
    }));
    double t = bladderWall;
    int wallLabel = bladderWallLabel >= 0 ? bladderWallLabel : Tissue.BLADDER_WALL;
    float wallHu = bladderWallLabel >= 0 ? 65 : hu[Tissue.BLADDER_WALL];
    s.add(ellipsoid(bladderX, bladderY, bz, b[0], b[1], b[2], (x, y, z, c) -> {
      if (ell(x, y, z, bladderX, bladderY, bz, b[0] - t, b[1] - t, b[2] - t) <= 1) {
        c.set(Tissue.URINE);
      } else {
        c.set(wallLabel, wallHu);
      }
    }));
  }

  private void addSpine(List<Shape> s) {
    s.add(new Shape(-70, 70, -400, 400, 30 * zs, zEnd + 20, (x, y, z, c) -> {
      if (z < zS1) {
        paintSacrum(x, y, z, c);
        return;
      }
      double yc = yCanal(z);
      if (x > 45 || x < -45 || y < yc - 40 || y > yc + 65) {
        return;
      }
      double[] l = level(z);
      if (l == null) {
        return;
      }
      double yv = yc + 11 + l[3];
      // canal (CSF, cord above L1)
      double dcx = x;
      double dcy = y - yc;
      double rc2 = dcx * dcx + dcy * dcy;
      if (rc2 <= 64) {
        c.set(z > levels.get(4)[1] && rc2 <= 25 ? Tissue.CORD : Tissue.CSF);
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

  private void paintSacrum(double x, double y, double z, Shape.Cell c) {
    double bottom = 35 * zs;
    if (z < bottom) {
      return;
    }
    double f = (z - bottom) / (zS1 - bottom);
    double yc = yV(zS1) - 0.45 * (zS1 - z);
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

  private static final double COS_RIB_START = Math.cos(0.22);
  private static final double[] COS_RIB_END = new double[13];
  private static final double[] COS_CARTILAGE_END = new double[13];

  static {
    for (int n = 1; n <= 12; n++) {
      double endDeg = n <= 7 ? 150 : n <= 10 ? 140 : n == 11 ? 110 : 90;
      double cartDeg = n <= 7 ? 174 : n <= 10 ? 165 : endDeg;
      COS_RIB_END[n] = Math.cos(Math.toRadians(endDeg));
      COS_CARTILAGE_END[n] = Math.cos(Math.toRadians(cartDeg));
    }
  }

  private void addRibs(List<Shape> s) {
    // rib n leaves thoracic vertebra n at its mid-height and falls as it runs anteriorly
    int nT = 12;
    double[] zRib = new double[nT + 1];
    for (int i = 0; i < levels.size(); i++) {
      String n = levelNames.get(i);
      if (n.startsWith("T")) {
        int t = Integer.parseInt(n.substring(1));
        zRib[t] = (levels.get(i)[0] + levels.get(i)[1]) / 2;
      }
    }
    double zLow = zRib[12] - 70;
    s.add(new Shape(-400, 400, -400, 400, zLow, zRib[1] + 10, (x, y, z, c) -> {
      if (c.label == Tissue.AIR) {
        return;
      }
      double a = bodyA(z) - fat - 5;
      double b = bodyB(z) - fat - 5;
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
        double drop = (55 + 4 * n) * zs;
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
    double zBot = zRib[7] - 30 * zs;
    s.add(new Shape(-20, 20, -400, 400, zBot, zTop, (x, y, z, c) -> {
      double yc = bodyB(z) - fat - 6;
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
      double[] p0 = {side * 18, bodyB(zTop) - fat - 8, zTop + 4};
      double[] p1 = {side * 0.85 * bodyA(zTop + 15), -10, zTop + 22};
      s.add(capsule(p0, p1, 7, (x, y, z, c) -> {
        if (c.label != Tissue.AIR) {
          c.set(Tissue.BONE_CORTEX);
        }
      }));
    }
  }

  private void addPelvicBones(List<Shape> s) {
    double cap = ca(120 * zs);
    double cbp = cb(120 * zs);
    double ap = bodyA(15 * zs);
    for (int side = -1; side <= 1; side += 2) {
      final int sd = side;
      // iliac wing: the postero-lateral part of an ellipsoidal shell
      double cx = sd * 0.5 * cap;
      double cy = yV(120 * zs) - 5;
      double cz = 120 * zs;
      double ax = 0.45 * cap;
      double ay = 0.62 * cbp;
      double az = 82 * zs;
      s.add(ellipsoid(cx, cy, cz, ax, ay, az, (x, y, z, c) -> {
        if (z < 62 * zs || c.label == Tissue.AIR) {
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
      double[] head = {sd * 0.56 * ap, -8, 15 * zs};
      double hr = 24;
      s.add(ellipsoid(head[0], head[1], head[2], hr + 11, hr + 11, hr + 11, (x, y, z, c) -> {
        double d = Math.sqrt(ell(x, y, z, head[0], head[1], head[2], 1, 1, 1));
        if (d <= hr) {
          c.set(d > hr - 3 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
        } else if (d > hr + 2 && sd * (x - head[0]) < 0.35 * d && z > head[2] - 0.3 * d) {
          c.set(d > hr + 8 || d < hr + 4 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
        }
      }));
      double[] troch = {sd * 0.76 * ap, -12, -8 * zs};
      double[] knee = {sd * 0.7 * ap, -5, -160 * zs};
      s.add(capsule(head, troch, 15, (x, y, z, c) -> {
        if (c.label != Tissue.BONE_CORTEX) {
          c.set(Shape.segDist2(x, y, z, head, troch) > 12 * 12 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW);
        }
      }));
      s.add(capsule(troch, knee, 14, (x, y, z, c) ->
          c.set(Shape.segDist2(x, y, z, troch, knee) > 10 * 10 ? Tissue.BONE_CORTEX : Tissue.BONE_MARROW)));
      // pubic and ischial rami
      double[] pub0 = {sd * (0.56 * ap - 20), 8, 22 * zs};
      double[] pub1 = {sd * 16, 0.62 * cb(25 * zs), 22 * zs};
      double[] isc0 = {sd * (0.56 * ap - 8), -22, 0};
      double[] isc1 = {sd * 0.42 * ap, -40, -25 * zs};
      double[] isc2 = {sd * 16, 0.5 * cb(10 * zs), 8 * zs};
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

  // ------------------------------------------------------------------ helpers

  static double u(Random r, double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }

  static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  static double[] norm(double[] d) {
    double n = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    return new double[] {d[0] / n, d[1] / n, d[2] / n};
  }

  static double interp(double z, double[] kz, double[] kv) {
    if (z <= kz[0]) {
      return kv[0];
    }
    for (int i = 1; i < kz.length; i++) {
      if (z <= kz[i]) {
        double t = (z - kz[i - 1]) / (kz[i] - kz[i - 1]);
        return kv[i - 1] + t * (kv[i] - kv[i - 1]);
      }
    }
    return kv[kv.length - 1];
  }
}
