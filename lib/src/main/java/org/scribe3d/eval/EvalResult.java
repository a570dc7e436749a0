package org.scribe3d.eval;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.scribe3d.data.FindingType;
import org.scribe3d.data.Region;
import org.scribe3d.io.AtomicFiles;

/**
 * Every metric of an evaluation with its 95% percentile bootstrap interval, plus notes (what was not
 * computed and why), counts and per-case values; when written by {@link Evaluation}, also its inputs
 * and a paired comparison with another run. Metric names are dotted paths:
 * {@code report.<chest|abdomen|pelvis|all>.<bleu_1..4|rouge_l|cider|meteor|green>},
 * {@code findings.<region|all>.<precision|recall|f1>}, {@code findings.type.<type>.<...>},
 * {@code hint_findings.all.<...>}, {@code vqa.all.accuracy}, {@code vqa.type.<type>.accuracy};
 * the typed accessors ({@link #findingF1(Region)}, {@link #vqaAccuracy(String)}, {@link
 * #reportMetric(Region, ReportMetric)} ...) build them so callers need not.
 *
 * <p>A metric the evaluation did not compute (no judge for GREEN, no VQA lines, a region without
 * rows) comes back from the typed accessors as {@link Metric#absent}: n 0, value and bounds NaN.
 */
public final class EvalResult {
  /** One metric: value on all cases, interval bounds (NaN when not computable), rows/questions used. */
  public record Metric(String name, int n, double value, double lo, double hi) {
    /** A metric that was not computed. */
    public static Metric absent(String name) {
      return new Metric(name, 0, Double.NaN, Double.NaN, Double.NaN);
    }

    /** False for {@link #absent} metrics (nothing was scored). */
    public boolean isPresent() {
      return n > 0 || !Double.isNaN(value);
    }
  }

  /**
   * What an evaluation scored, as eval.json records it.
   *
   * @param predictions the predictions file (absolute)
   * @param data the dataset.json with the references (absolute)
   * @param split the list of the dataset that was scored, as given
   * @param generation how the predictions were generated (e.g. from a trained run: "run", "answer_mode",
   *     ...), in order; empty for a predictions file given as is. Values are strings, numbers or booleans.
   * @param greenModel the GREEN judge directory, or null when GREEN was skipped
   */
  public record Inputs(Path predictions, Path data, String split, Map<String, Object> generation, Path greenModel) {
    public Inputs {
      generation = Collections.unmodifiableMap(new LinkedHashMap<>(generation));
    }

    JsonObject toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("predictions", predictions.toString());
      o.addProperty("data", data.toString());
      o.addProperty("split", split);
      generation.forEach((k, v) -> {
        if (v instanceof Number n) {
          o.addProperty(k, n);
        } else if (v instanceof Boolean b) {
          o.addProperty(k, b);
        } else {
          o.addProperty(k, v == null ? null : v.toString());
        }
      });
      o.addProperty("green_model", greenModel == null ? null : greenModel.toString());
      return o;
    }
  }

  private final int cases;
  private final int resamples;
  private final long seed;
  private final List<Metric> metrics;
  private final List<String> notes;
  private final Map<String, Integer> counts;
  private final Map<String, Map<String, String>> perCase;
  private final double seconds;
  private final Inputs inputs;
  private final PairedComparison comparison;
  private final Path directory;

  EvalResult(int cases, int resamples, long seed, List<Metric> metrics, List<String> notes,
      Map<String, Integer> counts, Map<String, Map<String, String>> perCase, double seconds) {
    this(cases, resamples, seed, metrics, notes, counts, perCase, seconds, null, null, null);
  }

  private EvalResult(int cases, int resamples, long seed, List<Metric> metrics, List<String> notes,
      Map<String, Integer> counts, Map<String, Map<String, String>> perCase, double seconds, Inputs inputs,
      PairedComparison comparison, Path directory) {
    this.cases = cases;
    this.resamples = resamples;
    this.seed = seed;
    this.metrics = List.copyOf(metrics);
    this.notes = List.copyOf(notes);
    this.counts = new LinkedHashMap<>(counts);
    this.perCase = perCase;
    this.seconds = seconds;
    this.inputs = inputs;
    this.comparison = comparison;
    this.directory = directory;
  }

  /** This result with its inputs and (may be null) a comparison recorded. */
  EvalResult with(Inputs in, PairedComparison cmp) {
    return new EvalResult(cases, resamples, seed, metrics, notes, counts, perCase, seconds, in, cmp, directory);
  }

  private EvalResult in(Path dir) {
    return new EvalResult(cases, resamples, seed, metrics, notes, counts, perCase, seconds, inputs, comparison, dir);
  }

  public int cases() {
    return cases;
  }

  /** Bootstrap resamples behind the intervals. */
  public int resamples() {
    return resamples;
  }

  /** Seed of the bootstrap resamples. */
  public long seed() {
    return seed;
  }

  public List<Metric> metrics() {
    return metrics;
  }

  public List<String> notes() {
    return notes;
  }

  public Map<String, Integer> counts() {
    return counts;
  }

  /** Seconds the evaluation took (tokenising, judging, bootstrap); NaN for a result read from eval.json. */
  public double seconds() {
    return seconds;
  }

  /** What was scored; empty for a result of {@link Evaluator#evaluate} alone. */
  public Optional<Inputs> inputs() {
    return Optional.ofNullable(inputs);
  }

  /** The paired comparison with another run, when one was asked for. */
  public Optional<PairedComparison> comparison() {
    return Optional.ofNullable(comparison);
  }

  /** The directory eval.json was written to ({@link Evaluation}) or read from ({@link #read}). */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /** A metric by its eval.json name, or null when absent. */
  public Metric metric(String name) {
    for (Metric m : metrics) {
      if (m.name.equals(name)) {
        return m;
      }
    }
    return null;
  }

  private Metric get(String name) {
    Metric m = metric(name);
    return m != null ? m : Metric.absent(name);
  }

  // ---- typed accessors ------------------------------------------------------------------------

  /** A report metric pooled over all regions. */
  public Metric reportMetric(ReportMetric m) {
    return get(MetricNames.report(null, m));
  }

  /** A report metric of one region. */
  public Metric reportMetric(Region region, ReportMetric m) {
    return get(MetricNames.report(region, m));
  }

  /** Finding precision, recall or F1 of one region (null = all regions). */
  public Metric findingMetric(Region region, FindingMetric m) {
    return get(MetricNames.findings(region, m));
  }

  /** Finding-level F1 over all regions. */
  public Metric findingF1() {
    return findingMetric((Region) null, FindingMetric.F1);
  }

  public Metric findingF1(Region region) {
    return findingMetric(region, FindingMetric.F1);
  }

  public Metric findingPrecision() {
    return findingMetric((Region) null, FindingMetric.PRECISION);
  }

  public Metric findingPrecision(Region region) {
    return findingMetric(region, FindingMetric.PRECISION);
  }

  public Metric findingRecall() {
    return findingMetric((Region) null, FindingMetric.RECALL);
  }

  public Metric findingRecall(Region region) {
    return findingMetric(region, FindingMetric.RECALL);
  }

  /** Precision, recall or F1 of one finding type (over all regions). */
  public Metric findingTypeMetric(FindingType type, FindingMetric m) {
    return get(MetricNames.findingType(type.key(), m));
  }

  public Metric findingF1(FindingType type) {
    return findingTypeMetric(type, FindingMetric.F1);
  }

  /** The finding types scored (those in a prediction or a reference), in eval.json order. */
  public List<FindingType> findingTypes() {
    List<FindingType> out = new ArrayList<>();
    for (String k : MetricNames.between(names(), "findings.type.", "." + FindingMetric.F1.key())) {
      try {
        out.add(FindingType.parse(k));
      } catch (IllegalArgumentException e) {
        // a type of another version of the vocabulary: still readable by name through metric()
      }
    }
    return out;
  }

  /** Precision, recall or F1 of the finding hints alone (runs trained with finding hints; else absent). */
  public Metric hintFindingMetric(FindingMetric m) {
    return get(MetricNames.hintFindings(m));
  }

  public Metric hintFindingF1() {
    return hintFindingMetric(FindingMetric.F1);
  }

  /** VQA accuracy over all questions. */
  public Metric vqaAccuracy() {
    return get(MetricNames.vqa());
  }

  /** VQA accuracy over the questions of one type (e.g. "presence"). */
  public Metric vqaAccuracy(String questionType) {
    return get(MetricNames.vqa(questionType));
  }

  /** The question types scored, sorted as eval.json lists them. */
  public List<String> questionTypes() {
    return MetricNames.between(names(), "vqa.type.", ".accuracy");
  }

  /** VQA accuracy per question type, in {@link #questionTypes()} order. */
  public Map<String, Metric> vqaAccuracyByType() {
    Map<String, Metric> out = new LinkedHashMap<>();
    for (String t : questionTypes()) {
      out.put(t, vqaAccuracy(t));
    }
    return out;
  }

  private List<String> names() {
    return metrics.stream().map(Metric::name).toList();
  }

  /**
   * Reads an eval.json written by {@link Evaluation} (or {@link #write}) into the typed result
   * ({@link EvalJsonReader}); {@link #seconds()} is NaN and per-case values stay in per_case.csv.
   */
  public static EvalResult read(Path evalJson) throws IOException {
    return EvalJsonReader.read(evalJson);
  }

  /** A result read back from a file: no per-case values, no timing. */
  static EvalResult readBack(int cases, int resamples, long seed, List<Metric> metrics, List<String> notes,
      Map<String, Integer> counts, Inputs inputs, PairedComparison comparison, Path directory) {
    return new EvalResult(cases, resamples, seed, metrics, notes, counts, new LinkedHashMap<>(), Double.NaN, inputs,
        comparison, directory);
  }

  /** The eval.json document. */
  public JsonObject toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("format", "scribe3d-eval/1");
    root.addProperty("cases", cases);
    JsonObject b = new JsonObject();
    b.addProperty("resamples", resamples);
    b.addProperty("seed", seed);
    b.addProperty("level", 0.95);
    b.addProperty("method", "percentile bootstrap over cases; corpus metrics recomputed per resample");
    root.add("bootstrap", b);
    JsonObject counts = new JsonObject();
    this.counts.forEach(counts::addProperty);
    root.add("counts", counts);
    JsonObject ms = new JsonObject();
    for (Metric m : metrics) {
      JsonObject o = new JsonObject();
      num(o, "value", m.value);
      num(o, "lo", m.lo);
      num(o, "hi", m.hi);
      o.addProperty("n", m.n);
      ms.add(m.name, o);
    }
    root.add("metrics", ms);
    JsonArray n = new JsonArray();
    notes.forEach(n::add);
    root.add("notes", n);
    if (inputs != null) {
      root.add("inputs", inputs.toJson());
    }
    if (comparison != null) {
      root.add("comparison", comparison.toJson());
    }
    return root;
  }

  private static void num(JsonObject o, String k, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.add(k, JsonNull.INSTANCE);
    } else {
      o.addProperty(k, v);
    }
  }

  /** A plain-text table of every metric. */
  public String summaryText() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%d cases, %d bootstrap resamples (95%% percentile intervals)%n", cases,
        resamples));
    sb.append(String.format(Locale.ROOT, "%-44s %10s  %-23s %6s%n", "metric", "value", "95% interval", "n"));
    for (Metric m : metrics) {
      sb.append(String.format(Locale.ROOT, "%-44s %10s  %-23s %6d%n", m.name, f4(m.value),
          Double.isNaN(m.lo) ? "-" : "[" + f4(m.lo) + ", " + f4(m.hi) + "]", m.n));
    }
    for (String note : notes) {
      sb.append("note: ").append(note).append(System.lineSeparator());
    }
    return sb.toString();
  }

  static String f4(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }

  /** The per-case CSV: one row per case, columns per region metric, GREEN and VQA where present. */
  public String perCaseCsv() {
    Set<String> cols = new LinkedHashSet<>();
    cols.add("case_id");
    List<String> order = new ArrayList<>();
    for (String region : List.of("chest", "abdomen", "pelvis")) {
      for (String c : List.of("status", "bleu_1", "bleu_2", "bleu_3", "bleu_4", "rouge_l", "cider", "meteor", "green",
          "green_significant_errors", "green_matched", "green_status", "findings_tp", "findings_fp", "findings_fn")) {
        order.add(region + "_" + c);
      }
    }
    order.add("vqa_correct");
    order.add("vqa_total");
    Set<String> present = new LinkedHashSet<>();
    perCase.values().forEach(m -> present.addAll(m.keySet()));
    for (String c : order) {
      if (present.contains(c)) {
        cols.add(c);
      }
    }
    StringBuilder sb = new StringBuilder(String.join(",", cols)).append('\n');
    for (Map<String, String> row : perCase.values()) {
      List<String> cells = new ArrayList<>();
      for (String c : cols) {
        cells.add(csv(row.getOrDefault(c, "")));
      }
      sb.append(String.join(",", cells)).append('\n');
    }
    return sb.toString();
  }

  private static String csv(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  /**
   * Writes eval.json (metrics not computable are null), per_case.csv and summary.html into dir (each
   * atomically); returns this result with {@link #directory()} set.
   */
  public EvalResult write(Path dir) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.writeString(dir.resolve("eval.json"),
        new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(toJson()) + "\n");
    AtomicFiles.writeString(dir.resolve("per_case.csv"), perCaseCsv());
    AtomicFiles.writeString(dir.resolve("summary.html"), HtmlSummary.render(this));
    return in(dir);
  }
}
