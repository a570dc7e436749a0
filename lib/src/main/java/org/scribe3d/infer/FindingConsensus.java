package org.scribe3d.infer;

import java.util.ArrayList;
import java.util.List;
import org.scribe3d.data.Finding;
import org.scribe3d.data.Region;
import org.scribe3d.eval.FindingMatch;
import org.scribe3d.generate.MinimumBayesRisk;
import org.scribe3d.text.FindingExtractor;

/**
 * The utility of report MBR: finding-level F1 between two reports of one region, with the findings read
 * by the finding extractor and matched as the evaluation matches them ({@link FindingMatch}: type, side,
 * location; findings of other regions ignored). Two reports that state no finding agree fully (F1 1).
 */
public final class FindingConsensus {
  private FindingConsensus() {}

  /**
   * The index of the hypothesis with the highest mean finding F1 against the samples (ties: the lower index).
   */
  public static int choose(List<String> hypotheses, List<String> samples, Region region) {
    return choose(hypotheses, samples, region, null);
  }

  /**
   * As {@link #choose(List, List, Region)}, with a classifier's findings ({@code hinted}, e.g. a finding hint's;
   * null: none) as further evidence that weighs as much as all samples together: the score of a hypothesis is
   * the mean of its mean F1 against the samples and its F1 against {@code hinted} (findings of other regions
   * ignored).
   */
  public static int choose(List<String> hypotheses, List<String> samples, Region region, List<Finding> hinted) {
    List<List<Finding>> h = findings(hypotheses, region);
    List<List<Finding>> s = findings(samples, region);
    if (hinted != null) {
      List<Finding> inRegion = hinted.stream().filter(f -> region == null || f.region() == region).toList();
      int n = s.size();
      for (int k = 0; k < n; k++) { // n copies: the hint weighs as much as the n samples
        s.add(inRegion);
      }
    }
    return MinimumBayesRisk.select(h.size(), s.size(), (i, j) -> f1(h.get(i), s.get(j)));
  }

  /** Finding-level F1 of a candidate against a reference list (1 when both are empty). */
  static double f1(List<Finding> candidate, List<Finding> reference) {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    for (FindingMatch.Outcome o : FindingMatch.match(candidate, reference)) {
      switch (o.kind()) {
        case TP -> tp++;
        case FP -> fp++;
        case FN -> fn++;
      }
    }
    int d = 2 * tp + fp + fn;
    return d == 0 ? 1.0 : 2.0 * tp / d;
  }

  private static List<List<Finding>> findings(List<String> texts, Region region) {
    List<List<Finding>> out = new ArrayList<>();
    for (String t : texts) {
      List<Finding> fs = new ArrayList<>();
      for (Finding f : FindingExtractor.extractPositive(t)) {
        if (region == null || f.region() == region) {
          fs.add(f);
        }
      }
      out.add(fs);
    }
    return out;
  }
}
