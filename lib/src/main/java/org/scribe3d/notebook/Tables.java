package org.scribe3d.notebook;

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
}
