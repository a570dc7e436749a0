package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingHeadAucTest {
  @Test
  void validationMetricsNameEachTypeAsADetail() {
    Map<String, Double> m = MultimodalValidator.headAucMetrics(new double[] {1.0, 0.6, Double.NaN, 0.5},
        List.of("type:ascites", "side:left", "type:renal_cyst", "type:lung_nodule"));
    assertEquals(List.of("finding_head_auc", "finding_head_auc_types", "finding_head_auc/type:ascites",
        "finding_head_auc/type:lung_nodule"), new ArrayList<>(m.keySet()));
    assertEquals((1.0 + 0.6 + 0.5) / 3, m.get("finding_head_auc"), 1e-12);
    assertEquals(0.75, m.get("finding_head_auc_types"), 1e-12);
    assertTrue(m.keySet().stream().filter(k -> k.contains(Trainer.DETAIL)).allMatch(k -> k.contains("/type:")));
    assertTrue(MultimodalValidator.headAucMetrics(new double[] {Double.NaN}, List.of("type:x")).isEmpty());
  }

  @Test
  void macroAucOverLabelsWithBothClasses() {
    Map<Path, float[]> s = new LinkedHashMap<>();
    Map<Path, float[]> y = new LinkedHashMap<>();
    // label 0: perfectly ranked (1.0); label 1: one of two pairs right, one tied (0.75); label 2: always present (skipped)
    put(s, y, "a", new float[] {3f, 0.2f, 1f}, new float[] {1, 1, 1});
    put(s, y, "b", new float[] {1f, 0.2f, 1f}, new float[] {0, 0, 1});
    put(s, y, "c", new float[] {2f, 0.1f, 1f}, new float[] {1, 0, 1});
    // label 0: positives a, c (3, 2) vs negative b (1) → 1.0; label 1: positive a (0.2) vs b (0.2 tie), c (0.1) → 0.75
    assertEquals((1.0 + 0.75) / 2, FindingHeadAuc.macro(s, y), 1e-12);
    double[] per = FindingHeadAuc.perLabel(s, y);
    assertEquals(1.0, per[0], 1e-12);
    assertEquals(0.75, per[1], 1e-12);
    assertTrue(Double.isNaN(per[2]));
    // a subset of labels (the validator's "type:" labels): label 1 alone; the skipped label 2 alone is NaN
    assertEquals(0.75, FindingHeadAuc.mean(per, l -> l == 1), 1e-12);
    assertTrue(Double.isNaN(FindingHeadAuc.mean(per, l -> l == 2)));
    Map<Path, float[]> one = new LinkedHashMap<>();
    one.put(Path.of("a"), new float[] {1f});
    assertTrue(Double.isNaN(FindingHeadAuc.macro(one, Map.of(Path.of("a"), new float[] {1f}))));
  }

  private static void put(Map<Path, float[]> s, Map<Path, float[]> y, String id, float[] score, float[] target) {
    s.put(Path.of(id), score);
    y.put(Path.of(id), target);
  }
}
