package org.scribe3d.eval;

/** A report-text metric, computed per region and pooled over regions ("all"). */
public enum ReportMetric {
  BLEU_1("bleu_1"),
  BLEU_2("bleu_2"),
  BLEU_3("bleu_3"),
  BLEU_4("bleu_4"),
  ROUGE_L("rouge_l"),
  METEOR("meteor"),
  CIDER("cider"),
  /** GREEN (needs a judge model); its "all" is the mean of the region means. */
  GREEN("green");

  private final String key;

  ReportMetric(String key) {
    this.key = key;
  }

  /** The name used in eval.json, e.g. "rouge_l". */
  public String key() {
    return key;
  }
}
