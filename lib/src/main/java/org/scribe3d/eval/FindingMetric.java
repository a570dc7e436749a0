package org.scribe3d.eval;

/** Finding-level scores: findings extracted from the generated report matched against the reference's. */
public enum FindingMetric {
  PRECISION("precision"),
  RECALL("recall"),
  F1("f1");

  private final String key;

  FindingMetric(String key) {
    this.key = key;
  }

  /** The name used in eval.json, e.g. "f1". */
  public String key() {
    return key;
  }
}
