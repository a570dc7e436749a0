package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.scribe3d.data.Finding;
import org.scribe3d.data.Region;
import org.scribe3d.prompt.FindingHint;

/**
 * Finding-level precision, recall and F1: findings extracted from the generated report are matched to
 * the reference findings of the same region (ground truth where given, else extracted from the
 * reference report), micro-averaged per region, overall and per finding type. Where prompts carried
 * finding hints, the hints alone are scored too ("hint_findings"), which shows how much the image
 * classifier told the report writer.
 */
final class FindingMetrics {
  private FindingMetrics() {}

  /** Adds findings.{region,all,type.T}.{precision,recall,f1} (and hint_findings.all.*), or a note without an extractor. */
  static void add(MetricTable p, List<ReportRow> rows, Evaluator.Options o) {
    if (o.findingExtractor == null) {
      p.notes.add("Finding-level P/R/F1 not computed: no finding extractor given.");
      return;
    }
    // per row: counts of tp/fp/fn, also per finding type
    int[][] counts = new int[rows.size()][3];
    Map<String, int[][]> byType = new TreeMap<>();
    // the finding hints alone, where the prompts carried them: how much the image classifier told the writer
    int[][] hintCounts = new int[rows.size()][3];
    List<Integer> hinted = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      ReportRow r = rows.get(i);
      List<Finding> pred = inRegion(o.findingExtractor.apply(r.prediction()), r.region());
      List<Finding> ref;
      if (o.referenceFindings != null && o.referenceFindings.containsKey(r.caseId())) {
        ref = inRegion(o.referenceFindings.get(r.caseId()), r.region());
      } else {
        ref = inRegion(o.findingExtractor.apply(r.reference()), r.region());
      }
      for (FindingMatch.Outcome out : FindingMatch.match(pred, ref)) {
        int k = out.kind().ordinal();
        counts[i][k]++;
        byType.computeIfAbsent(out.finding().type().key(), t -> new int[rows.size()][3])[i][k]++;
      }
      if (r.hint() != null) {
        List<Finding> said;
        try {
          said = inRegion(FindingHint.parse(r.hint()).stream().map(FindingHint.Item::finding).toList(), r.region());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("case '" + r.caseId() + "' region " + r.region().key() + ": "
              + e.getMessage(), e);
        }
        hinted.add(i);
        for (FindingMatch.Outcome out : FindingMatch.match(said, ref)) {
          hintCounts[i][out.kind().ordinal()]++;
        }
      }
      String col = r.region().key() + "_";
      p.cell(r.caseId(), col + "findings_tp", Integer.toString(counts[i][0]));
      p.cell(r.caseId(), col + "findings_fp", Integer.toString(counts[i][1]));
      p.cell(r.caseId(), col + "findings_fn", Integer.toString(counts[i][2]));
    }
    for (Region reg : Region.values()) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i).region() == reg) {
          idx.add(i);
        }
      }
      if (!idx.isEmpty()) {
        prf(p, "findings." + reg.key() + ".", rows, counts, idx);
      }
    }
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      all.add(i);
    }
    prf(p, "findings.all.", rows, counts, all);
    if (!hinted.isEmpty()) {
      prf(p, "hint_findings.all.", rows, hintCounts, hinted);
    }
    for (Map.Entry<String, int[][]> e : byType.entrySet()) {
      prf(p, "findings.type." + e.getKey() + ".", rows, e.getValue(), all);
    }
  }

  private static List<Finding> inRegion(List<Finding> fs, Region r) {
    List<Finding> out = new ArrayList<>();
    if (fs != null) {
      for (Finding f : fs) {
        if (f != null && f.region() == r) {
          out.add(f);
        }
      }
    }
    return out;
  }

  private static void prf(MetricTable p, String pre, List<ReportRow> rows, int[][] counts, List<Integer> idx) {
    ToDoubleFunction<int[]>[] f = prfFunctions(rows, counts, idx);
    p.stats.put(pre + "precision", new MetricTable.Stat(f[0], idx.size()));
    p.stats.put(pre + "recall", new MetricTable.Stat(f[1], idx.size()));
    p.stats.put(pre + "f1", new MetricTable.Stat(f[2], idx.size()));
  }

  @SuppressWarnings("unchecked")
  private static ToDoubleFunction<int[]>[] prfFunctions(List<ReportRow> rows, int[][] counts, List<Integer> idx) {
    Function<int[], double[]> sums = w -> {
      double[] s = new double[3];
      for (int i : idx) {
        int m = w == null ? 1 : w[rows.get(i).caseIndex()];
        for (int k = 0; k < 3; k++) {
          s[k] += m * counts[i][k];
        }
      }
      return s;
    };
    return new ToDoubleFunction[] {
        (ToDoubleFunction<int[]>) w -> {
          double[] s = sums.apply(w);
          return s[0] + s[1] == 0 ? Double.NaN : s[0] / (s[0] + s[1]);
        },
        (ToDoubleFunction<int[]>) w -> {
          double[] s = sums.apply(w);
          return s[0] + s[2] == 0 ? Double.NaN : s[0] / (s[0] + s[2]);
        },
        (ToDoubleFunction<int[]>) w -> {
          double[] s = sums.apply(w);
          double d = 2 * s[0] + s[1] + s[2];
          return d == 0 ? Double.NaN : 2 * s[0] / d;
        }};
  }
}
