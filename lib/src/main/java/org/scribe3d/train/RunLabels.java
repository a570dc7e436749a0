package org.scribe3d.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.data.Case;
import org.scribe3d.data.Finding;
import org.scribe3d.text.FindingExtractor;
import org.scribe3d.text.FindingLabels;

/** The finding labels and targets a run derives from its cases' reports (and a phantom's ground truth). */
final class RunLabels {
  private RunLabels() {}

  /** Each image's 0/1 target vector over the head's {@code vocabulary} (see {@link FindingLabels#targets}). */
  static Map<Path, float[]> targets(Map<Path, List<String>> labels, List<String> vocabulary) {
    Map<Path, float[]> out = new LinkedHashMap<>();
    labels.forEach((image, l) -> out.put(image, FindingLabels.targets(l, vocabulary)));
    return out;
  }

  /** The report-derived finding labels of each case's image (see {@link FindingLabels}). */
  static Map<Path, List<String>> labels(List<Case> cases) {
    Map<Path, List<String>> out = new LinkedHashMap<>();
    for (Case c : cases) {
      out.put(c.image(), FindingLabels.of(c.findings()));
    }
    return out;
  }

  /** Each case's positive findings, as the finding extractor reads them from its reports. */
  static Map<Path, List<Finding>> findings(List<Case> cases) {
    Map<Path, List<Finding>> out = new LinkedHashMap<>();
    for (Case c : cases) {
      out.put(c.image(), FindingExtractor.extractPositive(c.findings()));
    }
    return out;
  }

  /** The phantom ground truth next to a data set (dataset.json or its directory). */
  static Path groundTruth(Path data) {
    Path dir = Files.isDirectory(data) ? data : data.toAbsolutePath().getParent();
    Path gt = dir.resolve("ground_truth.json");
    if (!Files.isRegularFile(gt)) {
      throw new IllegalArgumentException("image.box_loss reads the finding boxes of a phantom data set, and " + dir
          + " has no ground_truth.json");
    }
    return gt;
  }
}
