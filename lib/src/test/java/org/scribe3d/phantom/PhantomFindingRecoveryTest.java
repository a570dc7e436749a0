package org.scribe3d.phantom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.Finding;
import org.scribe3d.data.PhantomTruth;
import org.scribe3d.data.Region;
import org.scribe3d.text.FindingExtractor;
import org.scribe3d.text.FindingMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The finding extractor reads the phantom's own reports (as written to
 * dataset.json by synth) back into the structured findings of ground_truth.json with F1 >= 0.98.
 */
class PhantomFindingRecoveryTest {
  @Test
  void extractorRecoversGroundTruthFromPhantomReports(@TempDir Path dir) throws Exception {
    PhantomDataset.write(dir, 30, 2024, 0.2, SizePreset.SMALL, null);
    Dataset ds = DatasetLoader.load(dir.resolve("dataset.json"), DatasetLoader.Options.defaults());
    Map<String, List<Finding>> truth = PhantomTruth.read(dir.resolve("ground_truth.json"));
    assertEquals(30, ds.cases().size());
    FindingMatcher.Score total = new FindingMatcher.Score(0, 0, 0);
    int truthCount = 0;
    for (Case c : ds.cases()) {
      StringBuilder report = new StringBuilder();
      for (Region r : Region.values()) {
        report.append(c.findings().getOrDefault(r, "")).append('\n');
      }
      List<Finding> expected = truth.get(c.id());
      truthCount += expected.size();
      FindingMatcher.Score s = FindingMatcher.score(expected, FindingExtractor.extract(report.toString()), 0.5);
      total = total.plus(s);
    }
    System.out.printf("phantom finding recovery: %d findings, P %.4f R %.4f F1 %.4f%n", truthCount,
        total.precision(), total.recall(), total.f1());
    assertTrue(truthCount >= 30, "the phantom should have findings to recover: " + truthCount);
    assertTrue(total.f1() >= 0.98, "F1 " + total.f1() + " (" + total + ")");
  }
}
