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
  @Test
  void aTypeIsNamedAtTheFixedThresholdOnlyIfTheHeadsCallsOfItAreRightOnTheTrainingScans() {
    // 40 training scans; calls are probabilities >= 0.5
    // ascites: present on scans 0-9, called on 0-7 and falsely on 30-31 -> 8 of 10 calls right: named
    // lung nodule: called on 0-19, present on 15-24 -> 5 of 20 calls right: never named
    // renal cyst: present on 0-29, called on 0-5 only -> 6 of 6 right (recall 0.2, F1 0.33): named, as a hint
    //   silent about it leaves the model where it would be had the type never been named
    // liver lesion: present on 0-29, called on 0-3 -> right every time but only 4 times: never named
    // the side label is never a type
    List<String> labels = List.of("type:ascites", "type:lung_nodule", "side:lung_nodule:left", "type:renal_cyst",
        "type:liver_lesion");
    List<float[]> probs = new java.util.ArrayList<>();
    List<Set<String>> truth = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      boolean nodule = i < 20;
      probs.add(new float[] {i < 8 || i == 30 || i == 31 ? 0.9f : 0.1f, nodule ? 0.8f : 0.2f, nodule ? 0.8f : 0.2f,
          i < 6 ? 0.7f : 0.3f, i < 4 ? 0.6f : 0.4f});
      Set<String> t = new java.util.HashSet<>();
      if (i < 10) {
        t.add("type:ascites");
      }
      if (i >= 15 && i < 25) {
        t.add("type:lung_nodule");
      }
      if (i < 30) {
        t.add("type:renal_cyst");
        t.add("type:liver_lesion");
      }
      truth.add(t);
    }
    double[] th = FindingHints.thresholds(labels, probs, truth);
    assertEquals(0.5, th[0], 0);
    assertEquals(0.5, th[3], 0);
    assertTrue(Double.isNaN(th[1]) && Double.isNaN(th[2]) && Double.isNaN(th[4]), java.util.Arrays.toString(th));
    Map<Path, String> hints = FindingHints.hints(new org.scribe3d.prompt.FindingHint.Heads(labels, null, null),
        Map.of(Path.of("a"), new org.scribe3d.prompt.FindingHint.Scores(probs.get(0), null), Path.of("b"),
            new org.scribe3d.prompt.FindingHint.Scores(probs.get(35), null)), th);
    assertEquals("Image findings: ascites, renal cyst.", hints.get(Path.of("a")));
    assertEquals("Image findings: none.", hints.get(Path.of("b")));
    assertThrows(IllegalArgumentException.class, () -> FindingHints.thresholds(labels, probs, truth.subList(0, 2)));
  }

  @Test
  void aNamedTypesSeverityIsNamedOnlyIfTheHeadGradesItWell() {
    List<String> labels = List.of("type:cardiomegaly", "severity:cardiomegaly:mild", "severity:cardiomegaly:severe",
        "type:ascites", "severity:ascites:mild", "severity:ascites:severe");
    // both types are called right on every scan; the heart's grade is right on 5 of 6 scans, the ascites' on 3 of 6
    float[][] p = {
        {0.9f, 0.8f, 0.1f, 0.9f, 0.8f, 0.1f}, {0.9f, 0.8f, 0.1f, 0.9f, 0.8f, 0.1f}, {0.9f, 0.8f, 0.1f, 0.9f, 0.8f, 0.1f},
        {0.9f, 0.1f, 0.8f, 0.9f, 0.8f, 0.1f}, {0.9f, 0.1f, 0.8f, 0.9f, 0.8f, 0.1f}, {0.9f, 0.1f, 0.8f, 0.9f, 0.8f, 0.1f}};
    List<Set<String>> truth = List.of(
        Set.of("type:cardiomegaly", "severity:cardiomegaly:mild", "type:ascites", "severity:ascites:mild"),
        Set.of("type:cardiomegaly", "severity:cardiomegaly:mild", "type:ascites", "severity:ascites:mild"),
        Set.of("type:cardiomegaly", "severity:cardiomegaly:severe", "type:ascites", "severity:ascites:mild"),
        Set.of("type:cardiomegaly", "severity:cardiomegaly:severe", "type:ascites", "severity:ascites:severe"),
        Set.of("type:cardiomegaly", "severity:cardiomegaly:severe", "type:ascites", "severity:ascites:severe"),
        Set.of("type:cardiomegaly", "severity:cardiomegaly:severe", "type:ascites", "severity:ascites:severe"));
    double[] th = FindingHints.thresholds(labels, List.of(p), truth);
    assertEquals(0.5, th[0], 0);
    assertEquals(0.0, th[1], 0);
    assertEquals(0.0, th[2], 0);
    assertEquals(0.5, th[3], 0);
    assertTrue(Double.isNaN(th[4]) && Double.isNaN(th[5]), "3 of 6 is below the accuracy a named grade needs");
    assertEquals("Image findings: cardiomegaly (severe), ascites.", org.scribe3d.prompt.FindingHint.of(labels, p[4], 0, th));
    // too few scans state a grade: never named
    double[] few = FindingHints.thresholds(labels, List.of(p).subList(0, 4), truth.subList(0, 4));
    assertTrue(Double.isNaN(few[1]) && Double.isNaN(few[2]));
  }

  @Test
  void trueHintsStateTheReportsFindingsOfTheNamedTypesOnASeededFractionOfScans() {
    List<String> labels = List.of("type:cardiomegaly", "severity:cardiomegaly:mild", "type:lung_nodule",
        "type:renal_cyst");
    double[] th = {0.5, 0.0, 0.5, Double.NaN}; // renal cysts are not named by this run
    List<org.scribe3d.data.Finding> fs = org.scribe3d.text.FindingExtractor.extractPositive("Mild cardiomegaly. A 12 mm"
        + " nodule in the right upper lobe. A simple cyst in the lower pole of the left kidney. No pleural effusion.");
    assertEquals("Image findings: cardiomegaly (mild), lung nodule (right upper lobe).",
        FindingHints.trueHint(fs, labels, th));
    assertEquals("Image findings: none.", FindingHints.trueHint(List.of(), labels, th));
    Map<Path, String> head = new java.util.LinkedHashMap<>();
    Map<Path, List<org.scribe3d.data.Finding>> truth = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      head.put(Path.of("s" + i), "Image findings: none.");
      truth.put(Path.of("s" + i), fs);
    }
    Map<Path, String> mixed = FindingHints.withTrueHints(head, truth, labels, th, 0.3, 7);
    assertEquals(3, mixed.values().stream().filter(h -> h.contains("cardiomegaly")).count());
    assertEquals(mixed, FindingHints.withTrueHints(head, truth, labels, th, 0.3, 7));
    assertEquals(head, FindingHints.withTrueHints(head, truth, labels, th, 0, 7));
    assertThrows(IllegalArgumentException.class, () -> FindingHints.withTrueHints(head, truth, labels, th, 1.5, 7));
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
