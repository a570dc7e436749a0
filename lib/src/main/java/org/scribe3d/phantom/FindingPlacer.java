package org.scribe3d.phantom;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import org.scribe3d.data.FindingType;
import org.scribe3d.phantom.report.ReportVocabulary;

/**
 * Places the findings of one case on the rendered anatomy and paints them. Placement reads the label
 * map (a nodule goes where the voxels are the stated lobe, a cyst where they are the stated kidney),
 * so a finding always sits in the tissue the report names. When the drawn size does not fit, the
 * size shrinks (never below what the grid resolves), then another location of the same kind is
 * tried; the finding's attributes are updated to what was actually painted.
 */
final class FindingPlacer {
  private static final int TRIES = 2500;
  private static final double[][] DIRS = directions();

  private final Anatomy a;
  private final Grid g;
  private final double[] off;
  private final float[] hu;
  private final byte[] lab;
  private final Random r;
  private final double minFocal;

  FindingPlacer(Anatomy a, Grid g, double[] off, float[] hu, byte[] lab, Random r, double minFocal) {
    this.a = a;
    this.g = g;
    this.off = off;
    this.hu = hu;
    this.lab = lab;
    this.r = r;
    this.minFocal = minFocal;
  }

  boolean place(PhantomFinding f) {
    return switch (f.type) {
      case LUNG_NODULE -> nodule(f);
      case PLEURAL_EFFUSION -> effusion(f);
      case CONSOLIDATION -> consolidation(f);
      case CARDIOMEGALY -> organ(f, Tissue.Group.HEART, new double[] {a.heartX, a.heartY, a.heartZ}, 0,
          a.heartW, List.of(Tissue.Group.LUNG));
      case HEPATOMEGALY -> organ(f, Tissue.Group.LIVER,
          new double[] {a.liverX, a.liverY, a.liverTop - a.liverSpan / 2}, 2, a.liverSpan,
          List.of(Tissue.Group.LUNG, Tissue.Group.FAT));
      case SPLENOMEGALY -> organ(f, Tissue.Group.SPLEEN,
          new double[] {a.spleenX, a.spleenY, a.spleenTop - a.spleenLength / 2}, 2, a.spleenLength,
          List.of(Tissue.Group.LUNG, Tissue.Group.FAT));
      case PERICARDIAL_EFFUSION -> region(f, List.of(Tissue.Group.HEART));
      case BLADDER_WALL_THICKENING -> region(f, List.of(Tissue.Group.URINE));
      case MEDIASTINAL_LYMPHADENOPATHY, PELVIC_LYMPHADENOPATHY -> node(f);
      case LIVER_LESION -> liverLesion(f);
      case RENAL_CYST, KIDNEY_STONE -> kidney(f);
      case ASCITES -> ascites(f);
      case BLADDER_STONE -> bladderStone(f);
    };
  }

  // ------------------------------------------------------------------ focal lesions

  private boolean nodule(PhantomFinding f) {
    List<String> lobes = ordered(f.location, ReportVocabulary.LUNG_LOBES);
    for (double size : sizes(f.renderedSizeMm)) {
      double rad = size / 2;
      for (String lobe : lobes) {
        int target = Tissue.lobe(lobe);
        int side = lobe.startsWith("right") ? 1 : -1;
        double zl = a.zCarina - 40 * a.zs;
        for (int t = 0; t < TRIES; t++) {
          double[] c = {side * Anatomy.u(r, 5, a.ca(zl)), Anatomy.u(r, -a.cb(zl), a.cb(zl)),
              Anatomy.u(r, a.zDomeL - 80, a.zApex)};
          c = snap(c);
          if (labelAt(c) != target || !ring(c, rad + 8, Tissue::isLungOrVessel)) {
            continue;
          }
          float h = (float) Anatomy.u(r, 25, 60);
          paintSphere(f, c, rad, h, List.of(Tissue.Group.LUNG));
          f.location = lobe;
          f.side = ReportVocabulary.sideOf(lobe);
          setSize(f, size);
          return true;
        }
      }
    }
    return false;
  }

  private boolean liverLesion(PhantomFinding f) {
    List<String> segs = ordered(f.location, ReportVocabulary.LIVER_SEGMENTS);
    for (double size : sizes(f.renderedSizeMm)) {
      double rad = size / 2;
      for (String seg : segs) {
        int target = Tissue.LIVER_S1 + Integer.parseInt(seg.substring("segment ".length())) - 1;
        for (int t = 0; t < TRIES; t++) {
          double[] c = {Anatomy.u(r, a.liverX - 1.9 * a.liverAx, a.liverX + a.liverAx),
              Anatomy.u(r, a.liverY - a.liverAy, a.liverY + a.liverAy),
              Anatomy.u(r, a.liverTop - a.liverSpan, a.liverTop)};
          c = snap(c);
          // keep off the liver's measurement line so the span stays measurable
          if (Math.hypot(c[0] - a.liverX, c[1] - a.liverY) < rad + 6 + g.maxInPlane()) {
            continue;
          }
          if (labelAt(c) != target || !ring(c, rad + 4, Tissue::isLiver)) {
            continue;
          }
          float liver = a.hu[Tissue.LIVER_S1];
          paintSphere(f, c, rad, (float) (liver - Anatomy.u(r, 60, 80)), List.of(Tissue.Group.LIVER));
          f.location = seg;
          setSize(f, size);
          return true;
        }
      }
    }
    return false;
  }

  private boolean kidney(PhantomFinding f) {
    boolean stone = f.type == FindingType.KIDNEY_STONE;
    List<String> sides = ordered(f.side, List.of("right", "left"));
    for (double size : sizes(f.renderedSizeMm)) {
      double rad = size / 2;
      for (String sideName : sides) {
        int side = sideName.equals("right") ? 1 : -1;
        double kz = a.kidneyZ(side);
        double[] k = a.kidneySemi;
        for (int t = 0; t < TRIES; t++) {
          double[] c = {side * a.kidneyX + Anatomy.u(r, -k[0], k[0]), a.kidneyY + Anatomy.u(r, -k[1], k[1]),
              kz + Anatomy.u(r, -k[2], k[2])};
          c = snap(c);
          if (f.location != null && !a.kidneyPart(side, c[2]).equals(f.location)) {
            continue;
          }
          int l = labelAt(c);
          if (stone) {
            if (!(Tissue.isKidney(l, side) || l == Tissue.RENAL_SINUS)
                || !ring(c, rad + 1.5, x -> Tissue.isKidney(x, side) || x == Tissue.RENAL_SINUS)) {
              continue;
            }
          } else {
            if (!Tissue.isKidney(l, side)
                || !ring(c, rad + Math.max(2, 1.5 * g.maxInPlane()), x -> Tissue.isKidney(x, side)
                    || x == Tissue.RENAL_SINUS || x == Tissue.RETRO_FAT)
                || countRing(c, rad + 2, x -> Tissue.isKidney(x, side)) < 0.35 * DIRS.length) {
              continue;
            }
          }
          float h = (float) (stone ? Anatomy.u(r, 500, 1000) : Anatomy.u(r, 0, 8));
          paintSphere(f, c, rad, h, List.of(Tissue.Group.KIDNEY));
          f.side = sideName;
          if (f.location != null) {
            f.location = a.kidneyPart(side, c[2]);
          }
          setSize(f, size);
          return true;
        }
      }
    }
    return false;
  }

  private boolean bladderStone(PhantomFinding f) {
    double[] b = a.bladderSemi;
    for (double size : sizes(f.renderedSizeMm)) {
      double rad = size / 2;
      double yBack = a.bladderY - (b[1] - a.bladderWall);
      for (int t = 0; t < 200; t++) {
        double[] c = {a.bladderX + Anatomy.u(r, -0.4, 0.4) * b[0], yBack + rad + Anatomy.u(r, 1, 4),
            a.zBladder + Anatomy.u(r, -0.3, 0.3) * b[2]};
        c = snap(c);
        if (labelAt(c) != Tissue.URINE || !ring(c, rad + 1, x -> x == Tissue.URINE
            || x == Tissue.BLADDER_WALL || x == a.bladderWallLabel)) {
          continue;
        }
        paintSphere(f, c, rad, (float) Anatomy.u(r, 400, 900), List.of(Tissue.Group.URINE));
        setSize(f, size);
        return true;
      }
    }
    return false;
  }

  private boolean node(PhantomFinding f) {
    boolean pelvic = f.type == FindingType.PELVIC_LYMPHADENOPATHY;
    List<String> stations = ordered(f.location, ReportVocabulary.locationsFor(f.type));
    for (double size : sizes(f.renderedSizeMm)) {
      double[] semi = {size / 2, size / 2, size / 2 * Anatomy.u(r, 1.3, 1.6)};
      for (String st : stations) {
        boolean hilar = st.endsWith("hilar");
        double[] nominal = a.station(st);
        for (int t = 0; t < 120; t++) {
          double[] c = snap(new double[] {nominal[0] + Anatomy.u(r, -6, 6), nominal[1] + Anatomy.u(r, -6, 6),
              nominal[2] + Anatomy.u(r, -8, 8)});
          int l = labelAt(c);
          boolean okCentre = pelvic ? (l == Tissue.CAVITY_FAT || l == Tissue.RETRO_FAT || l == Tissue.FAT)
              : hilar ? Tissue.isLungOrVessel(l) || l == Tissue.MEDIASTINAL_FAT : l == Tissue.MEDIASTINAL_FAT;
          if (!okCentre || !ringEllipsoid(c, semi, 2, FindingPlacer::nodeNeighbour)) {
            continue;
          }
          List<Tissue.Group> around = hilar ? List.of(Tissue.Group.LUNG, Tissue.Group.FAT)
              : List.of(Tissue.Group.FAT, Tissue.Group.LUNG);
          paintEllipsoid(f, c, semi, (float) Anatomy.u(r, 35, 55), around);
          f.location = st;
          f.side = ReportVocabulary.sideOf(st);
          setSize(f, size);
          return true;
        }
      }
    }
    return false;
  }

  /** What a lymph node may displace: fat, lung, bowel, muscle, oesophagus; not organs or bone. */
  private static boolean nodeNeighbour(int l) {
    return Tissue.isFat(l) || Tissue.isLungOrVessel(l) || l == Tissue.MUSCLE || l == Tissue.ESOPHAGUS
        || l == Tissue.BOWEL_WALL || l == Tissue.BOWEL_FLUID || l == Tissue.BOWEL_GAS;
  }

  // ------------------------------------------------------------------ regional findings

  private boolean consolidation(PhantomFinding f) {
    boolean whole = "severe".equals(f.severity);
    double rad = f.renderedSizeMm / 2;
    List<String> lobes = ordered(f.location, ReportVocabulary.LUNG_LOBES);
    for (String lobe : lobes) {
      int target = Tissue.lobe(lobe);
      int side = lobe.startsWith("right") ? 1 : -1;
      double zl = a.zCarina - 40 * a.zs;
      for (int t = 0; t < TRIES; t++) {
        double[] c = snap(new double[] {side * Anatomy.u(r, 5, a.ca(zl)), Anatomy.u(r, -a.cb(zl), a.cb(zl)),
            Anatomy.u(r, a.zDomeL - 80, a.zApex)});
        if (labelAt(c) != target || (!whole && countRing(c, rad * 0.6, x -> x == target) < 0.6 * DIRS.length)) {
          continue;
        }
        PhantomFinding.Instance in = f.instances.get(0);
        in.shape = "region";
        in.surroundGroups = List.of(Tissue.Group.LUNG);
        int lbl = in.label;
        float h = (float) Anatomy.u(r, 20, 40);
        double r2 = rad * rad;
        Shape s = whole
            ? new Shape(-400, 400, -400, 400, a.zDomeL - 100, a.zApex + 5, (x, y, z, cell) -> {
              if (cell.label == target || cell.label == Tissue.LUNG_VESSEL && a.lobeOf(x, y, z) == target) {
                cell.set(lbl, h);
              }
            })
            : Shape.box(c[0], c[1], c[2], rad, rad, rad, (x, y, z, cell) -> {
              double d2 = (x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1]) + (z - c[2]) * (z - c[2]);
              if (d2 <= r2 && (cell.label == target
                  || cell.label == Tissue.LUNG_VESSEL && a.lobeOf(x, y, z) == target)) {
                cell.set(lbl, h);
              }
            });
        paint(s);
        f.location = lobe;
        f.side = ReportVocabulary.sideOf(lobe);
        return true;
      }
    }
    return false;
  }

  private boolean effusion(PhantomFinding f) {
    double depth = f.renderedSizeMm;
    List<Integer> sides = "bilateral".equals(f.side) ? List.of(1, -1)
        : List.of("right".equals(f.side) ? 1 : -1);
    for (int n = 0; n < sides.size(); n++) {
      int side = sides.get(n);
      PhantomFinding.Instance in = f.instances.get(n);
      in.shape = "region";
      in.surroundGroups = List.of(Tissue.Group.LUNG);
      int lbl = in.label;
      float h = (float) Anatomy.u(r, 5, 18);
      double zBase = side > 0 ? a.zDomeR : a.zDomeL;
      double zTop = a.zCarina + 40 * a.zs;
      paint(new Shape(-400, 400, -400, 400, a.zDomeL - 100, zTop, (x, y, z, c) -> {
        if (x * side <= 0 || !Tissue.isLungOrVessel(c.label)) {
          return;
        }
        double t = Math.max(0, Math.min(1, (zTop - z) / (zTop - zBase)));
        double ca = a.ca(z);
        double yPost = -a.cb(z) * Math.sqrt(Math.max(0, 1 - (x * x) / (ca * ca)));
        if (y < yPost + depth * t) {
          c.set(lbl, h);
        }
      }));
    }
    return true;
  }

  private boolean ascites(PhantomFinding f) {
    double d = f.renderedSizeMm;
    PhantomFinding.Instance in = f.instances.get(0);
    in.shape = "region";
    in.surroundGroups = List.of(Tissue.Group.FAT);
    int lbl = in.label;
    float h = (float) Anatomy.u(r, 2, 15);
    paint(new Shape(-400, 400, -400, 400, -5 * a.zs, a.zDomeR, (x, y, z, c) -> {
      if (c.label != Tissue.CAVITY_FAT || z >= a.dome(x, y) - 5) {
        return;
      }
      double ai = a.ca(z) - d;
      double bi = a.cb(z) - d;
      if (ai <= 0 || bi <= 0 || (x * x) / (ai * ai) + (y * y) / (bi * bi) > 1) {
        c.set(lbl, h);
      }
    }));
    return true;
  }

  private boolean region(PhantomFinding f, List<Tissue.Group> around) {
    PhantomFinding.Instance in = f.instances.get(0);
    in.shape = "region";
    in.surroundGroups = around;
    return true; // painted with the anatomy; Probes drops it if nothing was painted
  }

  private boolean organ(PhantomFinding f, Tissue.Group organ, double[] centre, int axis, double span,
      List<Tissue.Group> around) {
    PhantomFinding.Instance in = f.instances.get(0);
    in.shape = "organ";
    in.organ = organ;
    in.centreBody = centre;
    in.spanAxis = axis;
    in.spanMm = span;
    in.spanFromBody = centre.clone();
    in.spanToBody = centre.clone();
    in.spanFromBody[axis] -= span / 2;
    in.spanToBody[axis] += span / 2;
    in.surroundGroups = around;
    return true;
  }

  // ------------------------------------------------------------------ helpers

  private void paintSphere(PhantomFinding f, double[] c, double rad, float h, List<Tissue.Group> around) {
    paintEllipsoid(f, c, new double[] {rad, rad, rad}, h, around);
    f.instances.get(0).shape = "sphere";
  }

  private void paintEllipsoid(PhantomFinding f, double[] c, double[] semi, float h, List<Tissue.Group> around) {
    PhantomFinding.Instance in = f.instances.get(0);
    in.shape = "ellipsoid";
    in.centreBody = c;
    in.semiAxes = semi;
    in.surroundGroups = around;
    int lbl = in.label;
    paint(Shape.ellipsoid(c[0], c[1], c[2], semi[0], semi[1], semi[2], (x, y, z, cell) -> cell.set(lbl, h)));
  }

  private void paint(Shape s) {
    int[] kr = Renderer.sliceRange(g, off, s);
    Renderer.paint(g, off, List.of(s), hu, lab, a.hu, kr[0], kr[1]);
  }

  private void setSize(PhantomFinding f, double size) {
    f.renderedSizeMm = size;
    if (f.statedSizeMm != null) {
      f.statedSizeMm = size;
    }
  }

  /** The drawn size, then smaller ones down to the resolvable minimum. */
  private List<Double> sizes(double size) {
    List<Double> out = new ArrayList<>();
    double s = size;
    out.add(s);
    while (s * 0.8 >= Math.ceil(minFocal)) {
      s = Math.rint(s * 0.8);
      out.add(s);
    }
    return out;
  }

  /** The preferred option first, then the others in random order. */
  private List<String> ordered(String preferred, List<String> all) {
    List<String> rest = new ArrayList<>(all);
    rest.remove(preferred);
    java.util.Collections.shuffle(rest, r);
    List<String> out = new ArrayList<>();
    if (preferred != null && all.contains(preferred)) {
      out.add(preferred);
    }
    out.addAll(rest);
    return out;
  }

  /** Moves a body-frame point to the nearest voxel centre. */
  private double[] snap(double[] c) {
    int[] v = Probes.voxelOf(g, off, c);
    return new double[] {g.x(v[0]) - off[0], g.y(v[1]) - off[1], g.z(v[2]) - off[2]};
  }

  private int labelAt(double[] p) {
    int[] v = Probes.voxelOf(g, off, p);
    return g.inside(v[0], v[1], v[2]) ? lab[g.index(v[0], v[1], v[2])] & 0xff : -1;
  }

  private boolean ring(double[] c, double rad, IntPredicate ok) {
    return countRing(c, rad, ok) == DIRS.length;
  }

  private int countRing(double[] c, double rad, IntPredicate ok) {
    int n = 0;
    for (double[] d : DIRS) {
      int l = labelAt(new double[] {c[0] + rad * d[0], c[1] + rad * d[1], c[2] + rad * d[2]});
      if (l >= 0 && ok.test(l)) {
        n++;
      }
    }
    return n;
  }

  private boolean ringEllipsoid(double[] c, double[] semi, double margin, IntPredicate ok) {
    for (double[] d : DIRS) {
      int l = labelAt(new double[] {c[0] + (semi[0] + margin) * d[0], c[1] + (semi[1] + margin) * d[1],
          c[2] + (semi[2] + margin) * d[2]});
      if (l < 0 || !ok.test(l)) {
        return false;
      }
    }
    return ok.test(labelAt(c));
  }

  private static double[][] directions() {
    List<double[]> out = new ArrayList<>();
    for (int dk = -1; dk <= 1; dk++) {
      for (int dj = -1; dj <= 1; dj++) {
        for (int di = -1; di <= 1; di++) {
          if (di != 0 || dj != 0 || dk != 0) {
            out.add(Anatomy.norm(new double[] {di, dj, dk}));
          }
        }
      }
    }
    return out.toArray(new double[0][]);
  }
}
