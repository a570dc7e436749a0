package org.scribe3d.notebook;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Tablesaw tables from plain Java maps and lists, typed by their values. */
public final class Tables {
  private Tables() {}

  /**
   * A table row from alternating column names and values, in that order:
   * {@code row("case", id, "findings", 3)}. With {@code import static org.scribe3d.notebook.Tables.row;}
   * a notebook builds the rows of {@link #fromRows} in one expression.
   *
   * @throws IllegalArgumentException for an odd number of arguments or a name that is not a String
   */
  public static Map<String, Object> row(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("row(...) takes column names and values in pairs, got "
          + namesAndValues.length + " arguments");
    }
    Map<String, Object> r = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (!(namesAndValues[i] instanceof String name)) {
        throw new IllegalArgumentException("row(...): argument " + i + " must be a column name (String), not "
            + namesAndValues[i]);
      }
      r.put(name, namesAndValues[i + 1]);
    }
    return r;
  }

  /**
   * A two-column table "field" / "value" from alternating field names and values, e.g. a file
   * header or a configuration: {@code fields("NIfTI header", "datatype", "int16", "shape", "[96, 96, 40]")}.
   * Values are shown as text.
   */
  public static Table fields(String name, Object... fieldsAndValues) {
    Map<String, Object> pairs = row(fieldsAndValues);
    List<Map<String, Object>> rows = new ArrayList<>();
    pairs.forEach((k, v) -> rows.add(row("field", k, "value", v == null ? null : String.valueOf(v))));
    if (rows.isEmpty()) {
      return Table.create(name, StringColumn.create("field"), StringColumn.create("value"));
    }
    return fromRows(name, rows);
  }

  /** The named fields of a JSON object that it has (absent ones skipped), as {@link #fields}. */
  public static Table fields(String name, JsonObject json, String... keys) {
    List<Object> pairs = new ArrayList<>();
    for (String k : keys) {
      if (json.has(k)) {
        JsonElement e = json.get(k);
        pairs.add(k);
        pairs.add(e.isJsonPrimitive() ? e.getAsString() : e.toString());
      }
    }
    return fields(name, pairs.toArray());
  }

  /**
   * A recipe as a table, one row per key of the schema ({@link org.scribe3d.recipe.RecipeFiles#keys()},
   * dotted as in docs/recipes.md and {@code --set}): "key", "value" and "default", values as JSON text
   * (an object such as a resolved {@code data.pipeline} on one line). Read a run's resolved recipe with
   * {@code RunDirectory.of(run).readRecipe()}.
   */
  public static Table recipe(String name, org.scribe3d.recipe.Recipe r) {
    JsonObject value = org.scribe3d.recipe.RecipeFiles.toJson(r);
    JsonObject defaults = org.scribe3d.recipe.RecipeFiles.defaultsJson();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String key : org.scribe3d.recipe.RecipeFiles.keys()) {
      rows.add(row("key", key, "value", jsonText(at(value, key)), "default", jsonText(at(defaults, key))));
    }
    return fromRows(name, rows);
  }

  private static JsonElement at(JsonObject o, String dotted) {
    JsonElement e = o;
    for (String part : dotted.split("\\.")) {
      if (e == null || !e.isJsonObject()) {
        return null;
      }
      e = e.getAsJsonObject().get(part);
    }
    return e;
  }

  private static String jsonText(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return "null";
    }
    return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : e.toString();
  }

  /**
   * The regular files below a directory: "file" (relative to it) and "bytes", in path order.
   *
   * @see Workspace#files(Path)
   */
  public static Table files(String name, Path dir) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    Workspace.files(dir).forEach((f, bytes) -> rows.add(row("file", f.toString(), "bytes", bytes)));
    if (rows.isEmpty()) {
      return Table.create(name, StringColumn.create("file"), LongColumn.create("bytes"));
    }
    return fromRows(name, rows);
  }

  /**
   * {@code v} rounded half-up to {@code decimals} places, for a table cell ({@code round(0.12345, 3)}
   * is 0.123); null (a missing cell) for NaN or infinity.
   */
  public static Double round(double v, int decimals) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return null;
    }
    return java.math.BigDecimal.valueOf(v).setScale(decimals, java.math.RoundingMode.HALF_UP).doubleValue();
  }

  /**
   * A paired comparison as a table, one row per metric (in {@code order}, those the comparison has):
   * the two values under the given labels, the difference a − b, its paired 95% interval, the
   * two-sided p-value, the verdict and the number of cases.
   */
  public static Table comparison(String name, List<org.scribe3d.eval.Evaluator.Comparison> comparisons,
      String labelA, String labelB, List<String> order) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String metric : order) {
      for (org.scribe3d.eval.Evaluator.Comparison c : comparisons) {
        if (c.metric().equals(metric)) {
          var r = c.result();
          rows.add(row("metric", metric, labelA, format3(r.a()), labelB, format3(r.b()),
              "difference", format3(r.difference()),
              "95% interval", Double.isNaN(r.lo()) ? "n/a" : "[" + format3(r.lo()) + ", " + format3(r.hi()) + "]",
              "p", format3(r.pValue()), "verdict", r.verdict(), "cases", c.cases()));
        }
      }
    }
    return fromRows(name, rows);
  }

  /** {@code v} with three decimals ("0.123"), or "n/a" for NaN. */
  public static String format3(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(java.util.Locale.ROOT, "%.3f", v);
  }

  /** Two columns: the map's keys and its numeric values, in iteration order. */
  public static Table fromMap(String name, String keyColumn, String valueColumn, Map<String, ? extends Number> map) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map.Entry<String, ? extends Number> e : map.entrySet()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put(keyColumn, e.getKey());
      row.put(valueColumn, e.getValue());
      rows.add(row);
    }
    if (rows.isEmpty()) {
      return Table.create(name, StringColumn.create(keyColumn), DoubleColumn.create(valueColumn));
    }
    return fromRows(name, rows);
  }

  /**
   * One row per map; columns are the union of keys in first-seen order. A column whose values are
   * all integers becomes an int (or long) column, all numbers a double column, all booleans a
   * boolean column, anything else strings. Absent keys and nulls are missing values.
   */
  public static Table fromRows(String name, List<? extends Map<String, ?>> rows) {
    Map<String, List<Object>> cols = new LinkedHashMap<>();
    for (Map<String, ?> row : rows) {
      for (String k : row.keySet()) {
        cols.computeIfAbsent(k, x -> new ArrayList<>());
      }
    }
    for (Map<String, ?> row : rows) {
      for (Map.Entry<String, List<Object>> c : cols.entrySet()) {
        c.getValue().add(row.get(c.getKey()));
      }
    }
    Table t = Table.create(name);
    for (Map.Entry<String, List<Object>> c : cols.entrySet()) {
      t.addColumns(column(c.getKey(), c.getValue()));
    }
    return t;
  }

  private static Column<?> column(String name, List<Object> values) {
    boolean allInt = true;
    boolean allNum = true;
    boolean allBool = true;
    boolean fitsInt = true;
    for (Object v : values) {
      if (v == null) {
        continue;
      }
      boolean integral = v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
      allInt &= integral;
      allNum &= v instanceof Number;
      allBool &= v instanceof Boolean;
      if (integral) {
        long l = ((Number) v).longValue();
        fitsInt &= l > Integer.MIN_VALUE && l <= Integer.MAX_VALUE; // MIN_VALUE is Tablesaw's missing marker
      }
    }
    boolean anyValue = values.stream().anyMatch(v -> v != null);
    if (anyValue && allInt && fitsInt) {
      IntColumn col = IntColumn.create(name);
      values.forEach(v -> {
        if (v == null) {
          col.appendMissing();
        } else {
          col.append(((Number) v).intValue());
        }
      });
      return col;
    }
    if (anyValue && allInt) {
      LongColumn col = LongColumn.create(name);
      values.forEach(v -> {
        if (v == null) {
          col.appendMissing();
        } else {
          col.append(((Number) v).longValue());
        }
      });
      return col;
    }
    if (anyValue && allNum) {
      DoubleColumn col = DoubleColumn.create(name);
      values.forEach(v -> {
        if (v == null) {
          col.appendMissing();
        } else {
          col.append(((Number) v).doubleValue());
        }
      });
      return col;
    }
    if (anyValue && allBool) {
      BooleanColumn col = BooleanColumn.create(name);
      values.forEach(v -> {
        if (v == null) {
          col.appendMissing();
        } else {
          col.append((Boolean) v);
        }
      });
      return col;
    }
    StringColumn col = StringColumn.create(name);
    values.forEach(v -> {
      if (v == null) {
        col.appendMissing();
      } else {
        col.append(String.valueOf(v));
      }
    });
    return col;
  }

  /** A metric as "0.812 [0.760, 0.860]" (its value and 95% interval), "0.812" without an interval, "n/a" if absent. */
  public static String withInterval(org.scribe3d.eval.EvalResult.Metric m) {
    if (Double.isNaN(m.value())) {
      return "n/a";
    }
    return Double.isNaN(m.lo()) ? format3(m.value())
        : format3(m.value()) + " [" + format3(m.lo()) + ", " + format3(m.hi()) + "]";
  }
}
