package org.scribe3d.phantom;

import java.util.Locale;

/**
 * Image size presets. The field of view is physical (a whole adult body), so the voxel spacing
 * follows from the matrix: 512² gives clinical 0.7-0.9 mm pixels, 96² a coarse but fast demo.
 */
public enum SizePreset {
  /** 96×96 in-plane, 6-8 mm slices (~80-110 slices): a CPU demo in well under a second per case. */
  SMALL(96, 6.0, 8.0),
  /** 256×256, 4.5-5.5 mm slices (~115-145 slices). */
  MEDIUM(256, 4.5, 5.5),
  /** 512×512, 1.8-2.5 mm slices (~255-350 slices), clinical resolution. */
  FULL(512, 1.8, 2.5);

  final int inPlane;
  final double minSlice;
  final double maxSlice;

  SizePreset(int inPlane, double minSlice, double maxSlice) {
    this.inPlane = inPlane;
    this.minSlice = minSlice;
    this.maxSlice = maxSlice;
  }

  public int inPlane() {
    return inPlane;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SizePreset parse(String s) {
    for (SizePreset p : values()) {
      if (p.key().equalsIgnoreCase(s.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown size '" + s + "' (expected small, medium or full)");
  }
}
