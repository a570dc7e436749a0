package org.scribe3d.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.scribe3d.data.Region;

class FindingLabelsTest {
  @Test
  void labelsFollowWhatTheReportSays() {
    List<String> l = FindingLabels.of(Map.of(
        Region.CHEST, "A nodular shadow is seen in the left upper lobe, about 28 mm in diameter. Another nodule is"
            + " seen in the right lower lobe, about 6 mm. There is no pleural effusion.",
        Region.ABDOMEN, "Moderate ascites.",
        Region.PELVIS, ""));
    assertEquals(List.of("count:lung_nodule:2+", "location:lung_nodule:left upper lobe",
        "location:lung_nodule:right lower lobe", "severity:ascites:moderate", "side:lung_nodule:left",
        "side:lung_nodule:right", "size:lung_nodule:0-7mm", "size:lung_nodule:24-36mm", "type:ascites",
        "type:lung_nodule"), l);
  }

  @Test
  void normalReportsHaveNoLabels() {
    assertTrue(FindingLabels.of(Map.of(Region.CHEST, "No pulmonary nodules, masses or consolidation are identified."
        + " No pleural effusion or pneumothorax.")).isEmpty());
  }

  @Test
  void targetsFollowTheVocabularyOrder() {
    List<String> vocab = FindingLabels.vocabulary(List.of(List.of("type:b", "type:a"), List.of("type:c")));
    assertEquals(List.of("type:a", "type:b", "type:c"), vocab);
    assertArrayEquals(new float[] {0, 1, 1}, FindingLabels.targets(List.of("type:c", "type:b", "type:zz"), vocab));
  }

  @Test
  void sizeBuckets() {
    assertEquals("0-7mm", FindingLabels.sizeBucket(5));
    assertEquals("7-12mm", FindingLabels.sizeBucket(7));
    assertEquals("36-55mm", FindingLabels.sizeBucket(45));
    assertEquals("55+mm", FindingLabels.sizeBucket(70));
  }
}
