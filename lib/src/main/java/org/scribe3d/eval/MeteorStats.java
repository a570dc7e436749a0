package org.scribe3d.eval;

/**
 * Sufficient statistics of a METEOR alignment (one segment or a sum of segments), and the METEOR 1.5
 * score computed from them. Stage 0 = exact matches, stage 1 = stem matches.
 */
public final class MeteorStats {
  // METEOR 1.5 English parameters (task "default"): alpha, beta, gamma, delta; module weights
  static final double ALPHA = 0.85;
  static final double BETA = 0.2;
  static final double GAMMA = 0.6;
  static final double DELTA = 0.75;
  static final double[] WEIGHTS = {1.0, 0.6};

  double testLength;
  double refLength;
  double testFunctionWords;
  double refFunctionWords;
  final double[] testContentMatches = new double[2];
  final double[] testFunctionMatches = new double[2];
  final double[] refContentMatches = new double[2];
  final double[] refFunctionMatches = new double[2];
  double testTotalMatches;
  double refTotalMatches;
  double chunks;

  void add(MeteorStats o, int times) {
    testLength += times * o.testLength;
    refLength += times * o.refLength;
    testFunctionWords += times * o.testFunctionWords;
    refFunctionWords += times * o.refFunctionWords;
    for (int s = 0; s < 2; s++) {
      testContentMatches[s] += times * o.testContentMatches[s];
      testFunctionMatches[s] += times * o.testFunctionMatches[s];
      refContentMatches[s] += times * o.refContentMatches[s];
      refFunctionMatches[s] += times * o.refFunctionMatches[s];
    }
    testTotalMatches += times * o.testTotalMatches;
    refTotalMatches += times * o.refTotalMatches;
    chunks += times * o.chunks;
  }

  /**
   * Weighted precision P and recall R (content words weighted delta, function words 1 - delta, each
   * stage by its module weight), Fmean = P R / (alpha P + (1 - alpha) R), fragmentation penalty
   * gamma (chunks / mean matches)^beta (0 for a single chunk covering both sides completely),
   * score = Fmean (1 - penalty).
   */
  public double score() {
    double testMatches = 0;
    double refMatches = 0;
    for (int s = 0; s < 2; s++) {
      testMatches += WEIGHTS[s] * (DELTA * testContentMatches[s] + (1 - DELTA) * testFunctionMatches[s]);
      refMatches += WEIGHTS[s] * (DELTA * refContentMatches[s] + (1 - DELTA) * refFunctionMatches[s]);
    }
    double testWeightedLength = DELTA * (testLength - testFunctionWords) + (1 - DELTA) * testFunctionWords;
    double refWeightedLength = DELTA * (refLength - refFunctionWords) + (1 - DELTA) * refFunctionWords;
    double precision = testWeightedLength == 0 ? 0 : testMatches / testWeightedLength;
    double recall = refWeightedLength == 0 ? 0 : refMatches / refWeightedLength;
    if (precision == 0 || recall == 0) {
      return 0;
    }
    double fmean = 1.0 / ((1 - ALPHA) / precision + ALPHA / recall);
    double frag;
    if (testTotalMatches == testLength && refTotalMatches == refLength && chunks == 1) {
      frag = 0;
    } else {
      frag = chunks / ((testTotalMatches + refTotalMatches) / 2.0);
    }
    double penalty = GAMMA * Math.pow(frag, BETA);
    return fmean * (1 - penalty);
  }
}
