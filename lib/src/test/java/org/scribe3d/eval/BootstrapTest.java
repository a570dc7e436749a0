package org.scribe3d.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BootstrapTest {

  @Test
  void resamplesAreSeededAndDrawNCases() {
    Bootstrap a = new Bootstrap(20, 50, 7);
    Bootstrap b = new Bootstrap(20, 50, 7);
    for (int i = 0; i < 50; i++) {
      assertArrayEquals(a.weights(i), b.weights(i));
      int sum = 0;
      for (int w : a.weights(i)) {
        sum += w;
      }
      assertEquals(20, sum);
    }
  }

  @Test
  void quantileIsNumpyLinear() {
    double[] s = {1, 2, 3, 4};
    // numpy.percentile([1,2,3,4], [2.5, 50, 97.5]) = 1.075, 2.5, 3.925
    assertEquals(1.075, Bootstrap.quantile(s, 0.025), 1e-12);
    assertEquals(2.5, Bootstrap.quantile(s, 0.5), 1e-12);
    assertEquals(3.925, Bootstrap.quantile(s, 0.975), 1e-12);
  }

  @Test
  void intervalOfAMeanCoversTheTruthAndHasTheRightWidth() {
    int n = 400;
    double[] x = new double[n];
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble() < 0.3 ? 1 : 0;
    }
    Bootstrap b = new Bootstrap(n, 2000, 11);
    Bootstrap.Interval iv = b.interval95(w -> CocoCorpus.weightedMean(x, w));
    double p = iv.value();
    double se = Math.sqrt(p * (1 - p) / n);
    assertTrue(iv.lo() < p && p < iv.hi());
    // percentile interval of a proportion ~ p +- 1.96 se
    assertEquals(2 * 1.96 * se, iv.hi() - iv.lo(), 0.15 * 2 * 1.96 * se);
  }

  @Test
  void pairedTestSeesAClearDifferenceAndNoDifference() {
    int n = 100;
    double[] a = new double[n];
    double[] b = new double[n];
    double[] c = new double[n];
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    for (int i = 0; i < n; i++) {
      double base = r.nextDouble();
      a[i] = base + 0.2 + 0.05 * r.nextGaussian();
      b[i] = base;
      c[i] = base + 0.01 * r.nextGaussian();
    }
    Bootstrap boot = new Bootstrap(n, 1000, 1);
    Bootstrap.Paired ab = boot.paired(w -> CocoCorpus.weightedMean(a, w), w -> CocoCorpus.weightedMean(b, w), true);
    assertEquals("A better", ab.verdict());
    assertTrue(ab.lo() > 0.15 && ab.hi() < 0.25);
    assertEquals(0.0, ab.pValue(), 1e-12);
    Bootstrap.Paired ba = boot.paired(w -> CocoCorpus.weightedMean(b, w), w -> CocoCorpus.weightedMean(a, w), true);
    assertEquals("B better", ba.verdict());
    Bootstrap.Paired same = boot.paired(w -> CocoCorpus.weightedMean(b, w), w -> CocoCorpus.weightedMean(b, w), true);
    assertEquals("no significant difference", same.verdict());
    assertEquals(1.0, same.pValue(), 1e-12);
    Bootstrap.Paired bc = boot.paired(w -> CocoCorpus.weightedMean(b, w), w -> CocoCorpus.weightedMean(c, w), true);
    assertTrue(bc.pValue() > 0.05, "tiny noise should not be significant: p=" + bc.pValue());
  }
}
