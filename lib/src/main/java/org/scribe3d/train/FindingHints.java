package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.prompt.FindingHint;

/**
 * {@code train --finding-hints}: each scan's {@link FindingHint} from the frozen finding head, computed once
 * per scan on its deterministic preprocessing (what generation sees), and the examples' prompts with it.
 */
public final class FindingHints {
  private FindingHints() {}

  /** The hint of every scan the examples use. */
  public static Map<Path, String> compute(MultimodalModel model, PipelineCache volumes, List<TrainingExample> examples,
      int batch) throws IOException {
    if (!model.hasFindingHead()) {
      throw new IllegalArgumentException("finding hints need a finding head");
    }
    List<Path> scans = new ArrayList<>(new LinkedHashSet<>(examples.stream().map(TrainingExample::image).toList()));
    List<String> labels = model.config().findingLabels();
    int[] dhw = volumes.dhw();
    int vox = dhw[0] * dhw[1] * dhw[2];
    NDManager base = model.vision().namedParameters().values().iterator().next().array().getManager();
    Map<Path, String> out = new LinkedHashMap<>();
    for (int from = 0; from < scans.size(); from += batch) {
      int n = Math.min(batch, scans.size() - from);
      float[] x = new float[n * vox];
      for (int i = 0; i < n; i++) {
        System.arraycopy(volumes.load(scans.get(from + i), null), 0, x, i * vox, vox);
      }
      try (NDManager m = base.newSubManager()) {
        NDArray logits = model.findingLogitsOfImages(m.create(x, new Shape(n, 1, dhw[0], dhw[1], dhw[2])));
        float[] p = ai.djl.nn.Activation.sigmoid(logits).toFloatArray();
        for (int i = 0; i < n; i++) {
          out.put(scans.get(from + i), FindingHint.of(labels, p, i * labels.size()));
        }
      }
    }
    return out;
  }

  /** The examples with their scan's hint in front of each prompt. */
  public static List<TrainingExample> apply(List<TrainingExample> examples, Map<Path, String> hints) {
    List<TrainingExample> out = new ArrayList<>(examples.size());
    for (TrainingExample e : examples) {
      String h = hints.get(e.image());
      if (h == null) {
        throw new IllegalArgumentException("no finding hint for " + e.image());
      }
      out.add(new TrainingExample(e.caseId(), e.image(), e.kind(), e.region(), e.questionType(),
          FindingHint.prepend(h, e.prompt()), e.answer()));
    }
    return out;
  }
}
