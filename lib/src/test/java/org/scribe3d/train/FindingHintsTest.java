package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scribe3d.data.FindingType;
import org.scribe3d.data.Region;
import org.scribe3d.data.TrainingExample;

class FindingHintsTest {
  static final List<String> LABELS = List.of("type:ascites", "type:lung_nodule", "side:lung_nodule:left",
      "type:renal_cyst");

  @Test
  void eachTypeGetsTheThresholdOfBestF1OnTheTrainingScansOrNeverIfThatIsPoor() {
    // ascites: separable (positives 0.30, 0.40; negatives up to 0.25) -> the threshold keeping both positives
    // lung nodule: scores unrelated to the labels -> best F1 below MIN_F1 -> never named
    // renal cyst: no training scan has one -> never named
    List<float[]> probs = List.of(
        new float[] {0.30f, 0.9f, 0.9f, 0.1f},
        new float[] {0.40f, 0.1f, 0.1f, 0.1f},
        new float[] {0.25f, 0.8f, 0.8f, 0.1f},
        new float[] {0.05f, 0.2f, 0.2f, 0.1f},
        new float[] {0.10f, 0.7f, 0.7f, 0.1f},
        new float[] {0.01f, 0.6f, 0.6f, 0.1f});
    List<Set<String>> truth = List.of(Set.of("type:ascites"), Set.of("type:ascites", "type:lung_nodule"), Set.of(),
        Set.of(), Set.of(), Set.of());
    double[] th = FindingHints.thresholds(LABELS, probs, truth);
    assertEquals(0.30, th[0], 1e-6);
    assertTrue(Double.isNaN(th[1]), "lung nodule: best F1 " + th[1]);
    assertTrue(Double.isNaN(th[2]) && Double.isNaN(th[3]));
    Map<Path, String> hints = FindingHints.hints(LABELS, Map.of(Path.of("a"), probs.get(0), Path.of("b"), probs.get(2)), th);
    assertEquals("Image findings: ascites.", hints.get(Path.of("a")));
    assertEquals("Image findings: none.", hints.get(Path.of("b")));
    assertThrows(IllegalArgumentException.class, () -> FindingHints.thresholds(LABELS, probs, truth.subList(0, 2)));
  }

  @Test
  void hintsGoInFrontOfEveryPromptOfTheirScan() {
    TrainingExample e = new TrainingExample("c1", Path.of("a.nii.gz"), TrainingExample.Kind.MRG, Region.CHEST, null,
        "Describe the findings of the chest in this CT scan.", "No effusion.");
    List<TrainingExample> out = FindingHints.apply(List.of(e), Map.of(Path.of("a.nii.gz"), "Image findings: none."));
    assertEquals("Image findings: none. Describe the findings of the chest in this CT scan.", out.get(0).prompt());
    assertEquals(e.answer(), out.get(0).answer());
    assertThrows(IllegalArgumentException.class, () -> FindingHints.apply(List.of(e), Map.of()));
    assertTrue(FindingType.ASCITES.region() == Region.ABDOMEN);
  }
}
