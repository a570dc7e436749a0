package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.data.Region;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GREEN per region and overall: the judge model scores every report row, a region's GREEN is the mean
 * over its rows and "all" is the mean of the region means, as AMOS-MM reports it. Rows whose judge
 * answer cannot be parsed are counted and left out.
 */
final class GreenMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

  private GreenMetrics() {}

  /** Adds report.{region,all}.green and per-case GREEN columns, or a note without a judge. */
  static void add(MetricTable p, List<ReportRow> rows, Evaluator.Options o) {
    if (o.judge == null) {
      p.notes.add("GREEN not computed: no judge model given.");
      return;
    }
    double[] score = new double[rows.size()];
    int unparseable = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < rows.size(); i++) {
      ReportRow r = rows.get(i);
      String text = o.judge.complete(GreenPrompt.chat(GreenPrompt.make(r.reference(), r.prediction())));
      GreenParser.Result g = GreenParser.parse(text == null ? "" : text);
      score[i] = g.score();
      String col = r.region().key() + "_";
      if (g.parseable()) {
        p.cell(r.caseId(), col + "green", MetricTable.fmt(g.score()));
        p.cell(r.caseId(), col + "green_significant_errors", Integer.toString(g.significantTotal()));
        p.cell(r.caseId(), col + "green_matched", Integer.toString(g.matched()));
      } else {
        unparseable++;
        p.cell(r.caseId(), col + "green_status", "unparseable judge response");
      }
      if ((i + 1) % 10 == 0 || i + 1 == rows.size()) {
        double el = (System.nanoTime() - t0) / 1e9;
        LOG.info("GREEN {}/{} ({} s, ETA {} s)", i + 1, rows.size(), String.format("%.0f", el),
            String.format("%.0f", el / (i + 1) * (rows.size() - i - 1)));
      }
    }
    p.counts.put("green_unparseable", unparseable);
    if (unparseable > 0) {
      p.notes.add("GREEN: " + unparseable + " of " + rows.size() + " judge responses were unparseable and not scored.");
    }
    Map<Region, List<Integer>> byRegion = new EnumMap<>(Region.class);
    for (int i = 0; i < rows.size(); i++) {
      if (!Double.isNaN(score[i])) {
        byRegion.computeIfAbsent(rows.get(i).region(), k -> new ArrayList<>()).add(i);
      }
    }
    for (Map.Entry<Region, List<Integer>> e : byRegion.entrySet()) {
      List<Integer> idx = e.getValue();
      p.stats.put("report." + e.getKey().key() + ".green", new MetricTable.Stat(w -> regionMean(rows, score, idx, w), idx.size()));
    }
    int total = byRegion.values().stream().mapToInt(List::size).sum();
    p.stats.put("report.all.green", new MetricTable.Stat(w -> {
      double s = 0;
      int k = 0;
      for (List<Integer> idx : byRegion.values()) {
        double m = regionMean(rows, score, idx, w);
        if (!Double.isNaN(m)) {
          s += m;
          k++;
        }
      }
      return k == 0 ? Double.NaN : s / k;
    }, total));
  }

  private static double regionMean(List<ReportRow> rows, double[] score, List<Integer> idx, int[] w) {
    double s = 0;
    double n = 0;
    for (int i : idx) {
      int m = w == null ? 1 : w[rows.get(i).caseIndex()];
      s += m * score[i];
      n += m;
    }
    return n == 0 ? Double.NaN : s / n;
  }
}
