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
    List<float[]> s = new ArrayList<>();
    List<float[]> y = new ArrayList<>();
    scores.forEach((image, v) -> {
      s.add(v);
      y.add(targets.get(image));
    });
    int labels = s.get(0).length;
    double sum = 0;
    int used = 0;
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
      if (pairs > 0) {
        sum += wins / pairs;
        used++;
      }
    }
    return used == 0 ? Double.NaN : sum / used;
  }
}
