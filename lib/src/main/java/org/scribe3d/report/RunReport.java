package org.scribe3d.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.scribe3d.data.Case;
import org.scribe3d.data.Region;
import org.scribe3d.eval.Predictions;
import org.scribe3d.notebook.Charts;
import org.scribe3d.notebook.HtmlDocument;
import org.scribe3d.notebook.Plane;
import org.scribe3d.notebook.SliceView;
import org.scribe3d.notebook.Tables;
import org.scribe3d.notebook.Window;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;
import tech.tablesaw.plotly.components.Figure;

/**
 * Reading a trained and evaluated run back (metrics.jsonl, eval.json, predictions.jsonl) and turning
 * it into the figures and the HTML page the demo writes: loss curve, per-region finding F1, VQA
 * accuracy by question type, and example cases with slices beside generated and reference reports.
 * Notebooks call the same functions.
 */
public final class RunReport {
  private RunReport() {}

  /** Per-step training loss and the periodic validation lines of a run's metrics.jsonl. */
  public record Curves(double[] steps, double[] loss, double[] lr, double[] valSteps, double[] valLoss,
      double[] valVqa) {}

  public static Curves curves(Path metricsJsonl) throws IOException {
    List<double[]> train = new ArrayList<>();
    List<double[]> val = new ArrayList<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(metricsJsonl, StandardCharsets.UTF_8)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonObject o;
      try {
        o = JsonParser.parseString(line).getAsJsonObject();
      } catch (RuntimeException e) {
        throw new IOException(metricsJsonl + " line " + lineNo + ": not a JSON object");
      }
      if (o.has("kind") && o.get("kind").getAsString().equals("validation")) {
        val.add(new double[] {o.get("step").getAsDouble(), num(o, "val_loss"), num(o, "vqa_accuracy")});
      } else if (o.has("loss")) {
        train.add(new double[] {o.get("step").getAsDouble(), num(o, "loss"), num(o, "lr")});
      }
    }
    return new Curves(col(train, 0), col(train, 1), col(train, 2), col(val, 0), col(val, 1), col(val, 2));
  }

  /** Training loss per step with a running mean (window 25) to make the trend visible. */
  public static Figure lossFigure(Curves c, String title) {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("loss", c.loss());
    s.put("running mean (25 steps)", runningMean(c.loss(), 25));
    return Charts.line(title, c.steps(), s, "optimizer step", "masked cross-entropy (nats/token)");
  }

  /** Trailing mean over at most {@code window} values. */
  public static double[] runningMean(double[] v, int window) {
    double[] out = new double[v.length];
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      sum += v[i];
      if (i >= window) {
        sum -= v[i - window];
      }
      out[i] = sum / Math.min(i + 1, window);
    }
    return out;
  }

  /** eval.json as written by {@code scribe3d evaluate}. */
  public static JsonObject readEval(Path evalJson) throws IOException {
    try {
      return JsonParser.parseString(Files.readString(evalJson, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new IOException(evalJson + ": not an eval.json object");
    }
  }

  /** A metric's point value ({@code "findings.all.f1"}, {@code "vqa.all.accuracy"}); NaN if absent or null. */
  public static double metric(JsonObject eval, String key) {
    JsonObject m = eval.getAsJsonObject("metrics");
    if (m == null || !m.has(key) || !m.get(key).isJsonObject()) {
      return Double.NaN;
    }
    JsonElement v = m.getAsJsonObject(key).get("value");
    return v == null || v.isJsonNull() ? Double.NaN : v.getAsDouble();
  }

  /** {lo, hi} of a metric's interval (NaN when absent). */
  public static double[] interval(JsonObject eval, String key) {
    JsonObject m = eval.getAsJsonObject("metrics");
    if (m == null || !m.has(key) || !m.get(key).isJsonObject()) {
      return new double[] {Double.NaN, Double.NaN};
    }
    JsonObject o = m.getAsJsonObject(key);
    return new double[] {num(o, "lo"), num(o, "hi")};
  }

  /** Metric values under a prefix, keyed by the middle part: prefix "vqa.type.", suffix ".accuracy". */
  public static Map<String, Double> metricsBetween(JsonObject eval, String prefix, String suffix) {
    Map<String, Double> out = new LinkedHashMap<>();
    JsonObject m = eval.getAsJsonObject("metrics");
    if (m != null) {
      for (String k : m.keySet()) {
        if (k.startsWith(prefix) && k.endsWith(suffix) && k.length() > prefix.length() + suffix.length()) {
          out.put(k.substring(prefix.length(), k.length() - suffix.length()), metric(eval, k));
        }
      }
    }
    return out;
  }

  /** One bar per region (chest, abdomen, pelvis, all) and run, e.g. finding F1 of the model and its blind control. */
  public static Figure regionFigure(Map<String, JsonObject> runs, String metric, String title) {
    List<String> labels = new ArrayList<>();
    for (Region r : Region.values()) {
      labels.add(r.key());
    }
    labels.add("all");
    Map<String, double[]> series = new LinkedHashMap<>();
    for (Map.Entry<String, JsonObject> e : runs.entrySet()) {
      double[] v = new double[labels.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = zeroIfNaN(metric(e.getValue(), "findings." + labels.get(i) + "." + metric));
      }
      series.put(e.getKey(), v);
    }
    return Charts.groupedBar(title, labels, series, "region", metric);
  }

  /** VQA accuracy per question type (and overall) for each run. */
  public static Figure vqaFigure(Map<String, JsonObject> runs, String title) {
    List<String> types = new ArrayList<>();
    for (JsonObject e : runs.values()) {
      for (String t : metricsBetween(e, "vqa.type.", ".accuracy").keySet()) {
        if (!types.contains(t)) {
          types.add(t);
        }
      }
    }
    types.add("all");
    Map<String, double[]> series = new LinkedHashMap<>();
    for (Map.Entry<String, JsonObject> e : runs.entrySet()) {
      double[] v = new double[types.size()];
      for (int i = 0; i < v.length; i++) {
        String t = types.get(i);
        v[i] = zeroIfNaN(metric(e.getValue(), t.equals("all") ? "vqa.all.accuracy" : "vqa.type." + t + ".accuracy"));
      }
      series.put(e.getKey(), v);
    }
    return Charts.groupedBar(title, types, series, "question type", "accuracy");
  }

  /** Generated findings per (case, region) from a predictions file. */
  public static Map<String, Map<Region, String>> reportsByCase(Predictions p) {
    Map<String, Map<Region, String>> out = new LinkedHashMap<>();
    for (Predictions.Report r : p.reports()) {
      out.computeIfAbsent(r.caseId(), k -> new LinkedHashMap<>()).put(r.region(), r.prediction());
    }
    return out;
  }

  /**
   * The demo's HTML page.
   *
   * @param runs display name → eval.json (the first is the model; a second, if any, its blind control)
   * @param curves the model's training curves
   * @param examples validation cases to show with their generated reports ({@code generated})
   */
  public static void writeHtml(Path file, String title, List<String> intro, Map<String, JsonObject> runs,
      Curves curves, List<Case> examples, Map<String, Map<Region, String>> generated) throws IOException {
    HtmlDocument doc = new HtmlDocument(title);
    for (String p : intro) {
      doc.paragraph(p);
    }
    doc.heading("Training loss");
    doc.add(lossFigure(curves, "Training loss"));
    if (curves.valSteps().length > 0) {
      Map<String, double[]> v = new LinkedHashMap<>();
      v.put("validation loss", curves.valLoss());
      v.put("validation VQA accuracy (greedy, subset)", curves.valVqa());
      doc.add(Charts.line("Periodic validation", curves.valSteps(), v, "optimizer step", "value"));
    }
    doc.heading("Finding-level F1 per region (held-out phantoms)");
    doc.add(regionFigure(runs, "f1", "Finding F1 per region"));
    doc.heading("VQA accuracy by question type (chance 0.25)");
    doc.add(vqaFigure(runs, "VQA accuracy by question type"));
    doc.heading("Example validation cases");
    for (Case c : examples) {
      try {
        Volume v = VolumeIO.load(c.image());
        doc.add(SliceView.slice(v, Plane.CORONAL, SliceView.middle(v, Plane.CORONAL), Window.SOFT_TISSUE));
      } catch (IOException | RuntimeException e) {
        doc.paragraph("(image not readable: " + e.getMessage() + ")");
      }
      Map<Region, String> gen = generated.getOrDefault(c.id(), Map.of());
      List<Map<String, String>> rows = new ArrayList<>();
      for (Region r : Region.values()) {
        String ref = c.findings().getOrDefault(r, "");
        if (!ref.isBlank() || gen.containsKey(r)) {
          Map<String, String> row = new LinkedHashMap<>();
          row.put("region", r.key());
          row.put("generated", gen.getOrDefault(r, ""));
          row.put("reference", ref);
          rows.add(row);
        }
      }
      doc.add(Tables.fromRows("Case " + c.id(), rows));
    }
    doc.write(file);
  }



  /** Raw HTML for {@link HtmlDocument#add} and notebook display() (RichOutput shows objects with a toHtml()). */
  public record Html(String html) {
    public String toHtml() {
      return html;
    }
  }

  private static double zeroIfNaN(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static double num(JsonObject o, String k) {
    return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsDouble() : Double.NaN;
  }

  private static double[] col(List<double[]> rows, int c) {
    double[] out = new double[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = rows.get(i)[c];
    }
    return out;
  }

  /** A metric for display: three decimals, "n/a" for NaN. */
  public static String fmt(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }
}
