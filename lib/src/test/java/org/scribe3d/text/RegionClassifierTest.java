package org.scribe3d.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.scribe3d.data.Finding;
import org.scribe3d.data.Region;
import org.scribe3d.phantom.report.RandomFindings;
import org.scribe3d.phantom.report.ReportWriter;

class RegionClassifierTest {

  private final RegionClassifier c = new RegionClassifier();

  @Test
  void basicRegionsAndTerms() {
    RegionClassifier.Result r = c.classify("Small right pleural effusion.");
    assertEquals("chest", r.regionKey());
    assertTrue(r.termTexts().contains("pleural"), r.termTexts().toString());
    assertEquals("abdomen", c.classify("Hypodense lesion in segment VII of the liver.").regionKey());
    assertEquals("pelvis", c.classify("Enlarged right external iliac lymph node.").regionKey());
    assertEquals("chest", c.classify("5 mm nodule in the RUL.").regionKey());
    assertEquals("unknown", c.classify("Comparison is made with the prior study.").regionKey());
    assertEquals("unknown", c.classify("CT of the chest, abdomen and pelvis with IV contrast.").regionKey());
    assertEquals("unknown", c.classify("No significant abnormality.").regionKey());
    // two regions named: the finding and the head organ decide
    assertEquals("chest", c.classify("The liver dome and right lung base show subsegmental atelectasis.").regionKey());
    assertEquals("abdomen", c.classify("Hepatic cyst abutting the right hemidiaphragm.").regionKey());
    assertEquals("chest", c.classify("Degenerative changes of the T11-T12 vertebrae.").regionKey());
    assertEquals("abdomen", c.classify("Degenerative changes at L3-L4.").regionKey());
  }

  @Test
  void handLabelledSetAccuracy() throws Exception {
    List<LabelledSentences.Item> items = LabelledSentences.read(FindingExtractorTest.LABELLED);
    assertTrue(items.size() >= 150, "only " + items.size() + " labelled sentences");
    ConfusionMatrix cm = LabelledSentences.evaluateRegions(c, items);
    System.out.println("Region classification, hand-labelled set (" + FindingExtractorTest.LABELLED + "):");
    System.out.print(cm);
    for (LabelledSentences.Item it : items) {
      RegionClassifier.Result r = c.classify(it.sentence());
      if (!r.regionKey().equals(it.region())) {
        System.out.println("  miss line " + it.line() + ": " + it.region() + " -> " + r.regionKey() + " | "
            + it.sentence() + " " + r.termTexts());
      }
    }
    assertTrue(cm.accuracy() >= 0.90, "accuracy " + cm.accuracy());
  }

  /** Sentences written after the tools were frozen: reported, with a looser bar than the main set. */
  @Test
  void heldOutSetAccuracy() throws Exception {
    List<LabelledSentences.Item> items = LabelledSentences.read(FindingExtractorTest.HOLDOUT);
    ConfusionMatrix cm = LabelledSentences.evaluateRegions(c, items);
    System.out.println("Region classification, held-out set (" + FindingExtractorTest.HOLDOUT + "):");
    System.out.print(cm);
    assertTrue(cm.accuracy() >= 0.85, "accuracy " + cm.accuracy());
  }

  @Test
  void reportWriterSentenceAccuracy() {
    ConfusionMatrix cm = new ConfusionMatrix();
    for (int seed = 0; seed < 500; seed++) {
      List<Finding> f = RandomFindings.draw(new Random(seed));
      Map<Region, String> report = ReportWriter.write(f, new Random(seed));
      for (Map.Entry<Region, String> e : report.entrySet()) {
        for (String s : SentenceSplitter.split(e.getValue())) {
          cm.add(e.getKey().key(), c.classify(s).regionKey());
        }
      }
    }
    System.out.println("Region classification, ReportWriter sentences (500 cases):");
    System.out.print(cm);
    assertTrue(cm.accuracy() >= 0.95, "accuracy " + cm.accuracy());
  }
}
