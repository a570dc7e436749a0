package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ImageTokenStatisticsTest {
  /** Running sums give what a two-pass mean and population variance give (plus eps under the root). */
  @Test
  void meanAndStdFromSumsMatchTwoPass() {
    Random r = new Random(11);
    int n = 37;
    int k = 5;
    double[][] x = new double[n][k];
    double[] sum = new double[k];
    double[] sq = new double[k];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        x[i][j] = j == 4 ? 2.5 : 3 * j + (j + 0.5) * r.nextGaussian(); // element 4 constant
        sum[j] += x[i][j];
        sq[j] += x[i][j] * x[i][j];
      }
    }
    float[][] ms = ImageTokenStatistics.meanStd(sum, sq, n);
    for (int j = 0; j < k; j++) {
      double mu = 0;
      for (double[] row : x) {
        mu += row[j] / n;
      }
      double var = 0;
      for (double[] row : x) {
        var += (row[j] - mu) * (row[j] - mu) / n;
      }
      assertEquals(mu, ms[0][j], 1e-5);
      assertEquals(Math.sqrt(var + ImageTokenStatistics.EPS), ms[1][j], 1e-5);
    }
    assertEquals(Math.sqrt(ImageTokenStatistics.EPS), ms[1][4], 1e-6); // constant: finite, not zero
  }

  @Test
  void evenlySpacedKeepsOrderAndCount() {
    List<Integer> all = IntStream.range(0, 10).boxed().toList();
    assertEquals(List.of(0, 2, 5, 7), ImageTokenStatistics.evenlySpaced(all, 4));
    assertEquals(all, ImageTokenStatistics.evenlySpaced(all, 10));
    assertEquals(all, ImageTokenStatistics.evenlySpaced(all, 50));
  }
}
