package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.prompt.FindingHint;

/**
 * {@code train --finding-hints}: the frozen finding head's probabilities for each scan (once, on its
 * deterministic preprocessing, as generation sees it), a threshold per finding type chosen on the training
 * scans, and the examples' prompts with each scan's {@link FindingHint}.
 */
public final class FindingHints {
  private FindingHints() {}

  /**
   * A type is named in hints only if, on the training scans, its best threshold reaches at least this F1
   * against the labels read from their reports: a type the head cannot tell apart would only add noise.
   */
  public static final double MIN_F1 = 0.5;

  /** The head's sigmoid probabilities (its label order) for every scan the examples use. */
  public static Map<Path, float[]> probabilities(MultimodalModel model, PipelineCache volumes,
      List<TrainingExample> examples, int batch) throws IOException {
    if (!model.hasFindingHead()) {
      throw new IllegalArgumentException("finding hints need a finding head");
    }
    List<Path> scans = new ArrayList<>(new LinkedHashSet<>(examples.stream().map(TrainingExample::image).toList()));
    int labels = model.config().findingLabels().size();
    int[] dhw = volumes.dhw();
    int vox = dhw[0] * dhw[1] * dhw[2];
    NDManager base = model.vision().namedParameters().values().iterator().next().array().getManager();
    Map<Path, float[]> out = new LinkedHashMap<>();
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
          out.put(scans.get(from + i), Arrays.copyOfRange(p, i * labels, (i + 1) * labels));
        }
      }
    }
    return out;
  }

  /**
   * Per label, the probability at which its type is named: for each {@code type:} label the threshold with
   * the highest F1 on the given scans (ties: the higher threshold), or NaN when that F1 is below {@link #MIN_F1}
   * or no scan has the type; NaN for every other label.
   *
   * @param probs the head's probabilities per scan
   * @param truth the labels each scan's reports state (same order as {@code probs})
   */
  public static double[] thresholds(List<String> labels, List<float[]> probs, List<? extends Collection<String>> truth) {
    if (probs.size() != truth.size()) {
      throw new IllegalArgumentException(probs.size() + " scans of probabilities but " + truth.size() + " of labels");
    }
    double[] out = new double[labels.size()];
    Arrays.fill(out, Double.NaN);
    for (int l = 0; l < labels.size(); l++) {
      if (!labels.get(l).startsWith("type:")) {
        continue;
      }
      int positives = 0;
      for (Collection<String> t : truth) {
        positives += t.contains(labels.get(l)) ? 1 : 0;
      }
      if (positives == 0) {
        continue;
      }
      double bestF1 = -1;
      double best = Double.NaN;
      for (float[] candidate : probs) { // every distinct score is a candidate threshold
        double th = candidate[l];
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < probs.size(); i++) {
          if (probs.get(i)[l] >= th) {
            if (truth.get(i).contains(labels.get(l))) {
              tp++;
            } else {
              fp++;
            }
          }
        }
        double f1 = 2.0 * tp / (2.0 * tp + fp + (positives - tp));
        if (f1 > bestF1 + 1e-12 || (Math.abs(f1 - bestF1) <= 1e-12 && th > best)) {
          bestF1 = f1;
          best = th;
        }
      }
      out[l] = bestF1 >= MIN_F1 ? best : Double.NaN;
    }
    return out;
  }

  /** Each scan's hint from its probabilities and the thresholds. */
  public static Map<Path, String> hints(List<String> labels, Map<Path, float[]> probs, double[] thresholds) {
    Map<Path, String> out = new LinkedHashMap<>();
    probs.forEach((scan, p) -> out.put(scan, FindingHint.of(labels, p, 0, thresholds)));
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
