package org.scribe3d.phantom.report;

import java.util.List;
import java.util.Locale;
import org.scribe3d.data.FindingType;

/**
 * The attribute values that {@link ReportWriter} and {@link QuestionWriter} understand, so that the
 * phantom generator picks locations and severities from the same closed vocabulary that the finding
 * extractor reads back. A location outside these lists is still written verbatim, but cannot be
 * recovered reliably from the text.
 */
public final class ReportVocabulary {
  private ReportVocabulary() {}

  public static final List<String> SIDES = List.of("left", "right", "bilateral");
  public static final List<String> SEVERITIES = List.of("mild", "moderate", "severe");

  /** Lung lobes (location of lung nodules and consolidation). */
  public static final List<String> LUNG_LOBES = List.of(
      "right upper lobe", "right middle lobe", "right lower lobe", "left upper lobe", "left lower lobe");

  /** Couinaud liver segments (location of liver lesions), "segment 1" to "segment 8". */
  public static final List<String> LIVER_SEGMENTS = List.of(
      "segment 1", "segment 2", "segment 3", "segment 4", "segment 5", "segment 6", "segment 7",
      "segment 8");

  /** Parts of a kidney (location of renal cysts and stones; the side is in {@code side}). */
  public static final List<String> KIDNEY_PARTS = List.of("upper pole", "interpolar region", "lower pole");

  /** Mediastinal and hilar nodal stations (location of mediastinal lymphadenopathy). */
  public static final List<String> MEDIASTINAL_STATIONS = List.of(
      "subcarinal", "right paratracheal", "left paratracheal", "pretracheal", "prevascular",
      "aortopulmonary window", "paraesophageal", "right hilar", "left hilar");

  /** Pelvic nodal stations (location of pelvic lymphadenopathy). */
  public static final List<String> PELVIC_STATIONS = List.of(
      "right external iliac", "left external iliac", "right internal iliac", "left internal iliac",
      "right common iliac", "left common iliac", "right obturator", "left obturator",
      "right inguinal", "left inguinal");

  /** The locations that apply to a finding type (empty when the type has no finer location). */
  public static List<String> locationsFor(FindingType type) {
    return switch (type) {
      case LUNG_NODULE, CONSOLIDATION -> LUNG_LOBES;
      case LIVER_LESION -> LIVER_SEGMENTS;
      case RENAL_CYST, KIDNEY_STONE -> KIDNEY_PARTS;
      case MEDIASTINAL_LYMPHADENOPATHY -> MEDIASTINAL_STATIONS;
      case PELVIC_LYMPHADENOPATHY -> PELVIC_STATIONS;
      default -> List.of();
    };
  }

  /** The side a location names ("right upper lobe" → "right"), or null. */
  public static String sideOf(String location) {
    if (location == null) {
      return null;
    }
    String l = location.toLowerCase(Locale.ROOT);
    if (l.startsWith("right ")) {
      return "right";
    }
    if (l.startsWith("left ")) {
      return "left";
    }
    if (l.startsWith("bilateral ")) {
      return "bilateral";
    }
    return null;
  }

  /** A plain-English name of the finding, as used in questions ("pleural effusion"). */
  public static String displayName(FindingType type) {
    return switch (type) {
      case LUNG_NODULE -> "lung nodule";
      case PLEURAL_EFFUSION -> "pleural effusion";
      case CONSOLIDATION -> "lung consolidation";
      case CARDIOMEGALY -> "cardiomegaly";
      case PERICARDIAL_EFFUSION -> "pericardial effusion";
      case MEDIASTINAL_LYMPHADENOPATHY -> "enlarged mediastinal lymph node";
      case LIVER_LESION -> "focal liver lesion";
      case HEPATOMEGALY -> "hepatomegaly";
      case SPLENOMEGALY -> "splenomegaly";
      case RENAL_CYST -> "renal cyst";
      case KIDNEY_STONE -> "kidney stone";
      case ASCITES -> "ascites";
      case BLADDER_WALL_THICKENING -> "bladder wall thickening";
      case BLADDER_STONE -> "bladder stone";
      case PELVIC_LYMPHADENOPATHY -> "enlarged pelvic lymph node";
    };
  }
}
