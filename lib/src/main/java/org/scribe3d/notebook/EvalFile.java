package org.scribe3d.notebook;

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
import java.util.Map;
import java.util.Optional;
import org.scribe3d.eval.Bootstrap;
import org.scribe3d.eval.EvalResult;
import org.scribe3d.eval.Evaluator;

/**
 * An {@code eval.json} (written by {@code scribe3d evaluate}) read back into the evaluation's own
 * types: every metric as an {@link EvalResult.Metric} (value, 95% interval, n) and, when the
 * evaluation was paired against another with {@code --compare}, every paired difference as an
 * {@link Evaluator.Comparison}. Metric names are {@link EvalResult}'s dotted paths
 * ({@code findings.chest.f1}, {@code vqa.all.accuracy}, {@code vqa.type.<type>.accuracy}).
 */
public final class EvalFile {
  private final Path file;
  private final int cases;
  private final Map<String, EvalResult.Metric> metrics;
  private final List<String> notes;
  private final List<Evaluator.Comparison> comparisons;
  private final String comparisonNote;

  private EvalFile(Path file, int cases, Map<String, EvalResult.Metric> metrics, List<String> notes,
      List<Evaluator.Comparison> comparisons, String comparisonNote) {
    this.file = file;
    this.cases = cases;
    this.metrics = metrics;
    this.notes = notes;
    this.comparisons = comparisons;
    this.comparisonNote = comparisonNote;
  }

  /** Reads an eval.json, or an evaluation directory holding one. */
  public static EvalFile read(Path evalJsonOrDir) throws IOException {
    Path file = Files.isDirectory(evalJsonOrDir) ? evalJsonOrDir.resolve("eval.json") : evalJsonOrDir;
    JsonObject root;
    try {
      root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new IOException(file + ": not an eval.json object");
    }
    Map<String, EvalResult.Metric> metrics = new LinkedHashMap<>();
    JsonObject ms = root.has("metrics") && root.get("metrics").isJsonObject() ? root.getAsJsonObject("metrics") : new JsonObject();
    for (String name : ms.keySet()) {
      if (ms.get(name).isJsonObject()) {
        JsonObject m = ms.getAsJsonObject(name);
        metrics.put(name, new EvalResult.Metric(name, m.has("n") ? m.get("n").getAsInt() : 0,
            num(m, "value"), num(m, "lo"), num(m, "hi")));
      }
    }
    List<String> notes = new ArrayList<>();
    if (root.has("notes") && root.get("notes").isJsonArray()) {
      root.getAsJsonArray("notes").forEach(n -> notes.add(n.getAsString()));
    }
    List<Evaluator.Comparison> comparisons = new ArrayList<>();
    String note = null;
    if (root.has("comparison") && root.get("comparison").isJsonObject()) {
      JsonObject c = root.getAsJsonObject("comparison");
      note = c.has("note") && !c.get("note").isJsonNull() ? c.get("note").getAsString() : null;
      JsonObject cm = c.has("metrics") && c.get("metrics").isJsonObject() ? c.getAsJsonObject("metrics") : new JsonObject();
      for (String name : cm.keySet()) {
        JsonObject m = cm.getAsJsonObject(name);
        comparisons.add(new Evaluator.Comparison(name, m.has("cases") ? m.get("cases").getAsInt() : 0,
            new Bootstrap.Paired(num(m, "a"), num(m, "b"), num(m, "difference"), num(m, "lo"), num(m, "hi"),
                num(m, "p_value"), m.has("verdict") ? m.get("verdict").getAsString() : "",
                m.has("resamples") ? m.get("resamples").getAsInt() : 0)));
      }
    }
    int cases = root.has("cases") ? root.get("cases").getAsInt() : 0;
    return new EvalFile(file, cases, metrics, List.copyOf(notes), List.copyOf(comparisons), note);
  }

  private static double num(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
  }

  /** The eval.json read. */
  public Path file() {
    return file;
  }

  /** Cases evaluated. */
  public int cases() {
    return cases;
  }

  /** What was not computed and why. */
  public List<String> notes() {
    return notes;
  }

  /** Every metric, in the file's order. */
  public Map<String, EvalResult.Metric> metrics() {
    return metrics;
  }

  /** A metric; when the file lacks it, one with NaN value and bounds and n 0 (shown as "n/a"). */
  public EvalResult.Metric metric(String name) {
    EvalResult.Metric m = metrics.get(name);
    return m != null ? m : new EvalResult.Metric(name, 0, Double.NaN, Double.NaN, Double.NaN);
  }

  /** A metric's point value; NaN when absent or not computable. */
  public double value(String name) {
    return metric(name).value();
  }

  /**
   * The metrics whose names have the given prefix and suffix, keyed by the part between:
   * {@code between("vqa.type.", ".accuracy")} gives one entry per question type.
   */
  public Map<String, EvalResult.Metric> between(String prefix, String suffix) {
    Map<String, EvalResult.Metric> out = new LinkedHashMap<>();
    metrics.forEach((k, m) -> {
      if (k.startsWith(prefix) && k.endsWith(suffix) && k.length() > prefix.length() + suffix.length()) {
        out.put(k.substring(prefix.length(), k.length() - suffix.length()), m);
      }
    });
    return out;
  }

  /** A metric as "0.123 [0.045, 0.210]"; without the interval when it has none; "n/a" when not computed. */
  public String withInterval(String name) {
    return withInterval(metric(name));
  }

  /** A metric as "0.123 [0.045, 0.210]"; without the interval when it has none; "n/a" when not computed. */
  public static String withInterval(EvalResult.Metric m) {
    if (Double.isNaN(m.value())) {
      return "n/a";
    }
    return Double.isNaN(m.lo()) ? Tables.format3(m.value())
        : Tables.format3(m.value()) + " [" + Tables.format3(m.lo()) + ", " + Tables.format3(m.hi()) + "]";
  }

  /** The paired comparison against another evaluation ({@code --compare}); empty when there was none. */
  public List<Evaluator.Comparison> comparisons() {
    return comparisons;
  }

  /** The paired comparison of one metric, if the evaluation made it. */
  public Optional<Evaluator.Comparison> comparison(String name) {
    return comparisons.stream().filter(c -> c.metric().equals(name)).findFirst();
  }

  /** The comparison's description (which two prediction files, how resampled); null without one. */
  public String comparisonNote() {
    return comparisonNote;
  }

  @Override
  public String toString() {
    return "EvalFile " + file + " (" + cases + " cases, " + metrics.size() + " metrics)";
  }
}
