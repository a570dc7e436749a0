package org.scribe3d.phantom;

/**
 * Tissue labels of the phantom's label map (one byte per voxel, rendered alongside the HU values).
 * Labels below {@link #FINDING_BASE} are anatomy; {@code FINDING_BASE + n} is the voxels of finding
 * instance n, so every finding's painted extent can be measured exactly after rendering.
 */
final class Tissue {
  private Tissue() {}

  static final int AIR = 0;
  static final int FAT = 1; // subcutaneous
  static final int MUSCLE = 2;
  static final int CAVITY_FAT = 3; // intraperitoneal / pelvic fat (where ascites collects)
  static final int RETRO_FAT = 4; // perirenal / retroperitoneal
  static final int MEDIASTINAL_FAT = 5;
  static final int BONE_CORTEX = 6;
  static final int BONE_MARROW = 7;
  static final int DISC = 8;
  static final int CSF = 9;
  static final int RUL = 10;
  static final int RML = 11;
  static final int RLL = 12;
  static final int LUL = 13;
  static final int LLL = 14;
  static final int LUNG_VESSEL = 15;
  static final int AIRWAY = 16;
  static final int HEART_BLOOD = 17;
  static final int MYOCARDIUM = 18;
  static final int AORTA = 19;
  static final int VEIN = 20;
  static final int LIVER_S1 = 21; // .. LIVER_S1 + 7 = segment 8
  static final int SPLEEN = 29;
  static final int KIDNEY_CORTEX_R = 30;
  static final int KIDNEY_MEDULLA_R = 31;
  static final int KIDNEY_CORTEX_L = 32;
  static final int KIDNEY_MEDULLA_L = 33;
  static final int RENAL_SINUS = 34;
  static final int STOMACH_WALL = 35;
  static final int BOWEL_WALL = 36;
  static final int BOWEL_GAS = 37;
  static final int BOWEL_FLUID = 38;
  static final int BLADDER_WALL = 39;
  static final int URINE = 40;
  static final int PANCREAS = 41;
  static final int ESOPHAGUS = 42;
  static final int CARTILAGE = 43;
  static final int DIAPHRAGM = 44;
  static final int CORD = 45;
  static final int AIRWAY_WALL = 46;
  static final int COUNT = 47;

  static final int FINDING_BASE = 64;
  static final int MAX_INSTANCES = 255 - FINDING_BASE;

  static boolean isLung(int l) {
    return l >= RUL && l <= LLL;
  }

  static boolean isLungOrVessel(int l) {
    return isLung(l) || l == LUNG_VESSEL;
  }

  static boolean isLiver(int l) {
    return l >= LIVER_S1 && l <= LIVER_S1 + 7;
  }

  static boolean isKidney(int l, int side) {
    return side > 0 ? l == KIDNEY_CORTEX_R || l == KIDNEY_MEDULLA_R : l == KIDNEY_CORTEX_L || l == KIDNEY_MEDULLA_L;
  }

  static boolean isFat(int l) {
    return l == FAT || l == CAVITY_FAT || l == RETRO_FAT || l == MEDIASTINAL_FAT;
  }

  static boolean isBone(int l) {
    return l == BONE_CORTEX || l == BONE_MARROW;
  }

  /** The lobe label of a lobe name from the report vocabulary. */
  static int lobe(String name) {
    return switch (name) {
      case "right upper lobe" -> RUL;
      case "right middle lobe" -> RML;
      case "right lower lobe" -> RLL;
      case "left upper lobe" -> LUL;
      case "left lower lobe" -> LLL;
      default -> throw new IllegalArgumentException("unknown lobe " + name);
    };
  }

  /**
   * Tissue groups that the ground truth names as the surroundings of a finding (the test compares
   * the finding's voxels with these).
   */
  enum Group {
    LUNG("lung"),
    FAT("fat"),
    LIVER("liver"),
    SPLEEN("spleen"),
    KIDNEY("kidney"),
    URINE("urine"),
    HEART("heart"),
    SOFT_TISSUE("soft_tissue");

    final String key;

    Group(String key) {
      this.key = key;
    }

    boolean contains(int l) {
      return switch (this) {
        case LUNG -> isLung(l);
        case FAT -> isFat(l);
        case LIVER -> isLiver(l);
        case SPLEEN -> l == Tissue.SPLEEN;
        case KIDNEY -> l == KIDNEY_CORTEX_R || l == KIDNEY_MEDULLA_R || l == KIDNEY_CORTEX_L
            || l == KIDNEY_MEDULLA_L;
        case URINE -> l == Tissue.URINE;
        case HEART -> l == HEART_BLOOD || l == MYOCARDIUM;
        case SOFT_TISSUE -> l == MUSCLE || l == DIAPHRAGM;
      };
    }
  }
}
