package org.scribe3d.phantom;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.scribe3d.data.FindingType;
import org.scribe3d.phantom.report.ReportVocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates one phantom CT case: draws the scan geometry and the findings, builds the anatomy
 * (enlarged organs and fluid rims are part of it), renders it, places and paints the focal and
 * regional findings where the label map says the target tissue is, measures every finding on the
 * label map, then smooths and adds noise. Everything follows from (seed, case index).
 */
public final class PhantomGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(PhantomGenerator.class);

  /** Share of cases drawn without findings. */
  static final double NORMAL_FRACTION = 0.17;

  private PhantomGenerator() {}

  /**
   * @param forced finding types to place (one of each) instead of drawing them; null to draw
   */
  public static PhantomCase generate(long seed, int caseIndex, SizePreset size, List<FindingType> forced) {
    long t0 = System.nanoTime();
    Random r = new Random(Seeds.mix(seed, caseIndex));
    // ---- geometry (physical field of view; spacing follows from the matrix)
    double fov = Anatomy.u(r, 420, 490);
    double thickness = Math.rint(Anatomy.u(r, size.minSlice, size.maxSlice) * 4) / 4;
    boolean ras = r.nextBoolean();
    double jx = Anatomy.u(r, -12, 12);
    double jy = Anatomy.u(r, -35, 35);
    double[] off = {Anatomy.u(r, -30, 30), Anatomy.u(r, -60, 60), -Anatomy.u(r, 300, 900)};
    double pixel = fov / size.inPlane;
    double minFocal = Math.max(3.5 * pixel, 2 * thickness);
    double minLayer = Math.max(3.5 * pixel, 0);
    double sigma = Anatomy.u(r, 10, 20);

    // ---- findings and the organ sizes they imply
    List<PhantomFinding> plan = drawPlan(r, forced, minFocal, minLayer);
    double heartW = Math.rint(Anatomy.u(r, 115, 135));
    double liverSpan = Math.rint(Anatomy.u(r, 135, 160));
    double spleenLength = Math.rint(Anatomy.u(r, 90, 115));
    double pericardial = 0;
    double bladderWall = 3;
    for (PhantomFinding f : plan) {
      switch (f.type) {
        case CARDIOMEGALY -> heartW = f.renderedSizeMm;
        case HEPATOMEGALY -> liverSpan = f.renderedSizeMm;
        case SPLENOMEGALY -> spleenLength = f.renderedSizeMm;
        case PERICARDIAL_EFFUSION -> pericardial = f.renderedSizeMm;
        case BLADDER_WALL_THICKENING -> bladderWall = f.renderedSizeMm;
        default -> { }
      }
    }
    Anatomy a = new Anatomy(r, heartW, liverSpan, spleenLength, pericardial, bladderWall);

    // ---- grid: first voxel at the R/A or L/P corner depending on the stored orientation
    int n = size.inPlane;
    int nz = (int) Math.floor((a.zEnd - a.zStart) / thickness) + 1;
    double x0 = (ras ? -fov / 2 + pixel / 2 : fov / 2 - pixel / 2) + jx;
    double y0 = (ras ? -fov / 2 + pixel / 2 : fov / 2 - pixel / 2) + jy;
    Grid g = new Grid(n, n, nz, ras ? pixel : -pixel, ras ? pixel : -pixel, thickness,
        x0 + off[0], y0 + off[1], a.zStart + off[2]);

    // ---- instance labels (organ-level findings paint their own label during the anatomy pass)
    int next = 0;
    for (PhantomFinding f : plan) {
      int copies = "bilateral".equals(f.side) && f.type == FindingType.PLEURAL_EFFUSION ? 2 : 1;
      for (int c = 0; c < copies; c++) {
        PhantomFinding.Instance in = new PhantomFinding.Instance();
        boolean organLevel = f.type == FindingType.CARDIOMEGALY || f.type == FindingType.HEPATOMEGALY
            || f.type == FindingType.SPLENOMEGALY;
        if (!organLevel) {
          in.label = Tissue.FINDING_BASE + next++;
        }
        f.instances.add(in);
      }
      if (f.type == FindingType.PERICARDIAL_EFFUSION) {
        a.pericardialLabel = f.instances.get(0).label;
      } else if (f.type == FindingType.BLADDER_WALL_THICKENING) {
        a.bladderWallLabel = f.instances.get(0).label;
      }
    }

    // ---- render the anatomy, then place and paint findings on it
    float[] hu = new float[(int) g.voxels()];
    java.util.Arrays.fill(hu, -1000f);
    byte[] lab = new byte[hu.length];
    long t1 = System.nanoTime();
    Renderer.paint(g, off, a.shapes(), hu, lab, a.hu, 0, g.nz - 1);
    long t2 = System.nanoTime();
    FindingPlacer placer = new FindingPlacer(a, g, off, hu, lab, r, minFocal);
    List<PhantomFinding> placed = new ArrayList<>();
    for (PhantomFinding f : plan) {
      if (placer.place(f)) {
        placed.add(f);
      } else {
        LOG.debug("case {}: could not place {}, dropped", caseIndex, f.type.key());
      }
    }
    long t3 = System.nanoTime();
    Probes.measure(g, lab, placed, off);
    long t4 = System.nanoTime();
    Renderer.blur(g, hu);
    Renderer.noiseAndQuantise(g, hu, sigma, Seeds.mix(seed ^ 0x5EEDL, caseIndex));
    long t5 = System.nanoTime();
    long ms = (t5 - t0) / 1_000_000;
    LOG.debug("case {}: setup {} ms, anatomy {} ms, findings {} ms, probes {} ms, blur+noise {} ms", caseIndex,
        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000,
        (t5 - t4) / 1_000_000);
    return new PhantomCase(g, off, hu, placed, sigma, size, ms);
  }

  // ------------------------------------------------------------------ drawing the findings

  private static final FindingType[] DRAW_ORDER = FindingType.values();
  private static final double[] WEIGHTS = {1.6, 1.1, 1.0, 1.0, 0.8, 1.0, 1.3, 0.9, 0.9, 1.2, 1.1, 0.9, 0.8, 0.8,
      1.0};
  private static final Set<FindingType> REPEATABLE = EnumSet.of(FindingType.LUNG_NODULE,
      FindingType.LIVER_LESION, FindingType.RENAL_CYST, FindingType.KIDNEY_STONE);

  static List<PhantomFinding> drawPlan(Random r, List<FindingType> forced, double minFocal, double minLayer) {
    List<FindingType> types = new ArrayList<>();
    if (forced != null) {
      types.addAll(forced);
    } else if (r.nextDouble() >= NORMAL_FRACTION) {
      double p = r.nextDouble();
      int count = p < 0.35 ? 1 : p < 0.7 ? 2 : p < 0.9 ? 3 : 4;
      while (types.size() < count) {
        FindingType t = weighted(r);
        if (types.contains(t) && !(REPEATABLE.contains(t) && r.nextBoolean())) {
          continue;
        }
        types.add(t);
      }
    }
    List<PhantomFinding> out = new ArrayList<>();
    for (FindingType t : types) {
      out.add(attributes(t, r, minFocal, minLayer));
    }
    return out;
  }

  private static FindingType weighted(Random r) {
    double total = 0;
    for (double w : WEIGHTS) {
      total += w;
    }
    double x = r.nextDouble() * total;
    for (int i = 0; i < WEIGHTS.length; i++) {
      x -= WEIGHTS[i];
      if (x < 0) {
        return DRAW_ORDER[i];
      }
    }
    return DRAW_ORDER[DRAW_ORDER.length - 1];
  }

  /** Size in whole mm from [lo, hi], raised to the resolvable minimum. */
  private static double mm(Random r, double lo, double hi, double min) {
    double a = Math.max(lo, Math.ceil(min));
    double b = Math.max(hi, a + 4);
    return Math.rint(Anatomy.u(r, a, b));
  }

  private static String pick(Random r, List<String> options) {
    return options.get(r.nextInt(options.size()));
  }

  private static String severity(double v, double moderateFrom, double severeFrom) {
    return v >= severeFrom ? "severe" : v >= moderateFrom ? "moderate" : "mild";
  }

  static PhantomFinding attributes(FindingType t, Random r, double minFocal, double minLayer) {
    PhantomFinding f = new PhantomFinding(t);
    List<String> locs = ReportVocabulary.locationsFor(t);
    switch (t) {
      case LUNG_NODULE -> {
        f.renderedSizeMm = mm(r, 4, 28, minFocal);
        f.statedSizeMm = f.renderedSizeMm;
        f.location = pick(r, locs);
        f.side = ReportVocabulary.sideOf(f.location);
      }
      case PLEURAL_EFFUSION -> {
        double p = r.nextDouble();
        f.side = p < 0.4 ? "right" : p < 0.8 ? "left" : "bilateral";
        int sev = r.nextInt(3);
        double depth = sev == 0 ? mm(r, 10, 20, minLayer) : sev == 1 ? mm(r, 22, 40, minLayer)
            : mm(r, 45, 70, minLayer);
        f.renderedSizeMm = depth;
        f.severity = severity(depth, 21, 42);
        f.statedSizeMm = r.nextBoolean() ? depth : null;
      }
      case CONSOLIDATION -> {
        f.location = pick(r, locs);
        f.side = ReportVocabulary.sideOf(f.location);
        int sev = r.nextInt(3);
        if (sev == 2) {
          f.severity = "severe";
          f.renderedSizeMm = 0; // the whole lobe
        } else {
          double radius = sev == 0 ? Anatomy.u(r, 15, 22) : Anatomy.u(r, 25, 40);
          radius = Math.max(radius, minFocal);
          f.renderedSizeMm = Math.rint(2 * radius);
          f.severity = f.renderedSizeMm >= 50 ? "moderate" : "mild";
          f.statedSizeMm = r.nextInt(5) < 2 ? f.renderedSizeMm : null;
        }
      }
      case CARDIOMEGALY -> {
        int sev = r.nextInt(3);
        double w = sev == 0 ? mm(r, 148, 162, 0) : sev == 1 ? mm(r, 164, 180, 0) : mm(r, 182, 200, 0);
        f.renderedSizeMm = w;
        f.severity = severity(w, 163, 181);
        f.statedSizeMm = r.nextBoolean() ? w : null;
      }
      case PERICARDIAL_EFFUSION -> {
        int sev = r.nextInt(3);
        double th = sev == 0 ? mm(r, 6, 10, minLayer) : sev == 1 ? mm(r, 11, 18, minLayer)
            : mm(r, 19, 28, minLayer);
        f.renderedSizeMm = th;
        f.severity = severity(th, 11, 19);
        f.statedSizeMm = r.nextBoolean() ? th : null;
      }
      case MEDIASTINAL_LYMPHADENOPATHY, PELVIC_LYMPHADENOPATHY -> {
        f.renderedSizeMm = mm(r, 11, t == FindingType.PELVIC_LYMPHADENOPATHY ? 28 : 30, minFocal);
        f.statedSizeMm = f.renderedSizeMm;
        f.location = pick(r, locs);
        f.side = ReportVocabulary.sideOf(f.location);
      }
      case LIVER_LESION -> {
        f.renderedSizeMm = mm(r, 6, 45, minFocal);
        f.statedSizeMm = f.renderedSizeMm;
        f.location = pick(r, locs);
      }
      case HEPATOMEGALY -> {
        int sev = r.nextInt(3);
        double s = sev == 0 ? mm(r, 175, 190, 0) : sev == 1 ? mm(r, 192, 212, 0) : mm(r, 214, 235, 0);
        f.renderedSizeMm = s;
        f.severity = severity(s, 191, 213);
        f.statedSizeMm = r.nextBoolean() ? s : null;
      }
      case SPLENOMEGALY -> {
        int sev = r.nextInt(3);
        double s = sev == 0 ? mm(r, 130, 148, 0) : sev == 1 ? mm(r, 150, 172, 0) : mm(r, 174, 195, 0);
        f.renderedSizeMm = s;
        f.severity = severity(s, 149, 173);
        f.statedSizeMm = r.nextBoolean() ? s : null;
      }
      case RENAL_CYST, KIDNEY_STONE -> {
        boolean stone = t == FindingType.KIDNEY_STONE;
        f.renderedSizeMm = stone ? mm(r, 3, 12, minFocal) : mm(r, 8, 40, minFocal);
        f.statedSizeMm = f.renderedSizeMm;
        f.side = r.nextBoolean() ? "right" : "left";
        f.location = r.nextInt(5) < 3 ? pick(r, locs) : null;
      }
      case ASCITES -> {
        int sev = r.nextInt(3);
        double d = sev == 0 ? mm(r, 10, 20, minLayer) : sev == 1 ? mm(r, 22, 38, minLayer)
            : mm(r, 40, 60, minLayer);
        f.renderedSizeMm = d;
        f.severity = severity(d, 21, 39);
        f.statedSizeMm = r.nextInt(5) < 2 ? d : null;
      }
      case BLADDER_WALL_THICKENING -> {
        int sev = r.nextInt(3);
        double th = sev == 0 ? mm(r, 6, 8, minLayer) : sev == 1 ? mm(r, 9, 12, minLayer)
            : mm(r, 13, 17, minLayer);
        f.renderedSizeMm = th;
        f.severity = severity(th, 9, 13);
        f.statedSizeMm = r.nextInt(5) < 3 ? th : null;
      }
      case BLADDER_STONE -> {
        f.renderedSizeMm = mm(r, 5, 25, minFocal);
        f.statedSizeMm = f.renderedSizeMm;
      }
    }
    return f;
  }
}
