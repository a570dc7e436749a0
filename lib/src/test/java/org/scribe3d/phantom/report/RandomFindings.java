package org.scribe3d.phantom.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;

/**
 * Random but anatomically consistent finding lists for tests (the phantom generator's job in the
 * product): every attribute combination the writers support, including missing attributes, several
 * findings of one type and normal cases.
 */
public final class RandomFindings {
  private RandomFindings() {}

  public static List<Finding> draw(Random r) {
    List<Finding> out = new ArrayList<>();
    if (r.nextInt(6) == 0) {
      return out; // normal case
    }
    int n = 1 + r.nextInt(5);
    for (int i = 0; i < n; i++) {
      out.add(one(FindingType.values()[r.nextInt(FindingType.values().length)], r));
    }
    return out;
  }

  public static Finding one(FindingType t, Random r) {
    String side = null;
    Double size = null;
    String sev = null;
    String loc = null;
    List<String> locs = ReportVocabulary.locationsFor(t);
    switch (t) {
      case LUNG_NODULE -> {
        size = mm(r, 3, 28);
        if (r.nextInt(5) > 0) {
          loc = locs.get(r.nextInt(locs.size()));
          side = ReportVocabulary.sideOf(loc);
        } else {
          side = r.nextBoolean() ? pick(r, "left", "right", "bilateral") : null;
        }
      }
      case CONSOLIDATION -> {
        if (r.nextInt(4) > 0) {
          loc = locs.get(r.nextInt(locs.size()));
          side = ReportVocabulary.sideOf(loc);
        } else {
          side = pick(r, "left", "right", "bilateral");
        }
        sev = r.nextBoolean() ? pick(r, "mild", "moderate", "severe") : null;
        size = r.nextInt(4) == 0 ? mm(r, 20, 80) : null;
      }
      case PLEURAL_EFFUSION -> {
        side = pick(r, "left", "right", "bilateral");
        sev = pick(r, "mild", "moderate", "severe");
        size = r.nextInt(4) == 0 ? mm(r, 8, 60) : null;
      }
      case CARDIOMEGALY, HEPATOMEGALY, SPLENOMEGALY, ASCITES, BLADDER_WALL_THICKENING,
          PERICARDIAL_EFFUSION -> {
        sev = r.nextInt(5) > 0 ? pick(r, "mild", "moderate", "severe") : null;
        if (r.nextInt(3) == 0) {
          size = switch (t) {
            case HEPATOMEGALY -> mm(r, 180, 260);
            case SPLENOMEGALY -> mm(r, 130, 220);
            case CARDIOMEGALY -> mm(r, 150, 200);
            default -> mm(r, 5, 40);
          };
        }
      }
      case MEDIASTINAL_LYMPHADENOPATHY, PELVIC_LYMPHADENOPATHY -> {
        size = mm(r, 11, 35);
        if (r.nextInt(6) > 0) {
          loc = locs.get(r.nextInt(locs.size()));
          side = ReportVocabulary.sideOf(loc);
        } else if (t == FindingType.PELVIC_LYMPHADENOPATHY) {
          side = pick(r, "left", "right");
        }
      }
      case LIVER_LESION -> {
        size = mm(r, 4, 60);
        loc = r.nextInt(4) > 0 ? locs.get(r.nextInt(locs.size())) : null;
        side = loc == null && r.nextBoolean() ? pick(r, "left", "right") : null;
      }
      case RENAL_CYST, KIDNEY_STONE -> {
        size = mm(r, t == FindingType.KIDNEY_STONE ? 2 : 5, t == FindingType.KIDNEY_STONE ? 15 : 50);
        side = r.nextInt(8) == 0 ? "bilateral" : pick(r, "left", "right");
        loc = !"bilateral".equals(side) && r.nextBoolean() ? locs.get(r.nextInt(locs.size())) : null;
      }
      case BLADDER_STONE -> size = mm(r, 4, 30);
    }
    return new Finding(t, side, size, sev, loc, false);
  }

  /** Whole millimetres mostly, sometimes half millimetres, like a phantom would store. */
  private static double mm(Random r, int lo, int hi) {
    double v = lo + r.nextInt(hi - lo + 1);
    return r.nextInt(5) == 0 ? v + 0.5 : v;
  }

  private static String pick(Random r, String... s) {
    return s[r.nextInt(s.length)];
  }
}
