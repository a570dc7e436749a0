package org.scribe3d.data;

import java.util.Locale;

/**
 * The structured finding vocabulary shared by the phantom benchmark (ground_truth.json), the finding
 * extractor (text) and the finding-level evaluation. Each type belongs to one region and one organ.
 * JSON uses {@link #key()} (e.g. "lung_nodule").
 */
public enum FindingType {
  LUNG_NODULE(Region.CHEST, "lung"),
  PLEURAL_EFFUSION(Region.CHEST, "pleura"),
  CONSOLIDATION(Region.CHEST, "lung"),
  CARDIOMEGALY(Region.CHEST, "heart"),
  PERICARDIAL_EFFUSION(Region.CHEST, "pericardium"),
  MEDIASTINAL_LYMPHADENOPATHY(Region.CHEST, "mediastinum"),
  LIVER_LESION(Region.ABDOMEN, "liver"),
  HEPATOMEGALY(Region.ABDOMEN, "liver"),
  SPLENOMEGALY(Region.ABDOMEN, "spleen"),
  RENAL_CYST(Region.ABDOMEN, "kidney"),
  KIDNEY_STONE(Region.ABDOMEN, "kidney"),
  ASCITES(Region.ABDOMEN, "peritoneum"),
  BLADDER_WALL_THICKENING(Region.PELVIS, "bladder"),
  BLADDER_STONE(Region.PELVIS, "bladder"),
  PELVIC_LYMPHADENOPATHY(Region.PELVIS, "pelvic lymph nodes");

  private final Region region;
  private final String organ;

  FindingType(Region region, String organ) {
    this.region = region;
    this.organ = organ;
  }

  public Region region() {
    return region;
  }

  /** The organ or structure, lower case, as written in ground_truth.json. */
  public String organ() {
    return organ;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FindingType parse(String key) {
    for (FindingType t : values()) {
      if (t.key().equalsIgnoreCase(key.trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown finding type '" + key + "'");
  }
}
