package org.scribe3d.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FindingHintTest {
  static final List<String> LABELS = List.of("count:lung_nodule:2+", "side:pleural_effusion:left", "type:cardiomegaly",
      "type:lung_nodule", "type:pleural_effusion");


  @Test
  void namesTheTypesAtOrAboveTheThresholdInTheHeadsOrder() {
    // other labels (side, count) are never named, however likely
    float[] p = {0.9f, 0.95f, 0.5f, 0.49f, 0.8f};
    assertEquals("Image findings: cardiomegaly, pleural effusion.", FindingHint.of(LABELS, p, 0));
    // per-type thresholds: NaN never names its type
    double[] th = {Double.NaN, Double.NaN, Double.NaN, 0.4, Double.NaN};
    assertEquals("Image findings: lung nodule.", FindingHint.of(LABELS, p, 0, th));
    float[] two = {0, 0, 0, 0, 0, 0.1f, 0.9f, 0.2f, 0.3f, 0.1f};
    assertEquals("Image findings: none.", FindingHint.of(LABELS, two, 0));
    assertEquals("Image findings: none.", FindingHint.of(LABELS, two, 5));
    assertEquals("Image findings: none. Describe the findings.", FindingHint.prepend("Image findings: none.",
        "Describe the findings."));
  }

  @Test
  void nonFiniteProbabilityIsAnError() {
    float[] p = {0, 0, Float.NaN, 0, 0};
    assertEquals("the finding head gives a non-finite probability for type:cardiomegaly",
        assertThrows(IllegalArgumentException.class, () -> FindingHint.of(LABELS, p, 0)).getMessage());
  }

  @Test
  void vocabularyTextsHoldEveryWordAHintCanUse() {
    assertEquals(List.of("Image findings: none.", "Image findings: cardiomegaly, lung nodule, pleural effusion."),
        FindingHint.vocabularyTexts(LABELS));
  }
}
