package org.scribe3d.data;

/**
 * One structured finding, in the vocabulary of ground_truth.json and of the finding extractor.
 *
 * @param type what was found; its region and organ follow from the type
 * @param side "left", "right", "bilateral" or null where laterality does not apply
 * @param sizeMm largest diameter in millimetres, or null where size does not apply / is not stated
 * @param severity "mild", "moderate", "severe" or null
 * @param location finer location (lung lobe such as "right upper lobe", liver segment such as
 *     "segment 7", nodal station), or null
 * @param negated true when the text states the finding is absent ("No pleural effusion.")
 */
public record Finding(FindingType type, String side, Double sizeMm, String severity, String location,
    boolean negated) {

  public Region region() {
    return type.region();
  }

  public String organ() {
    return type.organ();
  }

  /** A positive finding with only a type. */
  public static Finding of(FindingType type) {
    return new Finding(type, null, null, null, null, false);
  }
}
