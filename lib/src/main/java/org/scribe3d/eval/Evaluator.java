package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.scribe3d.data.Finding;
import org.scribe3d.data.Region;
import org.scribe3d.prompt.FindingHint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single entry point of evaluation: predictions (+ references) in, every metric with its 95%
 * bootstrap interval out ({@link EvalResult}). Report metrics are computed per region over the
 * case-region rows whose reference is not empty (AMOS-MM skips empty regions) and pooled over all
 * regions ("all"); GREEN's "all" is the mean of the region means, as AMOS-MM reports it. The bootstrap
 * resamples cases (all rows and questions of a drawn case come along) and recomputes every corpus
 * metric on each resample.
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
    Prepared p = prepare(predictions, options, caseIds);
    Bootstrap boot = new Bootstrap(caseIds.size(), options.resamples, options.seed);
    List<EvalResult.Metric> metrics = new ArrayList<>();
    for (Map.Entry<String, Stat> e : p.stats.entrySet()) {
      Bootstrap.Interval iv = boot.interval95(e.getValue().f);
      metrics.add(new EvalResult.Metric(e.getKey(), e.getValue().n, iv.value(), iv.lo(), iv.hi()));
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
    Prepared pa = prepare(a, options, common);
    Prepared pb = prepare(b, options, common);
    Bootstrap boot = new Bootstrap(common.size(), options.resamples, options.seed);
    List<Comparison> out = new ArrayList<>();
    for (Map.Entry<String, Stat> e : pa.stats.entrySet()) {
      Stat sb = pb.stats.get(e.getKey());
      if (sb == null) {
        continue;
      }
      Bootstrap.Paired r = boot.paired(e.getValue().f, sb.f, true);
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

  // ------------------------------------------------------------------------------------------

  private record Stat(ToDoubleFunction<int[]> f, int n) {}

  private static final class Prepared {
    final Map<String, Stat> stats = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, Integer> counts = new LinkedHashMap<>();
    final Map<String, Map<String, String>> perCase = new LinkedHashMap<>();

    void cell(String caseId, String column, String value) {
      perCase.computeIfAbsent(caseId, k -> new LinkedHashMap<>()).put(column, value);
    }
  }

  private record Row(int caseIndex, String caseId, Region region, String prediction, String reference, String hint) {}

  private static List<String> caseIds(Predictions p) {
    Set<String> ids = new LinkedHashSet<>();
    p.reports().forEach(r -> ids.add(r.caseId()));
    p.vqa().forEach(q -> ids.add(q.caseId()));
    return new ArrayList<>(ids);
  }

  private static Prepared prepare(Predictions preds, Options o, List<String> caseIds) {
    Prepared p = new Prepared();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < caseIds.size(); i++) {
      index.put(caseIds.get(i), i);
      p.cell(caseIds.get(i), "case_id", caseIds.get(i));
    }
    // report rows
    List<Row> rows = new ArrayList<>();
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
      rows.add(new Row(ci, r.caseId(), r.region(), r.prediction(), ref, r.hint()));
    }
    p.counts.put("report_rows", rows.size());
    p.counts.put("report_rows_skipped_empty_reference", skipped);
    if (!rows.isEmpty()) {
      reportMetrics(p, rows, o, caseIds.size());
      greenMetrics(p, rows, o, caseIds.size());
      findingMetrics(p, rows, o, caseIds.size());
    }
    vqaMetrics(p, preds, index, caseIds.size());
    return p;
  }

  /** Multiplicity of each row under a case-level resample. */
  private static int[] rowWeights(List<Row> rows, int[] caseWeights) {
    if (caseWeights == null) {
      return null;
    }
    int[] w = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      w[i] = caseWeights[rows.get(i).caseIndex];
    }
    return w;
  }

  private static boolean anyWeight(int[] w) {
    if (w == null) {
      return true;
    }
    for (int x : w) {
      if (x > 0) {
        return true;
      }
    }
    return false;
  }

  private static void reportMetrics(Prepared p, List<Row> rows, Options o, int cases) {
    // tokenise once, references and hypotheses as two streams, as COCOEvalCap does
    List<String> hyps = PtbTokenizer.tokenizeLines(rows.stream().map(Row::prediction).toList());
    List<String> refs = PtbTokenizer.tokenizeLines(rows.stream().map(Row::reference).toList());
    Map<String, List<Integer>> scopes = new LinkedHashMap<>();
    for (Region r : Region.values()) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i).region == r) {
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
      List<Row> sr = s.getValue().stream().map(rows::get).toList();
      List<String> h = s.getValue().stream().map(hyps::get).toList();
      List<List<String>> rf = s.getValue().stream().map(i -> List.of(refs.get(i))).toList();
      MeteorStats[] ms = meteor == null ? null : s.getValue().stream().map(i -> meteor[i]).toArray(MeteorStats[]::new);
      CocoCorpus c = CocoCorpus.withMeteorStats(h, rf, ms);
      int n = sr.size();
      String pre = "report." + scope + ".";
      for (int k = 1; k <= 4; k++) {
        final int kk = k;
        p.stats.put(pre + "bleu_" + k, new Stat(w -> {
          int[] rw = rowWeights(sr, w);
          return anyWeight(rw) ? c.bleu(rw)[kk - 1] : Double.NaN;
        }, n));
      }
      p.stats.put(pre + "rouge_l", new Stat(w -> c.rougeL(rowWeights(sr, w)), n));
      p.stats.put(pre + "cider", new Stat(w -> {
        int[] rw = rowWeights(sr, w);
        return anyWeight(rw) ? c.cider(rw) : Double.NaN;
      }, n));
      if (o.meteor) {
        p.stats.put(pre + "meteor", new Stat(w -> {
          int[] rw = rowWeights(sr, w);
          return anyWeight(rw) ? c.meteor(rw) : Double.NaN;
        }, n));
      }
      if (!scope.equals("all")) {
        double[] cider = c.ciderScores(null);
        for (int i = 0; i < n; i++) {
          Row r = sr.get(i);
          String col = scope + "_";
          for (int k = 1; k <= 4; k++) {
            p.cell(r.caseId, col + "bleu_" + k, fmt(c.bleuOfCase(i, k)));
          }
          p.cell(r.caseId, col + "rouge_l", fmt(c.rougeOfCase(i)));
          p.cell(r.caseId, col + "cider", fmt(cider[i]));
          if (o.meteor) {
            p.cell(r.caseId, col + "meteor", fmt(c.meteorOfCase(i)));
          }
        }
      }
    }
  }

  private static void greenMetrics(Prepared p, List<Row> rows, Options o, int cases) {
    if (o.judge == null) {
      p.notes.add("GREEN not computed: no judge model given.");
      return;
    }
    double[] score = new double[rows.size()];
    int unparseable = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      String text = o.judge.complete(GreenPrompt.chat(GreenPrompt.make(r.reference, r.prediction)));
      GreenParser.Result g = GreenParser.parse(text == null ? "" : text);
      score[i] = g.score();
      String col = r.region.key() + "_";
      if (g.parseable()) {
        p.cell(r.caseId, col + "green", fmt(g.score()));
        p.cell(r.caseId, col + "green_significant_errors", Integer.toString(g.significantTotal()));
        p.cell(r.caseId, col + "green_matched", Integer.toString(g.matched()));
      } else {
        unparseable++;
        p.cell(r.caseId, col + "green_status", "unparseable judge response");
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
        byRegion.computeIfAbsent(rows.get(i).region, k -> new ArrayList<>()).add(i);
      }
    }
    for (Map.Entry<Region, List<Integer>> e : byRegion.entrySet()) {
      List<Integer> idx = e.getValue();
      p.stats.put("report." + e.getKey().key() + ".green", new Stat(w -> regionMean(rows, score, idx, w), idx.size()));
    }
    int total = byRegion.values().stream().mapToInt(List::size).sum();
    p.stats.put("report.all.green", new Stat(w -> {
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

  private static double regionMean(List<Row> rows, double[] score, List<Integer> idx, int[] w) {
    double s = 0;
    double n = 0;
    for (int i : idx) {
      int m = w == null ? 1 : w[rows.get(i).caseIndex];
      s += m * score[i];
      n += m;
    }
    return n == 0 ? Double.NaN : s / n;
  }

  private static void findingMetrics(Prepared p, List<Row> rows, Options o, int cases) {
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
      Row r = rows.get(i);
      List<Finding> pred = inRegion(o.findingExtractor.apply(r.prediction), r.region);
      List<Finding> ref;
      if (o.referenceFindings != null && o.referenceFindings.containsKey(r.caseId)) {
        ref = inRegion(o.referenceFindings.get(r.caseId), r.region);
      } else {
        ref = inRegion(o.findingExtractor.apply(r.reference), r.region);
      }
      for (FindingMatch.Outcome out : FindingMatch.match(pred, ref)) {
        int k = out.kind().ordinal();
        counts[i][k]++;
        byType.computeIfAbsent(out.finding().type().key(), t -> new int[rows.size()][3])[i][k]++;
      }
      if (r.hint != null) {
        List<Finding> said;
        try {
          said = inRegion(FindingHint.parse(r.hint).stream().map(FindingHint.Item::finding).toList(), r.region);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("case '" + r.caseId + "' region " + r.region.key() + ": "
              + e.getMessage(), e);
        }
        hinted.add(i);
        for (FindingMatch.Outcome out : FindingMatch.match(said, ref)) {
          hintCounts[i][out.kind().ordinal()]++;
        }
      }
      String col = r.region.key() + "_";
      p.cell(r.caseId, col + "findings_tp", Integer.toString(counts[i][0]));
      p.cell(r.caseId, col + "findings_fp", Integer.toString(counts[i][1]));
      p.cell(r.caseId, col + "findings_fn", Integer.toString(counts[i][2]));
    }
    for (Region reg : Region.values()) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i).region == reg) {
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

  private static void prf(Prepared p, String pre, List<Row> rows, int[][] counts, List<Integer> idx) {
    ToDoubleFunction<int[]>[] f = prfFunctions(rows, counts, idx);
    p.stats.put(pre + "precision", new Stat(f[0], idx.size()));
    p.stats.put(pre + "recall", new Stat(f[1], idx.size()));
    p.stats.put(pre + "f1", new Stat(f[2], idx.size()));
  }

  @SuppressWarnings("unchecked")
  private static ToDoubleFunction<int[]>[] prfFunctions(List<Row> rows, int[][] counts, List<Integer> idx) {
    Function<int[], double[]> sums = w -> {
      double[] s = new double[3];
      for (int i : idx) {
        int m = w == null ? 1 : w[rows.get(i).caseIndex];
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

  private static void vqaMetrics(Prepared p, Predictions preds, Map<String, Integer> index, int cases) {
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
    p.stats.put("vqa.all.accuracy", new Stat(w -> accuracy(qs, all, w), qs.size()));
    Map<String, List<Integer>> byType = new TreeMap<>();
    for (int i = 0; i < qs.size(); i++) {
      byType.computeIfAbsent(types.get(i), k -> new ArrayList<>()).add(i);
    }
    for (Map.Entry<String, List<Integer>> e : byType.entrySet()) {
      List<Integer> idx = e.getValue();
      p.stats.put("vqa.type." + e.getKey() + ".accuracy", new Stat(w -> accuracy(qs, idx, w), idx.size()));
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

  static String fmt(double v) {
    return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%.6f", v);
  }
}
