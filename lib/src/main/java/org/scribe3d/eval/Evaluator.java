package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.scribe3d.data.Finding;
import org.scribe3d.data.Region;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single entry point of evaluation: predictions (+ references) in, every metric with its 95%
 * bootstrap interval out ({@link EvalResult}). Report metrics are computed per region over the
 * case-region rows whose reference is not empty (AMOS-MM skips empty regions) and pooled over all
 * regions ("all"); GREEN's "all" is the mean of the region means, as AMOS-MM reports it. The bootstrap
 * resamples cases (all rows and questions of a drawn case come along) and recomputes every corpus
 * metric on each resample.
 *
 * <p>This class gathers the rows and runs the calculators: {@link ReportTextMetrics} (BLEU, ROUGE-L,
 * CIDEr, METEOR), {@link GreenMetrics}, {@link FindingMetrics} (finding P/R/F1) and {@link VqaMetrics},
 * each filling one {@link MetricTable}.
 */
public final class Evaluator {
  private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

  private Evaluator() {}

  /** Evaluation settings; every field has a usable default. */
  public static final class Options {
    int resamples = 1000;
    long seed = 20240917L;
    boolean meteor = true;
    GreenJudge judge;
    Function<String, List<Finding>> findingExtractor;
    Map<String, List<Finding>> referenceFindings;
    Map<String, Map<Region, String>> references;

    public Options resamples(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("--bootstrap must be at least 1, got " + n);
      }
      this.resamples = n;
      return this;
    }

    public Options seed(long s) {
      this.seed = s;
      return this;
    }

    public Options meteor(boolean on) {
      this.meteor = on;
      return this;
    }

    /** The GREEN judge; without one GREEN is skipped with a note. */
    public Options greenJudge(GreenJudge j) {
      this.judge = j;
      return this;
    }

    /** Extracts findings from report text (the text package's extractor); enables finding P/R/F1. */
    public Options findingExtractor(Function<String, List<Finding>> f) {
      this.findingExtractor = f;
      return this;
    }

    /** Ground-truth findings per case; where absent the extractor is run on the reference report. */
    public Options referenceFindings(Map<String, List<Finding>> m) {
      this.referenceFindings = m;
      return this;
    }

    /** Reference reports per case and region for prediction lines that carry no "reference". */
    public Options references(Map<String, Map<Region, String>> m) {
      this.references = m;
      return this;
    }
  }

  /** Scores one system. */
  public static EvalResult evaluate(Predictions predictions, Options options) {
    long t0 = System.nanoTime();
    List<String> caseIds = caseIds(predictions);
    MetricTable p = prepare(predictions, options, caseIds);
    Bootstrap boot = new Bootstrap(caseIds.size(), options.resamples, options.seed);
    List<EvalResult.Metric> metrics = new ArrayList<>();
    for (Map.Entry<String, MetricTable.Stat> e : p.stats.entrySet()) {
      Bootstrap.Interval iv = boot.interval95(e.getValue().f());
      metrics.add(new EvalResult.Metric(e.getKey(), e.getValue().n(), iv.value(), iv.lo(), iv.hi()));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    LOG.info("evaluated {} cases ({} metrics, {} resamples) in {} s", caseIds.size(), metrics.size(),
        options.resamples, String.format("%.2f", seconds));
    return new EvalResult(caseIds.size(), options.resamples, options.seed, metrics, p.notes, p.counts, p.perCase,
        seconds);
  }

  /**
   * Paired comparison of A and B on the cases both have: for every metric both have, the difference
   * A - B with its 95% interval, p-value and verdict (same resamples for both).
   */
  public static List<Comparison> compare(Predictions a, Predictions b, Options options) {
    List<String> ca = caseIds(a);
    Set<String> inB = new LinkedHashSet<>(caseIds(b));
    List<String> common = new ArrayList<>();
    for (String c : ca) {
      if (inB.contains(c)) {
        common.add(c);
      }
    }
    if (common.isEmpty()) {
      throw new IllegalArgumentException("the two prediction sets share no case");
    }
    MetricTable pa = prepare(a, options, common);
    MetricTable pb = prepare(b, options, common);
    Bootstrap boot = new Bootstrap(common.size(), options.resamples, options.seed);
    List<Comparison> out = new ArrayList<>();
    for (Map.Entry<String, MetricTable.Stat> e : pa.stats.entrySet()) {
      MetricTable.Stat sb = pb.stats.get(e.getKey());
      if (sb == null) {
        continue;
      }
      Bootstrap.Paired r = boot.paired(e.getValue().f(), sb.f(), true);
      out.add(new Comparison(e.getKey(), common.size(), r));
    }
    return out;
  }

  /** One metric of a paired comparison. */
  public record Comparison(String metric, int cases, Bootstrap.Paired result) {}

  /** Comparisons as JSON: {metric: {a, b, difference, lo, hi, p_value, verdict, cases}}. */
  public static com.google.gson.JsonObject comparisonsToJson(List<Comparison> comparisons) {
    com.google.gson.JsonObject o = new com.google.gson.JsonObject();
    for (Comparison c : comparisons) {
      com.google.gson.JsonObject m = new com.google.gson.JsonObject();
      Bootstrap.Paired r = c.result();
      num(m, "a", r.a());
      num(m, "b", r.b());
      num(m, "difference", r.difference());
      num(m, "lo", r.lo());
      num(m, "hi", r.hi());
      num(m, "p_value", r.pValue());
      m.addProperty("verdict", r.verdict());
      m.addProperty("cases", c.cases());
      m.addProperty("resamples", r.resamples());
      o.add(c.metric(), m);
    }
    return o;
  }

  private static void num(com.google.gson.JsonObject o, String k, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.add(k, com.google.gson.JsonNull.INSTANCE);
    } else {
      o.addProperty(k, v);
    }
  }

  private static List<String> caseIds(Predictions p) {
    Set<String> ids = new LinkedHashSet<>();
    p.reports().forEach(r -> ids.add(r.caseId()));
    p.vqa().forEach(q -> ids.add(q.caseId()));
    return new ArrayList<>(ids);
  }

  private static MetricTable prepare(Predictions preds, Options o, List<String> caseIds) {
    MetricTable p = new MetricTable();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < caseIds.size(); i++) {
      index.put(caseIds.get(i), i);
      p.cell(caseIds.get(i), "case_id", caseIds.get(i));
    }
    // report rows
    List<ReportRow> rows = new ArrayList<>();
    int skipped = 0;
    for (Predictions.Report r : preds.reports()) {
      Integer ci = index.get(r.caseId());
      if (ci == null) {
        continue; // not among the cases being compared
      }
      String ref = r.reference();
      if (ref == null) {
        Map<Region, String> m = o.references == null ? null : o.references.get(r.caseId());
        ref = m == null ? null : m.get(r.region());
        if (ref == null) {
          throw new IllegalArgumentException("no reference report for case '" + r.caseId() + "' region "
              + r.region().key() + " (give \"reference\" in the predictions or a dataset)");
        }
      }
      if (ref.isBlank()) {
        skipped++;
        p.cell(r.caseId(), r.region().key() + "_status", "empty reference (skipped)");
        continue;
      }
      rows.add(new ReportRow(ci, r.caseId(), r.region(), r.prediction(), ref, r.hint()));
    }
    p.counts.put("report_rows", rows.size());
    p.counts.put("report_rows_skipped_empty_reference", skipped);
    if (!rows.isEmpty()) {
      ReportTextMetrics.add(p, rows, o);
      GreenMetrics.add(p, rows, o);
      FindingMetrics.add(p, rows, o);
    }
    VqaMetrics.add(p, preds, index);
    return p;
  }
}
