package org.scribe3d.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scribe3d.data.FindingType;
import org.scribe3d.data.Region;
import org.scribe3d.text.FindingExtractor;

/** MBR over reports with the finding-level F1 utility: the case greedy decoding gets wrong. */
class FindingConsensusTest {
  static final String NORMAL = "The heart is not enlarged. No pericardial effusion.";

  @Test
  void aFindingMostSamplesStateInDifferentWordsIsKept() {
    // the greedy report is the single most likely text, the normal one; three of four samples name the
    // enlarged heart, each in its own words
    List<String> samples = List.of("Mild cardiomegaly. No pericardial effusion.",
        "The heart is mildly enlarged.", NORMAL, "Cardiac enlargement, mild.");
    for (String s : List.of(samples.get(0), samples.get(1), samples.get(3))) { // precondition: the extractor reads them
      assertEquals(FindingType.CARDIOMEGALY, FindingExtractor.extractPositive(s).get(0).type(), s);
    }
    List<String> hyps = new java.util.ArrayList<>(List.of(NORMAL));
    hyps.addAll(samples);
    int chosen = FindingConsensus.choose(hyps, samples, Region.CHEST);
    assertEquals(FindingType.CARDIOMEGALY, FindingExtractor.extractPositive(hyps.get(chosen)).get(0).type());
    assertEquals(1, chosen); // the first of the equally good ones
  }

  @Test
  void aFindingFewSamplesStateIsDropped() {
    List<String> samples = List.of(NORMAL, "Heart size is normal.", "Mild cardiomegaly.", NORMAL);
    List<String> hyps = new java.util.ArrayList<>(List.of(NORMAL));
    hyps.addAll(samples);
    assertEquals(0, FindingConsensus.choose(hyps, samples, Region.CHEST)); // greedy (first) among the normal ones
  }

  @Test
  void utilityIsTheEvaluationsFindingF1() {
    var ref = FindingExtractor.extractPositive("Small right pleural effusion. Mild cardiomegaly.");
    var cand = FindingExtractor.extractPositive("Small right pleural effusion. Small left pleural effusion.");
    assertEquals(2, ref.size());
    assertEquals(0.5, FindingConsensus.f1(cand, ref), 1e-12); // tp 1, fp 1, fn 1
    assertEquals(1.0, FindingConsensus.f1(List.of(), List.of()), 0);
    assertEquals(0.0, FindingConsensus.f1(List.of(), ref), 0);
  }

  @Test
  void findingsOfOtherRegionsAreIgnored() {
    // a chest report that strays into the abdomen: the stray finding neither helps nor hurts
    List<String> samples = List.of("Mild cardiomegaly. Splenomegaly.", "Mild cardiomegaly.");
    List<String> hyps = List.of("Heart size is normal.", samples.get(0), samples.get(1));
    assertEquals(1, FindingConsensus.choose(hyps, samples, Region.CHEST));
  }

  @Test
  void aHintedFindingFewSamplesStateIsKeptAndAnUnhintedOneDropped() {
    // one sample in four names the ascites the image classifier reports: with the hint as evidence it wins
    String normal = "No ascites.";
    String ascites = "Moderate ascites.";
    List<String> samples = List.of(normal, normal, ascites, normal);
    List<String> hyps = new java.util.ArrayList<>(List.of(normal));
    hyps.addAll(samples);
    var hint = List.of(org.scribe3d.data.Finding.of(FindingType.ASCITES),
        org.scribe3d.data.Finding.of(FindingType.CARDIOMEGALY)); // a chest finding: ignored for the abdomen
    assertEquals(0, FindingConsensus.choose(hyps, samples, Region.ABDOMEN));
    assertEquals(3, FindingConsensus.choose(hyps, samples, Region.ABDOMEN, hint));
    // a hint that names nothing in the region keeps the normal report even against a minority of samples
    assertEquals(0, FindingConsensus.choose(hyps, List.of(ascites, ascites, normal, normal), Region.ABDOMEN,
        List.of(org.scribe3d.data.Finding.of(FindingType.CARDIOMEGALY))));
  }
}
