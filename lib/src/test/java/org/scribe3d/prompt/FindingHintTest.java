package org.scribe3d.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FindingHintTest {
  static final List<String> LABELS = List.of("count:lung_nodule:2+", "side:pleural_effusion:left", "type:cardiomegaly",
      "type:lung_nodule", "type:pleural_effusion");
  static final List<String> QUALIFIED = List.of("severity:cardiomegaly:mild", "severity:cardiomegaly:moderate",
      "side:pleural_effusion:left", "side:pleural_effusion:right", "type:cardiomegaly", "type:pleural_effusion",
      "severity:pleural_effusion:severe");

  @Test
  void namesTheTypesAtOrAboveTheThresholdInTheHeadsOrder() {
    // other labels (count) are never named, however likely; a side qualifies its type
    float[] p = {0.9f, 0.95f, 0.5f, 0.49f, 0.8f};
    assertEquals("Image findings: cardiomegaly, left pleural effusion.", FindingHint.of(LABELS, p, 0));
    float[] two = {0, 0, 0, 0, 0, 0.1f, 0.9f, 0.2f, 0.3f, 0.1f};
    assertEquals("Image findings: none.", FindingHint.of(LABELS, two, 0));
    assertEquals("Image findings: none.", FindingHint.of(LABELS, two, 5));
    assertEquals("Image findings: none. Describe the findings.", FindingHint.prepend("Image findings: none.",
        "Describe the findings."));
  }

  @Test
  void aNamedTypeTakesItsMostLikelySeverityAndSideHoweverLowTheyAre() {
    float[] p = {0.1f, 0.3f, 0.05f, 0.2f, 0.7f, 0.9f, 0.01f};
    assertEquals("Image findings: moderate cardiomegaly, severe right pleural effusion.", FindingHint.of(QUALIFIED, p, 0));
    float[] unnamed = {0.9f, 0.3f, 0.9f, 0.2f, 0.4f, 0.1f, 0.9f}; // qualifiers of types that are not named: nothing
    assertEquals("Image findings: none.", FindingHint.of(QUALIFIED, unnamed, 0));
  }

  @Test
  void nonFiniteProbabilityIsAnError() {
    float[] p = {0, 0, Float.NaN, 0, 0};
    assertEquals("the finding head gives a non-finite probability for type:cardiomegaly",
        assertThrows(IllegalArgumentException.class, () -> FindingHint.of(LABELS, p, 0)).getMessage());
  }

  @Test
  void vocabularyTextsHoldEveryWordAHintCanUse() {
    assertEquals(List.of("Image findings: none.", "Image findings: cardiomegaly, lung nodule, pleural effusion.",
        "Image findings: left, left."), FindingHint.vocabularyTexts(LABELS));
    assertEquals("Image findings: left mild moderate right severe, left, mild, moderate, right, severe.",
        FindingHint.vocabularyTexts(QUALIFIED).get(2));
  }
}
