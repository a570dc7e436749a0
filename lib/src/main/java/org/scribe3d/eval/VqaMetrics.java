package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * VQA accuracy overall and per question type (first letter of the answer compared), with each case's
 * correct and total counts for the per-case table.
 */
final class VqaMetrics {
  private VqaMetrics() {}

  /** Adds vqa.all.accuracy and vqa.type.T.accuracy when there are questions of the compared cases. */
  static void add(MetricTable p, Predictions preds, Map<String, Integer> index) {
    List<int[]> qs = new ArrayList<>(); // {caseIndex, correct}
    List<String> types = new ArrayList<>();
    Map<String, int[]> perCase = new LinkedHashMap<>();
    for (Predictions.Vqa q : preds.vqa()) {
      Integer ci = index.get(q.caseId());
      if (ci == null) {
        continue;
      }
      boolean ok = VqaAccuracy.correct(q.prediction(), q.answer());
      qs.add(new int[] {ci, ok ? 1 : 0});
      types.add(q.type());
      int[] pc = perCase.computeIfAbsent(q.caseId(), k -> new int[2]);
      pc[0] += ok ? 1 : 0;
      pc[1]++;
    }
    if (qs.isEmpty()) {
      return;
    }
    perCase.forEach((c, v) -> {
      p.cell(c, "vqa_correct", Integer.toString(v[0]));
      p.cell(c, "vqa_total", Integer.toString(v[1]));
    });
    p.counts.put("vqa_questions", qs.size());
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < qs.size(); i++) {
      all.add(i);
    }
    p.stats.put("vqa.all.accuracy", new MetricTable.Stat(w -> accuracy(qs, all, w), qs.size()));
    Map<String, List<Integer>> byType = new TreeMap<>();
    for (int i = 0; i < qs.size(); i++) {
      byType.computeIfAbsent(types.get(i), k -> new ArrayList<>()).add(i);
    }
    for (Map.Entry<String, List<Integer>> e : byType.entrySet()) {
      List<Integer> idx = e.getValue();
      p.stats.put("vqa.type." + e.getKey() + ".accuracy", new MetricTable.Stat(w -> accuracy(qs, idx, w), idx.size()));
    }
  }

  private static double accuracy(List<int[]> qs, List<Integer> idx, int[] w) {
    double c = 0;
    double n = 0;
    for (int i : idx) {
      int m = w == null ? 1 : w[qs.get(i)[0]];
      c += m * qs.get(i)[1];
      n += m;
    }
    return n == 0 ? Double.NaN : c / n;
  }
}
