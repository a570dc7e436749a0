package org.scribe3d.notebook;

import org.scribe3d.volume.Volume;

/**
 * A probability map for one finding label over a volume's voxels, with its geometry (any grid:
 * {@link CtViewer} resamples it onto the scan it shows through world coordinates).
 *
 * @param label the head label, e.g. {@code type:lung_nodule}
 * @param probabilities values in [0, 1]
 */
public record FindingHeatmap(String label, Volume probabilities) {
  public FindingHeatmap {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("a heatmap needs a label (e.g. type:lung_nodule)");
    }
    java.util.Objects.requireNonNull(probabilities, "probabilities");
    float[] v = probabilities.voxels();
    for (int i = 0; i < v.length; i++) {
      if (!(v[i] >= 0 && v[i] <= 1)) {
        throw new IllegalArgumentException("heatmap " + label + ": voxel " + i + " is " + v[i]
            + "; probabilities must be finite values in [0, 1]");
      }
    }
  }

  /** The label in words: {@code type:lung_nodule} → "lung nodule". */
  public String words() {
    String l = label.startsWith("type:") ? label.substring(5) : label;
    return l.replace('_', ' ').replace(':', ' ');
  }

  /** The largest probability anywhere in the map. */
  public float peak() {
    float m = 0;
    for (float p : probabilities.voxels()) {
      m = Math.max(m, p);
    }
    return m;
  }
}
