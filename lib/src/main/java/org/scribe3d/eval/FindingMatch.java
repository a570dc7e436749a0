package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.scribe3d.data.Finding;
import org.scribe3d.text.FindingMatcher;

/**
 * Finding-level comparison of predicted against reference findings of one case. Negated findings are
 * dropped on both sides. Two findings match when their type and side are equal (both absent counts as
 * equal; a finding without a side takes the side its location names, as the text package's
 * FindingMatcher does) and, when both state a location, their locations are equal (case-insensitive). Matching is
 * one-to-one: pairs whose locations agree exactly are taken first, then pairs where one side has no
 * location.
 */
public final class FindingMatch {
  private FindingMatch() {}

  /** One matched or unmatched finding: tp = matched pair (reference finding), fp = unmatched prediction, fn = unmatched reference. */
  public record Outcome(Finding finding, Kind kind) {}

  public enum Kind { TP, FP, FN }

  public static List<Outcome> match(List<Finding> predicted, List<Finding> reference) {
    List<Finding> pred = positives(predicted);
    List<Finding> ref = positives(reference);
    boolean[] usedPred = new boolean[pred.size()];
    boolean[] usedRef = new boolean[ref.size()];
    List<Outcome> out = new ArrayList<>();
    for (int pass = 0; pass < 2; pass++) {
      for (int j = 0; j < ref.size(); j++) {
        if (usedRef[j]) {
          continue;
        }
        for (int i = 0; i < pred.size(); i++) {
          if (!usedPred[i] && matches(pred.get(i), ref.get(j), pass == 0)) {
            usedPred[i] = true;
            usedRef[j] = true;
            out.add(new Outcome(ref.get(j), Kind.TP));
            break;
          }
        }
      }
    }
    for (int i = 0; i < pred.size(); i++) {
      if (!usedPred[i]) {
        out.add(new Outcome(pred.get(i), Kind.FP));
      }
    }
    for (int j = 0; j < ref.size(); j++) {
      if (!usedRef[j]) {
        out.add(new Outcome(ref.get(j), Kind.FN));
      }
    }
    return out;
  }

  private static List<Finding> positives(List<Finding> fs) {
    List<Finding> out = new ArrayList<>();
    if (fs != null) {
      for (Finding f : fs) {
        if (f != null && !f.negated()) {
          out.add(f);
        }
      }
    }
    return out;
  }

  static boolean matches(Finding p, Finding r, boolean strictLocation) {
    if (p.type() != r.type() || !Objects.equals(norm(FindingMatcher.side(p)), norm(FindingMatcher.side(r)))) {
      return false;
    }
    String lp = norm(p.location());
    String lr = norm(r.location());
    if (lp != null && lr != null) {
      return lp.equals(lr);
    }
    // one or both without a location: exact pass only when both lack it
    return !strictLocation || (lp == null && lr == null);
  }

  private static String norm(String s) {
    return s == null || s.isBlank() ? null : s.strip().toLowerCase(Locale.ROOT);
  }
}
