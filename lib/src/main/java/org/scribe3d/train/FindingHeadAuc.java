package org.scribe3d.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Macro ROC AUC of the finding head's scores against the report-derived labels. */
final class FindingHeadAuc {
  private FindingHeadAuc() {}

  /**
   * Mean over labels of the probability that a scan with the label scores above one without it (ties
   * count half); labels that are all present or all absent among {@code scores}' scans are skipped.
   * NaN when no label qualifies.
   */
  static double macro(Map<Path, float[]> scores, Map<Path, float[]> targets) {
    return mean(perLabel(scores, targets), l -> true);
  }

  /** The mean of the labels' AUCs that {@code use} selects, skipping NaN (NaN when none is left). */
  static double mean(double[] auc, java.util.function.IntPredicate use) {
    double sum = 0;
    int used = 0;
    for (int l = 0; l < auc.length; l++) {
      if (use.test(l) && !Double.isNaN(auc[l])) {
        sum += auc[l];
        used++;
      }
    }
    return used == 0 ? Double.NaN : sum / used;
  }

  /** ROC AUC per label; NaN for a label that is all present or all absent among the scans. */
  static double[] perLabel(Map<Path, float[]> scores, Map<Path, float[]> targets) {
    List<float[]> s = new ArrayList<>();
    List<float[]> y = new ArrayList<>();
    scores.forEach((image, v) -> {
      s.add(v);
      y.add(targets.get(image));
    });
    int labels = s.get(0).length;
    double[] out = new double[labels];
    for (int l = 0; l < labels; l++) {
      double wins = 0;
      long pairs = 0;
      for (int i = 0; i < s.size(); i++) {
        if (y.get(i)[l] != 1f) {
          continue;
        }
        for (int j = 0; j < s.size(); j++) {
          if (y.get(j)[l] == 1f) {
            continue;
          }
          pairs++;
          float a = s.get(i)[l];
          float b = s.get(j)[l];
          wins += a > b ? 1 : a == b ? 0.5 : 0;
        }
      }
      out[l] = pairs > 0 ? wins / pairs : Double.NaN;
    }
    return out;
  }
}
