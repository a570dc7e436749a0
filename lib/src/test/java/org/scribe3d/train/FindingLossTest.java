package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** BCE with logits against the textbook formula −[y log σ(x) + (1−y) log(1−σ(x))], incl. large |x|. */
class FindingLossTest {
  @Test
  void matchesTheDefinitionSummedOverLabelsAveragedOverImages() {
    float[] x = {0f, 2f, -3f, 40f, -40f, 0.5f};
    float[] y = {1f, 0f, 1f, 1f, 1f, 0f};
    double expected = 0;
    for (int i = 0; i < x.length; i++) {
      // log σ(x) = −log(1 + e^−x), log(1 − σ(x)) = −log(1 + e^x): the stable forms for x = ±40
      double logP = -Math.log1p(Math.exp(-x[i]));
      double log1mP = -Math.log1p(Math.exp(x[i]));
      expected -= y[i] * logP + (1 - y[i]) * log1mP;
    }
    expected /= 2; // two images of three labels
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray loss = FindingLoss.perImage(m.create(x, new Shape(2, 3)), m.create(y, new Shape(2, 3)));
      assertEquals(expected, loss.getFloat(), 1e-4 * Math.abs(expected));
    }
  }
}
