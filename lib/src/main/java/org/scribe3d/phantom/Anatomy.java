package org.scribe3d.phantom;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One procedural body in a body frame (RAS+ millimetres: +x patient right, +y anterior, +z superior;
 * x = 0 midline, y = 0 body centre, z = 0 top of the pubic symphysis), with case-to-case variation of
 * build, fat, organ sizes and contrast enhancement. It holds the case's landmarks and organ geometry,
 * answers the geometric questions the finding placer asks (lung lobes, liver segments, kidney poles,
 * nodal stations, organ measurement lines) and gives the painting order of the anatomy
 * ({@link #shapes()}); the shapes themselves are drawn by {@link BodyWallShapes},
 * {@link AbdominalShapes}, {@link ThoracicShapes} and {@link SkeletalShapes}.
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

  final float[] hu;
  final List<double[][]> lungVessels; // {p0, p1, {r}}
  final List<double[][]> smallBowel = new ArrayList<>(); // {p0, p1, {r}}
  final double[] bowelGas; // gas fraction per colon segment and loop; the last one is the stomach's

  /**
   * @param heartW transverse cardiac diameter (mm)
   * @param liverSpan craniocaudal liver span at the measurement line (mm)
   * @param spleenLength craniocaudal spleen length (mm)
   * @param pericardialFluid pericardial fluid rim (mm), 0 for none
   * @param bladderWall bladder wall thickness (mm)
   */
  Anatomy(Random r, double heartW, double liverSpan, double spleenLength, double pericardialFluid,
      double bladderWall) {
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

    hu = TissueHu.draw(r);

    // ---- thorax
    yTrachea = yV(zCarina) + levelRy(zCarina) + 22;
    yHilum = yTrachea - 5;
    this.heartW = heartW;
    double yPost = yV(zCarina - 60) + levelRy(zCarina - 60) + 9;
    double yAnt = cb(zCarina - 80) - 3;
    heartHy = (yAnt - yPost) / 2;
    heartY = yPost + heartHy;
    heartX = -0.08 * heartW;
    heartHz = 50 * zs * StrictMath.pow(heartW / 125.0, 0.35);
    heartZ = dome(heartX, heartY) + heartHz - 8;
    this.pericardialFluid = pericardialFluid;

    // ---- abdomen
    double caL = ca(zDomeR - 60);
    double cbL = cb(zDomeR - 60);
    this.liverSpan = liverSpan;
    liverX = 0.45 * caL + 10;
    liverY = 0.2 * cbL;
    liverAx = (caL - liverX + 8) * StrictMath.pow(liverSpan / 150.0, 0.25);
    liverAy = 0.85 * cbL;
    liverTop = dome(liverX, liverY) - 5;
    double caS = ca(zDomeL - 50);
    double cbS = cb(zDomeL - 50);
    this.spleenLength = spleenLength;
    spleenX = -(caS - 30);
    spleenY = -0.3 * cbS;
    spleenAx = 22 * StrictMath.pow(spleenLength / 105.0, 0.3);
    spleenAy = 0.33 * cbS * StrictMath.pow(spleenLength / 105.0, 0.3);
    spleenTop = dome(spleenX, spleenY) - 5;
    kidneyX = 60;
    kidneyY = yV(zKidneyR) - 2;
    kidneySemi[2] = 55 * zs;
    bladderY = 0.3 * cb(zBladder);
    bladderSemi = new double[] {u(r, 38, 52), u(r, 30, 40), u(r, 28, 40) * zs};
    this.bladderWall = bladderWall;

    // ---- random vessel trees and bowel loops (drawn once, so the case is fixed by the seed)
    lungVessels = LungVesselTree.grow(r, yHilum, zHilum);
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

  double bodyA(double z) {
    return BodyProfile.semiA(z / zs) * sA;
  }

  double bodyB(double z) {
    return BodyProfile.semiB(z / zs) * sB;
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

  /** The anatomy as shapes in painting order (later shapes cover earlier ones). */
  List<Shape> shapes() {
    List<Shape> s = new ArrayList<>();
    BodyWallShapes.addWall(this, s);
    AbdominalShapes.addBowel(this, s);
    AbdominalShapes.addOrgans(this, s);
    AbdominalShapes.addBladder(this, s);
    BodyWallShapes.addDiaphragm(this, s);
    ThoracicShapes.addLungs(this, s);
    ThoracicShapes.addMediastinum(this, s);
    ThoracicShapes.addVessels(this, s);
    SkeletalShapes.addSpine(this, s);
    SkeletalShapes.addRibs(this, s);
    SkeletalShapes.addPelvicBones(this, s);
    return s;
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

}
