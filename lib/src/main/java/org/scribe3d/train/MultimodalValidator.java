package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.nn.Module;
import org.scribe3d.prompt.TextTokenizer;

/**
 * Periodic validation of the multimodal model: mean masked loss over (up to) N validation examples
 * and VQA accuracy on their multiple-choice questions (greedy decoding, first letter of the answer
 * compared, as the paper scores VQA), and, for a model with a finding head, the head's macro AUC over
 * the labels that occur and are absent among the validated scans ({@code finding_head_auc}: 0.5 = the
 * head does not tell scans apart).
 */
public final class MultimodalValidator implements Trainer.Validator {
  private final MultimodalTask task;
  private final TextTokenizer tokenizer;
  private final int batch;
  private final int[] indices;

  /** @param max examples used (a fixed, seeded subset when the split is larger) */
  public MultimodalValidator(MultimodalTask task, TextTokenizer tokenizer, int batch, int max, long seed) {
    this.task = task;
    this.tokenizer = tokenizer;
    this.batch = Math.max(1, batch);
    int n = task.size();
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    this.indices = java.util.Arrays.copyOf(all, Math.min(n, max));
    java.util.Arrays.sort(this.indices);
  }

  @Override
  public Map<String, Double> validate(Module model, long step) throws Exception {
    MultimodalModel mm = (MultimodalModel) model;
    NDManager base = mm.namedParameters().values().iterator().next().array().getManager();
    double lossSum = 0;
    long units = 0;
    int vqa = 0;
    int correct = 0;
    boolean head = mm.hasFindingHead() && !mm.isBlind() && task.findingTargets() != null;
    for (int from = 0; from < indices.length; from += batch) {
      int[] idx = java.util.Arrays.copyOfRange(indices, from, Math.min(indices.length, from + batch));
      MultimodalTask.Batch b = task.load(idx, new SplittableRandom[idx.length]);
      try (NDManager m = base.newSubManager(); NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        lossSum += task.lossSum(mm, b, m).getFloat();
        units += task.lossUnits(b);
        List<String> prompts = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < idx.length; i++) {
          TrainingExample e = task.examples().get(idx[i]);
          if (e.kind() == TrainingExample.Kind.VQA) {
            prompts.add(e.prompt());
            rows.add(i);
          }
        }
        if (!prompts.isEmpty()) {
          int vox = b.images().length / b.distinctImages();
          float[] imgs = new float[rows.size() * vox];
          for (int k = 0; k < rows.size(); k++) {
            System.arraycopy(b.images(), b.imageOf()[rows.get(k)] * vox, imgs, k * vox, vox);
          }
          long[] shape = imageShape(mm, rows.size());
          NDArray images = m.create(imgs, new Shape(shape));
          List<String> out = mm.generateText(images, prompts, tokenizer, mm.greedy(2));
          for (int k = 0; k < rows.size(); k++) {
            TrainingExample e = task.examples().get(idx[rows.get(k)]);
            vqa++;
            if (firstLetter(out.get(k)).equals(firstLetter(e.answer()))) {
              correct++;
            }
          }
        }
      }
    }
    Map<String, Double> r = new LinkedHashMap<>();
    r.put("val_loss", units > 0 ? lossSum / units : Double.NaN);
    if (vqa > 0) {
      r.put("vqa_accuracy", (double) correct / vqa);
    }
    if (head) {
      r.putAll(headAucMetrics(FindingHeadAuc.perLabel(headScores(mm, base), task.findingTargets()),
          mm.config().findingLabels()));
    }
    return r;
  }

  /**
   * The head's validation AUCs as metrics: {@code finding_head_auc} (macro over all labels),
   * {@code finding_head_auc_types} (the finding types alone: the easiest labels, comparable with
   * bench/learnability_cnn.py) and one {@code finding_head_auc/type:X} per type (a detail: metrics.jsonl
   * only), skipping labels without both present and absent scans.
   */
  static Map<String, Double> headAucMetrics(double[] auc, List<String> labels) {
    Map<String, Double> r = new LinkedHashMap<>();
    double all = FindingHeadAuc.mean(auc, l -> true);
    double types = FindingHeadAuc.mean(auc, l -> labels.get(l).startsWith("type:"));
    if (!Double.isNaN(all)) {
      r.put("finding_head_auc", all);
    }
    if (!Double.isNaN(types)) {
      r.put("finding_head_auc_types", types);
    }
    for (int l = 0; l < auc.length; l++) { // which findings the encoder sees
      if (labels.get(l).startsWith("type:") && !Double.isNaN(auc[l])) {
        r.put("finding_head_auc" + Trainer.DETAIL + labels.get(l), auc[l]);
      }
    }
    return r;
  }

  /** Finding-head logits of every distinct validation scan (all of them, not only the sampled examples). */
  private Map<java.nio.file.Path, float[]> headScores(MultimodalModel mm, NDManager base) throws Exception {
    Map<java.nio.file.Path, Integer> first = new LinkedHashMap<>();
    for (int i = 0; i < task.size(); i++) {
      first.putIfAbsent(task.examples().get(i).image(), i);
    }
    List<Integer> idx = new ArrayList<>(first.values());
    Map<java.nio.file.Path, float[]> out = new LinkedHashMap<>();
    for (int from = 0; from < idx.size(); from += batch) {
      int[] chunk = idx.subList(from, Math.min(idx.size(), from + batch)).stream().mapToInt(Integer::intValue).toArray();
      MultimodalTask.Batch b = task.load(chunk, new SplittableRandom[chunk.length]);
      try (NDManager m = base.newSubManager(); NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        int u = b.distinctImages();
        NDArray images = m.create(b.images(), new Shape(imageShape(mm, u)));
        float[] scores = mm.findingProbabilitiesOfImages(images).toFloatArray(); // scores: AUC only ranks them
        int labels = scores.length / u;
        for (int i = 0; i < chunk.length; i++) {
          int k = b.imageOf()[i];
          out.put(task.examples().get(chunk[i]).image(), java.util.Arrays.copyOfRange(scores, k * labels, (k + 1) * labels));
        }
      }
    }
    return out;
  }

  private static long[] imageShape(MultimodalModel mm, int n) {
    var v = mm.config().vision();
    return new long[] {n, v.channels(), v.depth(), v.height(), v.width()};
  }

  /** The first letter A-Z of a generated or reference answer ("" if none). */
  static String firstLetter(String s) {
    String t = s.strip();
    return t.isEmpty() || !Character.isLetter(t.charAt(0)) ? "" : t.substring(0, 1).toUpperCase(Locale.ROOT);
  }
}
