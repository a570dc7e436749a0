package org.scribe3d.phantom.report;

import static org.scribe3d.phantom.report.ReportWords.pick;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
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
 *
 * <p>This class orders each region's paragraph and adds the normal statements; the sentence for one
 * finding is {@link FindingSentences}' and the attribute words are {@link ReportWords}'.
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
    return FindingSentences.of(f, rng);
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

  private static String join(List<String> sentences) {
    return String.join(" ", sentences);
  }
}
