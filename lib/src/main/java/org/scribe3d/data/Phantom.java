package org.scribe3d.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The phantom benchmark on disk: an AMOS-MM-format dataset plus {@code ground_truth.json}. */
public final class Phantom {
  private Phantom() {}

  /** A loaded phantom: the cases and, per case id, the structured findings they were made from. */
  public record Data(Dataset dataset, Map<String, List<Finding>> truth) {}

  public static Data load(Path dir, boolean checkImages) {
    Path ds = dir.resolve("dataset.json");
    Path gt = dir.resolve("ground_truth.json");
    Dataset d = AmosMm.load(ds, dir.toAbsolutePath(), checkImages, "phantom");
    if (!Files.isRegularFile(gt)) {
      throw new DatasetException("no such file: " + gt + " (a phantom dataset has ground_truth.json next to"
          + " dataset.json)");
    }
    Map<String, List<Finding>> truth = PhantomTruth.read(gt);
    List<String> missing = d.cases().stream().map(Case::id).filter(id -> !truth.containsKey(id)).toList();
    if (!missing.isEmpty()) {
      throw new DatasetException(gt + ": no ground truth for " + missing.size() + " case(s): "
          + String.join(", ", missing.subList(0, Math.min(20, missing.size())))
          + (missing.size() > 20 ? ", ..." : ""));
    }
    return new Data(d, truth);
  }
}
