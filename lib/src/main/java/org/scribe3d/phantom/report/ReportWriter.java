package org.scribe3d.phantom.report;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;
import org.scribe3d.data.Region;

/**
 * Writes the findings section of a CT report, per region, from structured findings, the way
 * radiologists phrase it: several phrasings per finding and attribute combination (so a model cannot
 * memorise one template), sizes in mm or cm, one or more dimensions, lobe / segment / nodal station,
 * severity words, and normal or negative statements for what is absent, so every region has text.
 *
 * <p>Attributes used per type: side (nodule, effusion, consolidation, renal cyst, kidney stone, pelvic
 * and hilar nodes, liver lobe for liver lesions), sizeMm (every type; largest diameter, short axis
 * for nodes, span for enlarged organs, depth / thickness for fluid and walls), severity (effusions,
 * consolidation, enlarged organs, ascites, bladder wall), location from {@link ReportVocabulary}.
 * Severity is not written for lesions, nodules, cysts, stones and nodes. Output depends only on the
 * findings and the random generator's state.
 */
public final class ReportWriter {
  private ReportWriter() {}

  /** Chest, abdomen and pelvis text (never empty) for the findings of one case. */
  public static Map<Region, String> write(List<Finding> findings, Random rng) {
    Map<Region, String> out = new EnumMap<>(Region.class);
    Set<FindingType> present = EnumSet.noneOf(FindingType.class);
    Set<FindingType> stated = EnumSet.noneOf(FindingType.class);
    for (Finding f : findings) {
      stated.add(f.type());
      if (!f.negated()) {
        present.add(f.type());
      }
    }
    Ctx ctx = new Ctx(rng, findings, present, stated);
    out.put(Region.CHEST, join(chest(ctx)));
    out.put(Region.ABDOMEN, join(abdomen(ctx)));
    out.put(Region.PELVIS, join(pelvis(ctx)));
    return out;
  }

  /** One sentence for one finding (positive or negated), without the rest of the report. */
  public static String sentence(Finding f, Random rng) {
    return cap(f.negated() ? negative(f.type(), rng) : positive(f, rng));
  }

  private record Ctx(Random rng, List<Finding> findings, Set<FindingType> present, Set<FindingType> stated) {
    boolean absent(FindingType t) {
      return !present.contains(t);
    }

    /** Absent and not explicitly stated as negated (a negated finding gets its own sentence). */
    boolean free(FindingType t) {
      return !stated.contains(t);
    }

    /** Adds the sentences for every finding of these types, in input order. */
    void emit(List<String> s, FindingType... types) {
      for (Finding f : findings) {
        for (FindingType t : types) {
          if (f.type() == t) {
            s.add(sentence(f, rng));
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- regions

  private static List<String> chest(Ctx c) {
    List<String> s = new ArrayList<>();
    Random r = c.rng;
    c.emit(s, FindingType.LUNG_NODULE, FindingType.CONSOLIDATION);
    boolean noNod = c.free(FindingType.LUNG_NODULE);
    boolean noCons = c.free(FindingType.CONSOLIDATION);
    if (noNod && noCons) {
      s.add(pick(r, "The lungs are clear.", "No focal consolidation or suspicious pulmonary nodule.",
          "Both lungs are clear without nodules or consolidation.",
          "No pulmonary nodules, masses or consolidation are identified.",
          "The lung parenchyma shows no nodule or consolidation.",
          "No abnormal density is seen in the parenchyma of either lung."));
    } else if (noNod) {
      s.add(pick(r, "No suspicious pulmonary nodule.", "No pulmonary nodules are seen.",
          "No discrete lung nodule is identified."));
    } else if (noCons) {
      s.add(pick(r, "No focal consolidation.", "No airspace consolidation.",
          "There is no consolidation."));
    }
    c.emit(s, FindingType.PLEURAL_EFFUSION);
    if (c.free(FindingType.PLEURAL_EFFUSION)) {
      s.add(pick(r, "No pleural effusion.", "No pleural effusion or pneumothorax.",
          "There is no pleural effusion.", "The pleural spaces are clear.",
          "No fluid is seen in either pleural cavity."));
    } else if (r.nextInt(3) == 0) {
      s.add("No pneumothorax.");
    }
    c.emit(s, FindingType.CARDIOMEGALY, FindingType.PERICARDIAL_EFFUSION);
    boolean noCard = c.free(FindingType.CARDIOMEGALY);
    boolean noPeri = c.free(FindingType.PERICARDIAL_EFFUSION);
    if (noCard && noPeri) {
      s.add(pick(r, "The heart is normal in size without pericardial effusion.",
          "Heart size is normal. No pericardial effusion.",
          "Normal heart size; no pericardial effusion.",
          "The heart is not enlarged and there is no pericardial effusion."));
    } else if (noCard) {
      s.add(pick(r, "The heart is normal in size.", "Heart size is normal.", "No cardiomegaly."));
    } else if (noPeri) {
      s.add(pick(r, "No pericardial effusion.", "There is no pericardial effusion."));
    }
    c.emit(s, FindingType.MEDIASTINAL_LYMPHADENOPATHY);
    if (c.free(FindingType.MEDIASTINAL_LYMPHADENOPATHY)) {
      s.add(pick(r, "No enlarged mediastinal or hilar lymph nodes.",
          "No mediastinal or hilar lymphadenopathy.",
          "There is no mediastinal lymphadenopathy.",
          "No enlarged lymph nodes are seen in the mediastinum or hila."));
    }
    if (r.nextBoolean()) {
      s.add(pick(r, "The central airways are patent.", "The thoracic aorta is normal in caliber.",
          "The trachea and main bronchi are patent.",
          "No destructive lesion of the thoracic spine or ribs."));
    }
    return s;
  }

  private static List<String> abdomen(Ctx c) {
    List<String> s = new ArrayList<>();
    Random r = c.rng;
    c.emit(s, FindingType.HEPATOMEGALY, FindingType.LIVER_LESION);
    boolean noHep = c.free(FindingType.HEPATOMEGALY);
    boolean noLes = c.free(FindingType.LIVER_LESION);
    if (noHep && noLes) {
      s.add(pick(r, "The liver is normal in size and attenuation without focal lesion.",
          "The liver is unremarkable.", "No focal hepatic lesion. Liver size is normal.",
          "The liver is normal in size and contour with no focal lesion.",
          "The size and shape of the liver are normal, with no abnormal density in the parenchyma."));
    } else if (noHep) {
      s.add(pick(r, "The liver is normal in size.", "Liver size is normal.",
          "The liver is not enlarged."));
    } else if (noLes) {
      s.add(pick(r, "No focal liver lesion.", "No focal hepatic lesion is seen.",
          "There is no focal lesion in the liver."));
    }
    if (r.nextBoolean()) {
      s.add(pick(r, "The gallbladder is unremarkable.", "The gallbladder is normal without calculi.",
          "The biliary tree is not dilated."));
    }
    c.emit(s, FindingType.SPLENOMEGALY);
    if (c.free(FindingType.SPLENOMEGALY)) {
      s.add(pick(r, "The spleen is normal in size.", "The spleen is unremarkable.",
          "Spleen size is normal.", "No splenomegaly."));
    }
    if (r.nextBoolean()) {
      s.add(pick(r, "The pancreas and adrenal glands are unremarkable.",
          "The pancreas is normal in size without ductal dilatation.",
          "The adrenal glands are normal."));
    }
    c.emit(s, FindingType.RENAL_CYST, FindingType.KIDNEY_STONE);
    boolean noCyst = c.free(FindingType.RENAL_CYST);
    boolean noStone = c.free(FindingType.KIDNEY_STONE);
    if (noCyst && noStone) {
      s.add(pick(r, "The kidneys are normal in size without hydronephrosis, calculi or focal lesion.",
          "Both kidneys are unremarkable.", "No renal calculi, cysts or hydronephrosis.",
          "The kidneys enhance symmetrically with no focal lesion or stone."));
    } else if (noCyst) {
      s.add(pick(r, "No focal renal lesion.", "No renal cysts are seen.",
          "No cystic lesion of either kidney."));
    } else if (noStone) {
      s.add(pick(r, "No renal calculi or hydronephrosis.", "No nephrolithiasis.",
          "There are no kidney stones."));
    }
    c.emit(s, FindingType.ASCITES);
    if (c.free(FindingType.ASCITES)) {
      s.add(pick(r, "No ascites.", "There is no ascites.", "No free fluid in the abdomen.",
          "No fluid is seen in the abdominal cavity."));
    }
    if (r.nextBoolean()) {
      s.add(pick(r, "The abdominal aorta is normal in caliber.",
          "No retroperitoneal lymphadenopathy.", "The bowel loops are not dilated.",
          "No aggressive osseous lesion of the lumbar spine."));
    }
    return s;
  }

  private static List<String> pelvis(Ctx c) {
    List<String> s = new ArrayList<>();
    Random r = c.rng;
    c.emit(s, FindingType.BLADDER_WALL_THICKENING, FindingType.BLADDER_STONE);
    boolean noWall = c.free(FindingType.BLADDER_WALL_THICKENING);
    boolean noStone = c.free(FindingType.BLADDER_STONE);
    if (noWall && noStone) {
      s.add(pick(r, "The urinary bladder is unremarkable.",
          "The bladder is well distended with normal wall thickness and no calculi.",
          "The bladder is adequately distended without wall thickening or calculi.",
          "The urinary bladder is normal in shape with a smooth wall."));
    } else if (noWall) {
      s.add(pick(r, "The bladder wall is not thickened.", "No bladder wall thickening.",
          "The bladder wall is smooth and of normal thickness."));
    } else if (noStone) {
      s.add(pick(r, "No bladder calculi.", "No calculus in the urinary bladder.",
          "There is no bladder stone."));
    }
    c.emit(s, FindingType.PELVIC_LYMPHADENOPATHY);
    if (c.free(FindingType.PELVIC_LYMPHADENOPATHY)) {
      s.add(pick(r, "No pelvic or inguinal lymphadenopathy.", "No enlarged pelvic lymph nodes.",
          "There is no pelvic lymphadenopathy.", "No enlarged lymph nodes in the pelvis."));
    }
    if (r.nextInt(3) > 0) {
      s.add(pick(r, "No free fluid in the pelvis.", "The pelvic bones are intact.",
          "The rectum and sigmoid colon are unremarkable.", "No pelvic mass.",
          "No destructive lesion of the sacrum or pelvic bones."));
    }
    return s;
  }

  // ---------------------------------------------------------------- single findings

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

  private static String kidney(String side, String part, Random r) {
    if ("bilateral".equals(side)) {
      return part == null ? "both kidneys" : "the " + part + " of both kidneys";
    }
    String k = side == null ? "kidney" : side + " kidney";
    return part == null ? "the " + k : "the " + part + " of the " + k;
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

  // ---------------------------------------------------------------- attribute words

  /** Size as radiologists write it: "12 mm", "1.2 cm", "12 x 9 mm", "1.2 x 0.9 cm". */
  static String size(double mm, Random r) {
    boolean wholeMm = Math.abs(mm - Math.rint(mm)) <= 0.25;
    boolean cm = wholeMm && r.nextInt(3) == 0;
    int dims = r.nextInt(4) == 0 ? 2 : 1;
    StringBuilder b = new StringBuilder(cm ? cmNum(Math.rint(mm)) : num(mm));
    if (dims == 2 && mm >= 3) {
      double second = Math.max(1, Math.rint(mm * (0.55 + 0.35 * r.nextDouble())));
      if (second >= Math.rint(mm)) {
        second = Math.rint(mm) - 1;
      }
      b.append(" x ").append(cm ? cmNum(second) : num(second));
    }
    return b.append(cm ? " cm" : " mm").toString();
  }

  /** Whole millimetres as centimetres with one decimal below 10 cm ("1.0", "2.3", "21"). */
  static String cmNum(double wholeMm) {
    return wholeMm >= 100 && wholeMm % 10 == 0 ? Long.toString(Math.round(wholeMm / 10))
        : String.format(Locale.ROOT, "%.1f", wholeMm / 10.0);
  }

  static String num(double v) {
    double one = Math.rint(v * 10) / 10.0;
    if (Math.abs(one - Math.rint(one)) < 1e-9) {
      return Long.toString(Math.round(one));
    }
    return String.format(Locale.ROOT, "%.1f", one);
  }

  private static String amount(String severity, Random r) {
    if (severity == null) {
      return null;
    }
    return switch (severity) {
      case "mild" -> "small";
      case "moderate" -> "moderate";
      default -> "large";
    };
  }

  private static String adverb(String sev) {
    return switch (sev) {
      case "mild" -> "mildly";
      case "moderate" -> "moderately";
      case "marked" -> "markedly";
      case "massive" -> "massively";
      default -> "severely";
    };
  }

  private static final Map<String, String> LOBE_ABBR = Map.of(
      "right upper lobe", "RUL", "right middle lobe", "RML", "right lower lobe", "RLL",
      "left upper lobe", "LUL", "left lower lobe", "LLL");

  /** "the right upper lobe", "the upper lobe of the right lung", "the RUL". */
  private static String lobe(String loc, Random r) {
    String abbr = LOBE_ABBR.get(loc);
    if (abbr == null) {
      return "the " + loc;
    }
    String[] w = loc.split(" ");
    return switch (r.nextInt(5)) {
      case 0, 1 -> "the " + loc;
      case 2 -> "the " + w[1] + " lobe of the " + w[0] + " lung";
      case 3 -> "the " + loc + " (" + abbr + ")";
      default -> "the " + abbr;
    };
  }

  private static final String[] ROMAN = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII"};

  /** "segment 7", "segment VII", "hepatic segment 7". */
  private static String segment(String loc, Random r) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("segment (\\d)").matcher(loc);
    if (!m.matches()) {
      return "the " + loc;
    }
    int n = Integer.parseInt(m.group(1));
    if (n < 1 || n > 8) {
      return loc;
    }
    return switch (r.nextInt(3)) {
      case 0 -> "segment " + n;
      case 1 -> "segment " + ROMAN[n];
      default -> "hepatic segment " + (r.nextBoolean() ? ROMAN[n] : Integer.toString(n));
    };
  }

  private static String stationPlace(String st) {
    if (st.endsWith("iliac")) {
      return "the " + st + " chain";
    }
    if (st.equals("aortopulmonary window")) {
      return "the aortopulmonary window";
    }
    return "the " + st + " region";
  }

  // ---------------------------------------------------------------- helpers

  @SafeVarargs
  private static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }

  /** "a" or "an" for the text that follows ("an 8 mm", "an 11 mm", "a 12 mm", "an enlarged"). */
  static String art(String following) {
    String s = following.toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      return "a";
    }
    if (s.startsWith("8") || s.matches("^(11|18)(\\D.*)?$")) {
      return "an";
    }
    return "aeiou".indexOf(s.charAt(0)) >= 0 ? "an" : "a";
  }

  private static String stripThe(String s) {
    return cap(s.startsWith("the ") ? s.substring(4) : s);
  }

  static String cap(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String join(List<String> sentences) {
    return String.join(" ", sentences);
  }
}
