package org.scribe3d.phantom.report;

import static org.scribe3d.phantom.report.ReportWords.adverb;
import static org.scribe3d.phantom.report.ReportWords.amount;
import static org.scribe3d.phantom.report.ReportWords.art;
import static org.scribe3d.phantom.report.ReportWords.cap;
import static org.scribe3d.phantom.report.ReportWords.kidney;
import static org.scribe3d.phantom.report.ReportWords.lobe;
import static org.scribe3d.phantom.report.ReportWords.pick;
import static org.scribe3d.phantom.report.ReportWords.segment;
import static org.scribe3d.phantom.report.ReportWords.size;
import static org.scribe3d.phantom.report.ReportWords.stationPlace;
import static org.scribe3d.phantom.report.ReportWords.stripThe;

import java.util.Random;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;

/**
 * One sentence per finding: for a positive finding one of several phrasings for its type and the
 * attributes it has (size, side, severity, location), for a negated one a short negative statement.
 * Several phrasings per type keep a model from memorising one template; which one is used comes from
 * the caller's generator.
 */
final class FindingSentences {
  private FindingSentences() {}

  /** The sentence for one finding (positive or negated), capitalised. */
  static String of(Finding f, Random rng) {
    return cap(f.negated() ? negative(f.type(), rng) : positive(f, rng));
  }

  private static String positive(Finding f, Random r) {
    String size = f.sizeMm() == null ? null : size(f.sizeMm(), r);
    return switch (f.type()) {
      case LUNG_NODULE -> lungNodule(f, size, r);
      case PLEURAL_EFFUSION -> pleuralEffusion(f, size, r);
      case CONSOLIDATION -> consolidation(f, size, r);
      case CARDIOMEGALY -> cardiomegaly(f, size, r);
      case PERICARDIAL_EFFUSION -> pericardialEffusion(f, size, r);
      case MEDIASTINAL_LYMPHADENOPATHY -> node(f, size, r, "mediastinal");
      case LIVER_LESION -> liverLesion(f, size, r);
      case HEPATOMEGALY -> enlargedOrgan(f, size, r, "liver", "hepatomegaly", "craniocaudal span");
      case SPLENOMEGALY -> enlargedOrgan(f, size, r, "spleen", "splenomegaly", "length");
      case RENAL_CYST -> renalCyst(f, size, r);
      case KIDNEY_STONE -> kidneyStone(f, size, r);
      case ASCITES -> ascites(f, size, r);
      case BLADDER_WALL_THICKENING -> bladderWall(f, size, r);
      case BLADDER_STONE -> bladderStone(size, r);
      case PELVIC_LYMPHADENOPATHY -> node(f, size, r, "pelvic");
    };
  }

  private static String negative(FindingType t, Random r) {
    return switch (t) {
      case LUNG_NODULE -> pick(r, "No suspicious pulmonary nodule.", "No lung nodules are seen.");
      case PLEURAL_EFFUSION -> pick(r, "No pleural effusion.", "There is no pleural effusion.");
      case CONSOLIDATION -> pick(r, "No focal consolidation.", "There is no airspace consolidation.");
      case CARDIOMEGALY -> pick(r, "No cardiomegaly.", "The heart is not enlarged.");
      case PERICARDIAL_EFFUSION -> pick(r, "No pericardial effusion.", "There is no pericardial effusion.");
      case MEDIASTINAL_LYMPHADENOPATHY -> pick(r, "No mediastinal lymphadenopathy.",
          "No enlarged mediastinal lymph nodes.");
      case LIVER_LESION -> pick(r, "No focal liver lesion.", "No focal hepatic lesion is seen.");
      case HEPATOMEGALY -> pick(r, "No hepatomegaly.", "The liver is not enlarged.");
      case SPLENOMEGALY -> pick(r, "No splenomegaly.", "The spleen is not enlarged.");
      case RENAL_CYST -> pick(r, "No renal cysts.", "No cystic renal lesion is seen.");
      case KIDNEY_STONE -> pick(r, "No renal calculi.", "No nephrolithiasis.");
      case ASCITES -> pick(r, "No ascites.", "There is no ascites.");
      case BLADDER_WALL_THICKENING -> pick(r, "No bladder wall thickening.", "The bladder wall is not thickened.");
      case BLADDER_STONE -> pick(r, "No bladder calculi.", "There is no bladder stone.");
      case PELVIC_LYMPHADENOPATHY -> pick(r, "No pelvic lymphadenopathy.", "No enlarged pelvic lymph nodes.");
    };
  }

  private static String lungNodule(Finding f, String size, Random r) {
    String lobe = f.location();
    String side = f.side();
    String sz = size == null ? "" : size + " ";
    if (lobe != null) {
      String L = lobe(lobe, r);
      if (size == null) {
        return pick(r, "A nodule is seen in " + L + ".", "There is a solid nodule in " + L + ".",
            "Noncalcified nodule in " + L + ".");
      }
      return switch (r.nextInt(7)) {
        case 0 -> art(size) + " " + size + " nodule is seen in " + L + ".";
        case 1 -> "There is " + art(size) + " " + size + " solid nodule in " + L + ".";
        case 2 -> stripThe(L) + " nodule measuring " + size + ".";
        case 3 -> "A solid pulmonary nodule in " + L + " measures " + size + ".";
        case 4 -> "Noncalcified nodule in " + L + ", " + size + ".";
        case 5 -> "A nodular shadow is seen in " + L + ", about " + size + " in diameter.";
        default -> "A well-circumscribed nodule in " + L + " measures " + size + ".";
      };
    }
    if ("bilateral".equals(side)) {
      return size == null ? "Bilateral pulmonary nodules."
          : pick(r, "Bilateral pulmonary nodules, the largest measuring " + size + ".",
              "Multiple nodules in both lungs, up to " + size + ".");
    }
    if (side != null) {
      return pick(r, cap(art(sz + "x")) + " " + sz + "nodule in the " + side + " lung.",
          "There is " + art(sz + "x") + " " + sz + "pulmonary nodule in the " + side + " lung.",
          cap(side) + " lung nodule" + (size == null ? "." : " measuring " + size + "."));
    }
    return pick(r, cap(art(sz + "x")) + " " + sz + "pulmonary nodule is noted.",
        "There is " + art(sz + "x") + " " + sz + "lung nodule.");
  }

  private static String pleuralEffusion(Finding f, String size, Random r) {
    String sev = amount(f.severity(), r);
    String side = f.side();
    String sizeClause = size == null ? "" : pick(r, ", measuring up to " + size + " in depth",
        " with a maximal depth of " + size);
    boolean bi = "bilateral".equals(side);
    String effusion = bi ? "pleural effusions" : "pleural effusion";
    String sevSp = sev == null ? "" : sev + " ";
    String sideSp = side == null ? "" : side + " ";
    switch (r.nextInt(side != null && !bi ? 5 : 3)) {
      case 0:
        return cap(sevSp + sideSp + effusion + sizeClause + ".");
      case 1:
        return "There " + (bi ? "are " : "is " + art(sevSp + sideSp + "x") + " ") + sevSp + sideSp
            + effusion + sizeClause + ".";
      case 2:
        String amt = sev == null ? "Fluid" : cap(art(sev)) + " " + sev + " amount of fluid";
        String where = bi ? "both pleural cavities" : side == null ? "the pleural cavity"
            : "the " + side + " pleural cavity";
        return amt + " is seen in " + where + sizeClause + ".";
      case 3:
        return cap(art(sevSp + "x")) + " " + sevSp + "pleural effusion is present on the " + side
            + sizeClause + ".";
      default:
        return cap(sevSp + side + "-sided pleural effusion" + sizeClause + ".");
    }
  }

  private static String consolidation(Finding f, String size, Random r) {
    String sev = f.severity() == null ? null : switch (f.severity()) {
      case "mild" -> pick(r, "patchy", "mild");
      case "moderate" -> "moderate";
      default -> pick(r, "extensive", "severe");
    };
    String sevSp = sev == null ? "" : sev + " ";
    String where;
    if (f.location() != null) {
      where = lobe(f.location(), r);
    } else if ("bilateral".equals(f.side())) {
      where = "both lungs";
    } else if (f.side() != null) {
      where = "the " + f.side() + " lung";
    } else {
      where = "the lung";
    }
    String sizeClause = size == null ? "" : ", measuring " + size;
    return switch (r.nextInt(4)) {
      case 0 -> cap(sevSp + "consolidation in " + where + sizeClause + ".");
      case 1 -> "There is " + sevSp + "airspace consolidation in " + where + sizeClause + ".";
      case 2 -> cap(sevSp + "consolidation with air bronchograms is seen in " + where + sizeClause + ".");
      default -> cap(sevSp + "consolidative opacity in " + where + sizeClause + ".");
    };
  }

  private static String cardiomegaly(Finding f, String size, Random r) {
    String sev = f.severity() == null ? null : switch (f.severity()) {
      case "mild" -> "mild";
      case "moderate" -> "moderate";
      default -> pick(r, "marked", "severe");
    };
    String sizeClause = size == null ? "" : ", with a transverse cardiac diameter of " + size;
    return switch (r.nextInt(4)) {
      case 0 -> cap((sev == null ? "" : sev + " ") + "cardiomegaly" + sizeClause + ".");
      case 1 -> "The heart is " + (sev == null ? "" : adverb(sev) + " ") + "enlarged" + sizeClause + ".";
      case 2 -> "Cardiac enlargement" + (sev == null ? "" : ", " + sev) + sizeClause + ".";
      default -> "The cardiac silhouette is " + (sev == null ? "" : adverb(sev) + " ") + "enlarged"
          + sizeClause + ".";
    };
  }

  private static String pericardialEffusion(Finding f, String size, Random r) {
    String sev = amount(f.severity(), r);
    String sevSp = sev == null ? "" : sev + " ";
    String sizeClause = size == null ? "" : pick(r, " measuring " + size + " in maximal thickness",
        ", up to " + size + " thick");
    return switch (r.nextInt(3)) {
      case 0 -> cap(sevSp + "pericardial effusion" + sizeClause + ".");
      case 1 -> "There is " + art(sevSp + "x") + " " + sevSp + "pericardial effusion" + sizeClause + ".";
      default -> (sev == null ? "Pericardial fluid" : cap(art(sev)) + " " + sev
          + " amount of pericardial fluid") + " is present" + sizeClause + ".";
    };
  }

  private static String node(Finding f, String size, Random r, String group) {
    String st = f.location();
    String sev = f.severity() == null ? null : adverb(f.severity());
    String enlarged = sev == null ? "enlarged" : sev + " enlarged";
    String sa = size == null ? "" : pick(r, " measuring " + size + " in short axis",
        " measuring " + size, ", " + size + " in short axis");
    if (st == null) {
      String where = f.side() == null || "bilateral".equals(f.side()) ? group
          : f.side() + "-sided " + group;
      String w = "bilateral".equals(f.side()) ? "bilateral " + where : where;
      return pick(r, cap(art(enlarged)) + " " + enlarged + " " + w + " lymph node" + sa + ".",
          cap(w) + " lymphadenopathy" + (size == null ? "" : ", up to " + size + " in short axis") + ".");
    }
    String chainly = stationPlace(st);
    if (size == null) {
      return pick(r, "There is " + art(enlarged) + " " + enlarged + " " + st + " lymph node.",
          cap(st) + " lymphadenopathy.",
          cap(art(enlarged)) + " " + enlarged + " lymph node is seen in " + chainly + ".");
    }
    int variant = r.nextInt(5);
    if (variant == 2 && f.sizeMm() < 10) {
      variant = 0; // a sub-centimetre node is only a finding when called enlarged
    }
    return switch (variant) {
      case 0 -> cap(art(enlarged)) + " " + enlarged + " " + st + " lymph node" + sa + ".";
      case 1 -> cap(st) + " lymphadenopathy, up to " + size + " in short axis.";
      case 2 -> "There is " + art(size) + " " + size + " " + st + " lymph node.";
      case 3 -> cap(enlarged) + " lymph node in " + chainly + ", " + size + ".";
      default -> cap(enlarged) + " lymph nodes are seen in " + chainly + ", the largest about "
          + size + " in short axis.";
    };
  }

  private static String liverLesion(Finding f, String size, Random r) {
    String seg = f.location() == null ? null : segment(f.location(), r);
    String lobeSide = f.side() == null || "bilateral".equals(f.side()) ? null : f.side();
    String where;
    if (seg != null && lobeSide != null) {
      where = seg + " of the " + lobeSide + " hepatic lobe";
    } else if (seg != null) {
      where = seg.startsWith("hepatic") ? seg : seg + " of the liver";
    } else if (lobeSide != null) {
      where = pick(r, "the " + lobeSide + " hepatic lobe", "the " + lobeSide + " lobe of the liver");
    } else {
      where = "the liver";
    }
    if (size == null) {
      return pick(r, "A hypodense lesion is seen in " + where + ".",
          "There is a hypoattenuating lesion in " + where + ".",
          "A low-attenuation lesion in " + where + ", too small to characterize.");
    }
    return switch (r.nextInt(5)) {
      case 0 -> cap(art(size)) + " " + size + " hypodense lesion in " + where + ".";
      case 1 -> "There is " + art(size) + " " + size + " hypoattenuating lesion in " + where + ".";
      case 2 -> "Hypodense lesion in " + where + ", measuring " + size + ".";
      case 3 -> "A round low-density shadow is seen in " + where + ", about " + size + ".";
      default -> "A well-defined hypoenhancing lesion in " + where + " measures " + size + ".";
    };
  }

  private static String enlargedOrgan(Finding f, String size, Random r, String organ, String term,
      String dim) {
    String sev = f.severity() == null ? null : switch (f.severity()) {
      case "mild" -> "mild";
      case "moderate" -> "moderate";
      default -> pick(r, "marked", "massive");
    };
    String sizeClause = size == null ? "" : pick(r, ", measuring " + size + " in " + dim,
        " (" + dim + " " + size + ")");
    return switch (r.nextInt(3)) {
      case 0 -> "The " + organ + " is " + (sev == null ? "" : adverb(sev) + " ") + "enlarged" + sizeClause + ".";
      case 1 -> cap((sev == null ? "" : sev + " ") + term + sizeClause + ".");
      default -> "The " + organ + " is " + (sev == null ? "" : adverb(sev) + " ") + "increased in size"
          + sizeClause + ".";
    };
  }

  private static String renalCyst(Finding f, String size, Random r) {
    String where = kidney(f.side(), f.location(), r);
    if ("bilateral".equals(f.side())) {
      return size == null ? "Bilateral simple renal cysts."
          : pick(r, "Bilateral simple renal cysts, the largest measuring " + size + ".",
              "Simple cysts in both kidneys, up to " + size + ".");
    }
    if (size == null) {
      return pick(r, "A simple cyst in " + where + ".", "There is a cortical cyst in " + where + ".");
    }
    return switch (r.nextInt(4)) {
      case 0 -> cap(art(size)) + " " + size + " simple cyst in " + where + ".";
      case 1 -> "There is " + art(size) + " " + size + " cyst arising from " + where + ".";
      case 2 -> "Simple cortical cyst in " + where + ", " + size + ".";
      default -> "A round fluid-density lesion is seen in " + where + ", about " + size + " in diameter.";
    };
  }

  private static String kidneyStone(Finding f, String size, Random r) {
    String where = kidney(f.side(), f.location(), r);
    if ("bilateral".equals(f.side())) {
      return size == null ? "Bilateral nonobstructing renal calculi."
          : pick(r, "Bilateral nonobstructing renal calculi, the largest " + size + ".",
              "Calculi in both kidneys, up to " + size + ".");
    }
    if (size == null) {
      return pick(r, "A nonobstructing calculus in " + where + ".", "There is a stone in " + where + ".");
    }
    return switch (r.nextInt(4)) {
      case 0 -> cap(art(size)) + " " + size + " nonobstructing calculus in " + where + ".";
      case 1 -> "There is " + art(size) + " " + size + " stone in " + where + ".";
      case 2 -> "Calculus in " + where + " measuring " + size + ", without hydronephrosis.";
      default -> "A dense calcification consistent with a stone is seen in " + where + ", about " + size + ".";
    };
  }

  private static String ascites(Finding f, String size, Random r) {
    String sev = amount(f.severity(), r);
    String sizeClause = size == null ? "" : ", with a deepest pocket of " + size;
    return switch (r.nextInt(3)) {
      case 0 -> cap((sev == null ? "" : sev + " ") + "ascites" + sizeClause + ".");
      case 1 -> "There is " + (sev == null ? "" : art(sev) + " " + sev + " volume of ") + "ascites"
          + sizeClause + ".";
      default -> (sev == null ? "Free fluid" : cap(art(sev)) + " " + sev + " amount of free fluid")
          + " is seen in the abdominal cavity" + sizeClause + ".";
    };
  }

  private static String bladderWall(Finding f, String size, Random r) {
    String sev = f.severity() == null ? null : switch (f.severity()) {
      case "mild" -> "mild";
      case "moderate" -> "moderate";
      default -> "marked";
    };
    String sizeClause = size == null ? "" : pick(r, ", measuring " + size, " up to " + size);
    return switch (r.nextInt(3)) {
      case 0 -> "The urinary bladder wall is " + (sev == null ? "" : adverb(sev) + " ") + "thickened"
          + sizeClause + ".";
      case 1 -> cap((sev == null ? "" : sev + " ") + "diffuse bladder wall thickening" + sizeClause + ".");
      default -> cap((sev == null ? "" : sev + " ") + "circumferential thickening of the bladder wall"
          + sizeClause + ".");
    };
  }

  private static String bladderStone(String size, Random r) {
    if (size == null) {
      return pick(r, "A calculus in the urinary bladder.", "There is a bladder stone.");
    }
    return switch (r.nextInt(4)) {
      case 0 -> cap(art(size)) + " " + size + " calculus in the urinary bladder.";
      case 1 -> "There is " + art(size) + " " + size + " bladder stone.";
      case 2 -> "Bladder calculus measuring " + size + ".";
      default -> "A dense stone is seen in the bladder lumen, about " + size + ".";
    };
  }
}
