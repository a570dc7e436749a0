package org.scribe3d.data;

import java.util.Locale;

/** Dataset splits. AMOS-MM calls them training / validation (/ test); CT-RATE train / valid. */
public enum Split {
  TRAIN,
  VALIDATION,
  TEST;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Accepts train/training/tr, validation/valid/val/va, test/ts. */
  public static Split parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "train", "training", "tr" -> TRAIN;
      case "validation", "valid", "val", "va" -> VALIDATION;
      case "test", "ts" -> TEST;
      default -> throw new IllegalArgumentException("unknown split '" + s + "' (expected train, validation or test)");
    };
  }
}
