package org.scribe3d.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MinimumBayesRiskTest {
  @Test
  void picksTheHypothesisWithTheHighestMeanUtility() {
    double[][] u = {
        {0.2, 0.2, 0.9},
        {0.5, 0.6, 0.4}, // mean 0.5: best
        {1.0, 0.0, 0.3},
    };
    assertEquals(1, MinimumBayesRisk.select(3, 3, (h, e) -> u[h][e]));
  }

  @Test
  void tiesGoToTheFirstHypothesis() {
    assertEquals(0, MinimumBayesRisk.select(4, 2, (h, e) -> 0.5));
    double[][] u = {{0.2, 0.8}, {0.8, 0.2}, {0.1, 0.1}};
    assertEquals(0, MinimumBayesRisk.select(3, 2, (h, e) -> u[h][e]));
  }

  @Test
  void rejectsEmptySetsAndNaN() {
    assertThrows(IllegalArgumentException.class, () -> MinimumBayesRisk.select(0, 3, (h, e) -> 1));
    assertThrows(IllegalArgumentException.class, () -> MinimumBayesRisk.select(2, 0, (h, e) -> 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MinimumBayesRisk.select(2, 2, (h, s) -> h == 1 && s == 1 ? Double.NaN : 0.5));
    assertEquals("utility of hypothesis 1 against sample 1 is NaN", e.getMessage());
  }

  @Test
  void samplingSettingsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new ReportSampling(-1, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReportSampling(4, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReportSampling(4, Double.NaN, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReportSampling(4, 1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReportSampling(4, 1, 1.5, 0));
    assertEquals(true, new ReportSampling(0, 1, 1, 0).off());
  }
}
