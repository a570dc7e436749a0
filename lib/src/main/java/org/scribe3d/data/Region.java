package org.scribe3d.data;

import java.util.Locale;

/** The three report regions of AMOS-MM (and of the paper's per-region prompts). */
public enum Region {
  CHEST,
  ABDOMEN,
  PELVIS;

  /** The lower-case key used in dataset.json ("chest", "abdomen", "pelvis"). */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses "chest" / "Abdomen" / "PELVIS"; throws with the allowed values otherwise. */
  public static Region parse(String s) {
    for (Region r : values()) {
      if (r.key().equalsIgnoreCase(s.trim())) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown region '" + s + "' (expected chest, abdomen or pelvis)");
  }
}
