package org.scribe3d.eval;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Non-parametric bootstrap over cases. A resample is a multiplicity per case (how often the case was
 * drawn, n draws with replacement), so corpus metrics are recomputed exactly on the resample from
 * cached per-case statistics. Intervals are percentile intervals (linear interpolation between order
 * statistics, numpy's default). Resamples are generated from a seed and are identical for every
 * statistic given the same seed and case count, which makes paired comparisons possible.
 */
public final class Bootstrap {
  private final int cases;
  private final int[][] draws;
  private final long seed;

  /** Pre-draws {@code resamples} resamples of {@code cases} cases. */
  public Bootstrap(int cases, int resamples, long seed) {
    if (cases <= 0) {
      throw new IllegalArgumentException("bootstrap needs at least one case");
    }
    if (resamples <= 0) {
      throw new IllegalArgumentException("bootstrap needs at least one resample, got " + resamples);
    }
    this.cases = cases;
    this.seed = seed;
    SplittableRandom rnd = new SplittableRandom(seed);
    draws = new int[resamples][];
    for (int b = 0; b < resamples; b++) {
      int[] w = new int[cases];
      for (int i = 0; i < cases; i++) {
        w[rnd.nextInt(cases)]++;
      }
      draws[b] = w;
    }
  }

  public int cases() {
    return cases;
  }

  public int resamples() {
    return draws.length;
  }

  public long seed() {
    return seed;
  }

  /** Multiplicities of resample b (do not modify). */
  public int[] weights(int b) {
    return draws[b];
  }

  /** A point estimate with its percentile interval. NaN resamples (e.g. no eligible case drawn) are dropped. */
  public record Interval(double value, double lo, double hi, double level, int resamples) {}

  /** The statistic on all cases (weights null) and its percentile interval at the given level. */
  public Interval interval(ToDoubleFunction<int[]> statistic, double level) {
    double point = statistic.applyAsDouble(null);
    double[] v = new double[draws.length];
    int k = 0;
    for (int[] w : draws) {
      double x = statistic.applyAsDouble(w);
      if (!Double.isNaN(x)) {
        v[k++] = x;
      }
    }
    if (k == 0) {
      return new Interval(point, Double.NaN, Double.NaN, level, 0);
    }
    double[] s = Arrays.copyOf(v, k);
    Arrays.sort(s);
    double alpha = (1 - level) / 2;
    return new Interval(point, quantile(s, alpha), quantile(s, 1 - alpha), level, k);
  }

  public Interval interval95(ToDoubleFunction<int[]> statistic) {
    return interval(statistic, 0.95);
  }

  /** numpy.percentile's default ("linear") quantile of sorted values. */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = pos - lo;
    return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
  }

  /**
   * Paired comparison of system A and B on the same cases: the same resamples score both, giving a
   * distribution of differences A - B.
   *
   * @param difference observed A - B on all cases
   * @param lo lower end of the 95% percentile interval of the difference
   * @param hi upper end
   * @param pValue two-sided bootstrap p-value: 2 x min(fraction of resampled differences &le; 0,
   *     fraction &ge; 0), capped at 1 (the fraction of resamples that contradict the observed sign)
   * @param verdict "A better", "B better" (interval excludes 0) or "no significant difference"
   */
  public record Paired(double a, double b, double difference, double lo, double hi, double pValue, String verdict,
      int resamples) {}

  public Paired paired(ToDoubleFunction<int[]> a, ToDoubleFunction<int[]> b, boolean higherIsBetter) {
    double pa = a.applyAsDouble(null);
    double pb = b.applyAsDouble(null);
    double[] d = new double[draws.length];
    int k = 0;
    int le = 0;
    int ge = 0;
    for (int[] w : draws) {
      double x = a.applyAsDouble(w) - b.applyAsDouble(w);
      if (Double.isNaN(x)) {
        continue;
      }
      d[k++] = x;
      if (x <= 0) {
        le++;
      }
      if (x >= 0) {
        ge++;
      }
    }
    if (k == 0) {
      return new Paired(pa, pb, pa - pb, Double.NaN, Double.NaN, Double.NaN, "not computable", 0);
    }
    double[] s = Arrays.copyOf(d, k);
    Arrays.sort(s);
    double lo = quantile(s, 0.025);
    double hi = quantile(s, 0.975);
    double p = Math.min(1.0, 2.0 * Math.min(le, ge) / k);
    String verdict;
    if (lo > 0) {
      verdict = higherIsBetter ? "A better" : "B better";
    } else if (hi < 0) {
      verdict = higherIsBetter ? "B better" : "A better";
    } else {
      verdict = "no significant difference";
    }
    return new Paired(pa, pb, pa - pb, lo, hi, p, verdict, k);
  }
}
