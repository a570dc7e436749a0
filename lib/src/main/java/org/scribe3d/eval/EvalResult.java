package org.scribe3d.eval;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.scribe3d.io.AtomicFiles;

/**
 * Every metric of an evaluation with its 95% percentile bootstrap interval, plus notes (what was not
 * computed and why), counts and per-case values. Metric names are dotted paths:
 * {@code report.<chest|abdomen|pelvis|all>.<bleu_1..4|rouge_l|cider|meteor|green>},
 * {@code findings.<region|all>.<precision|recall|f1>}, {@code findings.type.<type>.<...>},
 * {@code vqa.all.accuracy}, {@code vqa.type.<type>.accuracy}.
 */
public final class EvalResult {
  /** One metric: value on all cases, interval bounds (NaN when not computable), rows/questions used. */
  public record Metric(String name, int n, double value, double lo, double hi) {}

  private final int cases;
  private final int resamples;
  private final long seed;
  private final List<Metric> metrics;
  private final List<String> notes;
  private final Map<String, Integer> counts;
  private final Map<String, Map<String, String>> perCase;
  private final double seconds;

  EvalResult(int cases, int resamples, long seed, List<Metric> metrics, List<String> notes,
      Map<String, Integer> counts, Map<String, Map<String, String>> perCase, double seconds) {
    this.cases = cases;
    this.resamples = resamples;
    this.seed = seed;
    this.metrics = List.copyOf(metrics);
    this.notes = List.copyOf(notes);
    this.counts = new LinkedHashMap<>(counts);
    this.perCase = perCase;
    this.seconds = seconds;
  }

  public int cases() {
    return cases;
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

  /** Seconds the evaluation took (tokenising, judging, bootstrap). */
  public double seconds() {
    return seconds;
  }

  public Metric metric(String name) {
    for (Metric m : metrics) {
      if (m.name.equals(name)) {
        return m;
      }
    }
    return null;
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

  /** Writes eval.json, per_case.csv and summary.html into dir (each atomically). */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.writeString(dir.resolve("eval.json"),
        new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(toJson()) + "\n");
    AtomicFiles.writeString(dir.resolve("per_case.csv"), perCaseCsv());
    AtomicFiles.writeString(dir.resolve("summary.html"), HtmlSummary.render(this));
  }
}
