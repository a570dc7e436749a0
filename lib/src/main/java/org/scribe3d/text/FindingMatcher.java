package org.scribe3d.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.scribe3d.data.Finding;

/**
 * Finding-level agreement between a reference and a candidate list: a candidate matches a reference
 * finding (one-to-one, greedily in order) when type, side, location and size agree, size within a
 * tolerance (both absent also agrees). Sides are normalised first: a finding without a side takes
 * the side its location names ("right upper lobe" → right). Negated findings are ignored.
 */
public final class FindingMatcher {
  private FindingMatcher() {}

  /** True/false positives and false negatives, with precision, recall and F1. */
  public record Score(int truePositives, int falsePositives, int falseNegatives) {
    public double precision() {
      int d = truePositives + falsePositives;
      return d == 0 ? 1.0 : (double) truePositives / d;
    }

    public double recall() {
      int d = truePositives + falseNegatives;
      return d == 0 ? 1.0 : (double) truePositives / d;
    }

    public double f1() {
      int d = 2 * truePositives + falsePositives + falseNegatives;
      return d == 0 ? 1.0 : 2.0 * truePositives / d;
    }

    public Score plus(Score o) {
      return new Score(truePositives + o.truePositives, falsePositives + o.falsePositives,
          falseNegatives + o.falseNegatives);
    }
  }

  public static Score score(List<Finding> reference, List<Finding> candidate, double sizeToleranceMm) {
    List<Finding> ref = reference.stream().filter(f -> !f.negated()).toList();
    List<Finding> cand = new ArrayList<>(candidate.stream().filter(f -> !f.negated()).toList());
    int tp = 0;
    for (Finding r : ref) {
      for (int i = 0; i < cand.size(); i++) {
        if (matches(r, cand.get(i), sizeToleranceMm)) {
          cand.remove(i);
          tp++;
          break;
        }
      }
    }
    return new Score(tp, cand.size(), ref.size() - tp);
  }

  public static boolean matches(Finding a, Finding b, double sizeToleranceMm) {
    if (a.type() != b.type() || !Objects.equals(side(a), side(b)) || !Objects.equals(a.location(), b.location())) {
      return false;
    }
    if (a.sizeMm() == null || b.sizeMm() == null) {
      return a.sizeMm() == null && b.sizeMm() == null;
    }
    return Math.abs(a.sizeMm() - b.sizeMm()) <= sizeToleranceMm + 1e-9;
  }

  /** The stated side, or the side named by the location. */
  public static String side(Finding f) {
    if (f.side() != null || f.location() == null) {
      return f.side();
    }
    for (String s : List.of("right", "left", "bilateral")) {
      if (f.location().startsWith(s + " ")) {
        return s;
      }
    }
    return null;
  }
}
