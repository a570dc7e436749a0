package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;
import org.scribe3d.text.ConfusionMatrix;
import org.scribe3d.text.RegionClassifier;
import org.scribe3d.text.SentenceSplitter;

class TextViewsTest {
  @TempDir
  Path tmp;

  @Test
  void theNaiveSplitCutsAfterEveryPeriod() {
    assertEquals(List.of("A 3.", "5 mm nodule.", "Next."), TextViews.naiveSplit("A 3.5 mm nodule. Next."));
    assertEquals(2, SentenceSplitter.split("A 3.5 mm nodule. Next.").size());
  }

  @Test
  void aClassifiedSentenceBecomesARowWithAScorePerRegion() {
    Map<String, Object> row = TextViews.classifiedRow(new RegionClassifier().classify("Small left pleural effusion."));
    assertEquals("chest", row.get("region"));
    assertEquals(List.of("sentence", "region", "matched terms", "chest", "abdomen", "pelvis"), List.copyOf(row.keySet()));
    assertTrue(((String) row.get("matched terms")).contains("(finding, chest)")
        || ((String) row.get("matched terms")).contains("chest)"), row.toString());
  }

  @Test
  void negatedSpansAreBracketed() {
    assertEquals("No [pleural effusion or pneumothorax].", TextViews.bracketNegations("No pleural effusion or pneumothorax."));
    assertEquals("The liver is normal.", TextViews.bracketNegations("The liver is normal."));
  }

  @Test
  void findingsAreDescribedInOneLine() {
    Finding f = new Finding(FindingType.values()[0], "left", 7.0, null, "lower lobe", true);
    assertEquals("NOT " + FindingType.values()[0].key() + ", left, 7.0 mm, lower lobe", TextViews.describe(f));
    Finding g = new Finding(FindingType.values()[1], null, null, null, null, false);
    assertEquals(FindingType.values()[1].key(), TextViews.describe(g));
    assertEquals(TextViews.describe(f) + "; " + TextViews.describe(g), TextViews.describe(List.of(f, g)));
  }

  @Test
  void aConfusionMatrixSummaryRow() {
    ConfusionMatrix cm = new ConfusionMatrix();
    cm.add("chest", "chest");
    cm.add("chest", "abdomen");
    cm.add("pelvis", "pelvis");
    Map<String, Object> row = TextViews.accuracyRow("dev", cm);
    assertEquals("dev", row.get("set"));
    assertEquals(3L, row.get("sentences"));
    assertEquals(0.667, row.get("accuracy"));
    assertEquals(0.5, row.get("recall chest"));
    assertEquals(1.0, row.get("recall pelvis"));
  }

  @Test
  void sentencesPerRegionCountsEveryLabel() throws Exception {
    Path f = tmp.resolve("sentences.jsonl");
    Files.writeString(f, "{\"sentence\":\"a\",\"region\":\"chest\"}\n{\"sentence\":\"b\",\"region\":\"chest\"}\n"
        + "{\"sentence\":\"c\",\"region\":\"pelvis\"}\n\n");
    assertEquals(Map.of("chest", 2, "abdomen", 0, "pelvis", 1, "unknown", 0), TextViews.sentencesPerRegion(f));
    assertEquals(ConfusionMatrix.LABELS, List.copyOf(TextViews.sentencesPerRegion(f).keySet()));
  }
}
