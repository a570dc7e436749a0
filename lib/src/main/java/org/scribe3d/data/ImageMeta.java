package org.scribe3d.data;

/**
 * What a dataset says about an image beyond the file itself (CT-RATE's metadata CSV: the rescale to
 * HU and the true spacing, which its NIfTI headers do not carry reliably). Null fields are unknown.
 *
 * @param spacingMm x, y, z spacing in mm, or null
 */
public record ImageMeta(Double rescaleSlope, Double rescaleIntercept, double[] spacingMm) {
  public static final ImageMeta NONE = new ImageMeta(null, null, null);

  public boolean isEmpty() {
    return rescaleSlope == null && rescaleIntercept == null && spacingMm == null;
  }
}
