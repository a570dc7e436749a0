package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.data.Region;

/**
 * The caption metrics of the generated reports, as the COCO caption toolkit computes them (BLEU-1..4,
 * ROUGE-L, CIDEr-D, optionally METEOR), per region and pooled over all regions ("all"), plus each
 * case's per-region scores for the per-case table.
 */
final class ReportTextMetrics {
  private ReportTextMetrics() {}

  /** Adds report.{region,all}.{bleu_1..4,rouge_l,cider,meteor} and the per-case columns. */
  static void add(MetricTable p, List<ReportRow> rows, Evaluator.Options o) {
    // tokenise once, references and hypotheses as two streams, as COCOEvalCap does
    List<String> hyps = PtbTokenizer.tokenizeLines(rows.stream().map(ReportRow::prediction).toList());
    List<String> refs = PtbTokenizer.tokenizeLines(rows.stream().map(ReportRow::reference).toList());
    Map<String, List<Integer>> scopes = new LinkedHashMap<>();
    for (Region r : Region.values()) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i).region() == r) {
          idx.add(i);
        }
      }
      if (!idx.isEmpty()) {
        scopes.put(r.key(), idx);
      }
    }
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      all.add(i);
    }
    scopes.put("all", all);
    // METEOR statistics once per row, shared by the region and the pooled corpus
    MeteorStats[] meteor = o.meteor ? CocoCorpus.meteorStats(hyps, refs.stream().map(List::of).toList()) : null;
    for (Map.Entry<String, List<Integer>> s : scopes.entrySet()) {
      String scope = s.getKey();
      List<ReportRow> sr = s.getValue().stream().map(rows::get).toList();
      List<String> h = s.getValue().stream().map(hyps::get).toList();
      List<List<String>> rf = s.getValue().stream().map(i -> List.of(refs.get(i))).toList();
      MeteorStats[] ms = meteor == null ? null : s.getValue().stream().map(i -> meteor[i]).toArray(MeteorStats[]::new);
      CocoCorpus c = CocoCorpus.withMeteorStats(h, rf, ms);
      int n = sr.size();
      String pre = "report." + scope + ".";
      for (int k = 1; k <= 4; k++) {
        final int kk = k;
        p.stats.put(pre + "bleu_" + k, new MetricTable.Stat(w -> {
          int[] rw = ReportRow.weights(sr, w);
          return ReportRow.anyWeight(rw) ? c.bleu(rw)[kk - 1] : Double.NaN;
        }, n));
      }
      p.stats.put(pre + "rouge_l", new MetricTable.Stat(w -> c.rougeL(ReportRow.weights(sr, w)), n));
      p.stats.put(pre + "cider", new MetricTable.Stat(w -> {
        int[] rw = ReportRow.weights(sr, w);
        return ReportRow.anyWeight(rw) ? c.cider(rw) : Double.NaN;
      }, n));
      if (o.meteor) {
        p.stats.put(pre + "meteor", new MetricTable.Stat(w -> {
          int[] rw = ReportRow.weights(sr, w);
          return ReportRow.anyWeight(rw) ? c.meteor(rw) : Double.NaN;
        }, n));
      }
      if (!scope.equals("all")) {
        double[] cider = c.ciderScores(null);
        for (int i = 0; i < n; i++) {
          ReportRow r = sr.get(i);
          String col = scope + "_";
          for (int k = 1; k <= 4; k++) {
            p.cell(r.caseId(), col + "bleu_" + k, MetricTable.fmt(c.bleuOfCase(i, k)));
          }
          p.cell(r.caseId(), col + "rouge_l", MetricTable.fmt(c.rougeOfCase(i)));
          p.cell(r.caseId(), col + "cider", MetricTable.fmt(cider[i]));
          if (o.meteor) {
            p.cell(r.caseId(), col + "meteor", MetricTable.fmt(c.meteorOfCase(i)));
          }
        }
      }
    }
  }
}
