package org.scribe3d.generate;

/**
 * Minimum Bayes risk selection (Kumar &amp; Byrne 2004; for sampled text, Eikema &amp; Aziz 2020): among
 * hypotheses, the one with the highest mean utility against a set of samples from the model, i.e. the
 * expected utility under the model's own distribution estimated by those samples. Greedy decoding returns
 * the single most likely sequence; when the model's probability of a finding is spread over many
 * phrasings, each less likely than the one normal sentence, greedy drops the finding while most samples
 * state it in some phrasing, and MBR with a finding-level utility keeps it.
 */
public final class MinimumBayesRisk {
  private MinimumBayesRisk() {}

  /** Utility of hypothesis {@code h} judged against evidence sample {@code e}. */
  @FunctionalInterface
  public interface Utility {
    double of(int h, int e);
  }

  /**
   * The hypothesis index with the highest mean utility over the evidence; ties go to the lower index
   * (so a caller lists its preferred hypothesis, e.g. the greedy one, first).
   *
   * @throws IllegalArgumentException if there is no hypothesis or no evidence, or a utility is NaN
   */
  public static int select(int hypotheses, int evidence, Utility u) {
    if (hypotheses < 1 || evidence < 1) {
      throw new IllegalArgumentException("MBR needs at least one hypothesis and one sample, got " + hypotheses
          + " and " + evidence);
    }
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int h = 0; h < hypotheses; h++) {
      double s = 0;
      for (int e = 0; e < evidence; e++) {
        double v = u.of(h, e);
        if (Double.isNaN(v)) {
          throw new IllegalArgumentException("utility of hypothesis " + h + " against sample " + e + " is NaN");
        }
        s += v;
      }
      if (s > bestScore + 1e-12) {
        best = h;
        bestScore = s;
      }
    }
    return best;
  }
}
