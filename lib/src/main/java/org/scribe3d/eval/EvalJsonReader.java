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
import org.scribe3d.eval.EvalResult.Inputs;
import org.scribe3d.eval.EvalResult.Metric;

/** An eval.json read back into an {@link EvalResult}: metrics, notes, counts, inputs and comparison as the file holds them. */
final class EvalJsonReader {
  private EvalJsonReader() {}

  /**
   * Reads an eval.json written by {@link Evaluation} (or {@link #write}) into the typed result: metrics,
   * notes, counts, inputs and comparison as the file holds them. Per-case values live in per_case.csv
   * and are not read ({@link #perCaseCsv} gives the header only); {@link #seconds()} is NaN. A file
   * that is not an eval.json is an IllegalArgumentException naming the file and the field.
   */
  static EvalResult read(Path evalJson) throws IOException {
    JsonObject root;
    try {
      JsonElement e = JsonParser.parseString(Files.readString(evalJson, StandardCharsets.UTF_8));
      if (!e.isJsonObject()) {
        throw new IllegalArgumentException(evalJson + ": not an eval.json (expected a JSON object)");
      }
      root = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(evalJson + ": not valid JSON");
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(evalJson + ": not UTF-8 text");
    }
    Reader r = new Reader(evalJson);
    if (root.has("format") && !"scribe3d-eval/1".equals(r.string(root, "format", false))) {
      throw new IllegalArgumentException(evalJson + ": format '" + root.get("format") + "' is not scribe3d-eval/1");
    }
    JsonObject ms = r.object(root, "metrics", true);
    List<Metric> metrics = new ArrayList<>();
    for (String name : ms.keySet()) {
      JsonObject m = r.object(ms, name, true);
      metrics.add(new Metric(name, (int) r.number(m, "n", "metrics." + name), r.number(m, "value", "metrics." + name),
          r.number(m, "lo", "metrics." + name), r.number(m, "hi", "metrics." + name)));
    }
    JsonObject b = r.object(root, "bootstrap", false);
    int resamples = b == null || !b.has("resamples") ? 0 : (int) r.number(b, "resamples", "bootstrap");
    long seed = b == null || !b.has("seed") ? 0 : b.get("seed").getAsLong();
    Map<String, Integer> counts = new LinkedHashMap<>();
    JsonObject cs = r.object(root, "counts", false);
    if (cs != null) {
      for (String k : cs.keySet()) {
        counts.put(k, (int) r.number(cs, k, "counts"));
      }
    }
    List<String> notes = new ArrayList<>();
    if (root.has("notes") && root.get("notes").isJsonArray()) {
      root.getAsJsonArray("notes").forEach(n -> notes.add(n.getAsString()));
    }
    int cases = root.has("cases") ? (int) r.number(root, "cases", "") : 0;
    Inputs inputs = null;
    JsonObject in = r.object(root, "inputs", false);
    if (in != null && in.has("predictions") && in.has("data")) {
      Map<String, Object> generation = new LinkedHashMap<>();
      for (String k : in.keySet()) {
        if (!Set.of("predictions", "data", "split", "green_model").contains(k) && in.get(k).isJsonPrimitive()) {
          generation.put(k, primitive(in.getAsJsonPrimitive(k)));
        }
      }
      String green = r.string(in, "green_model", false);
      inputs = new Inputs(Path.of(r.string(in, "predictions", true)), Path.of(r.string(in, "data", true)),
          r.string(in, "split", false), generation, green == null ? null : Path.of(green));
    }
    PairedComparison comparison = null;
    JsonObject c = r.object(root, "comparison", false);
    if (c != null) {
      JsonObject cm = r.object(c, "metrics", true);
      List<Evaluator.Comparison> list = new ArrayList<>();
      for (String name : cm.keySet()) {
        JsonObject m = r.object(cm, name, true);
        String w = "comparison.metrics." + name;
        list.add(new Evaluator.Comparison(name, (int) r.number(m, "cases", w), new Bootstrap.Paired(r.number(m, "a", w),
            r.number(m, "b", w), r.number(m, "difference", w), r.number(m, "lo", w), r.number(m, "hi", w),
            r.number(m, "p_value", w), r.string(m, "verdict", false), (int) r.number(m, "resamples", w))));
      }
      comparison = new PairedComparison(Path.of(r.string(c, "a", true)), Path.of(r.string(c, "b", true)), list);
    }
    Path dir = evalJson.toAbsolutePath().getParent();
    return EvalResult.readBack(cases, resamples, seed, metrics, notes, counts, inputs,
        comparison, dir);
  }

  private static Object primitive(JsonPrimitive p) {
    if (p.isBoolean()) {
      return p.getAsBoolean();
    }
    if (p.isNumber()) {
      String t = p.getAsString();
      return t.contains(".") || t.contains("e") || t.contains("E") ? (Object) p.getAsDouble() : (Object) p.getAsLong();
    }
    return p.getAsString();
  }

  /** Field access with errors that name the file and the field. */
  private record Reader(Path file) {
    JsonObject object(JsonObject o, String key, boolean required) {
      JsonElement e = o.get(key);
      if (e == null || e.isJsonNull()) {
        if (required) {
          throw new IllegalArgumentException(file + ": not an eval.json (no '" + key + "' object)");
        }
        return null;
      }
      if (!e.isJsonObject()) {
        throw new IllegalArgumentException(file + ": '" + key + "' must be an object");
      }
      return e.getAsJsonObject();
    }

    String string(JsonObject o, String key, boolean required) {
      JsonElement e = o.get(key);
      if (e == null || e.isJsonNull()) {
        if (required) {
          throw new IllegalArgumentException(file + ": missing '" + key + "'");
        }
        return null;
      }
      if (!e.isJsonPrimitive()) {
        throw new IllegalArgumentException(file + ": '" + key + "' must be a string");
      }
      return e.getAsString();
    }

    /** A number; null or absent is NaN. */
    double number(JsonObject o, String key, String where) {
      JsonElement e = o.get(key);
      if (e == null || e.isJsonNull()) {
        return Double.NaN;
      }
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
        throw new IllegalArgumentException(file + ": " + (where.isEmpty() ? "" : where + ".") + key
            + " must be a number");
      }
      return e.getAsDouble();
    }
  }

}
