package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class TableRowsTest {
  @Test
  void rowKeepsTheColumnOrderAndNulls() {
    Map<String, Object> r = Tables.row("b", 1, "a", null, "c", "x");
    assertEquals(List.of("b", "a", "c"), List.copyOf(r.keySet()));
    assertNull(r.get("a"));
    Table t = Tables.fromRows("t", List.of(r, Tables.row("b", 2, "a", "y", "c", "z")));
    assertEquals(List.of("b", "a", "c"), t.columnNames());
    assertEquals(2, t.intColumn("b").get(1));
  }

  @Test
  void rowRejectsOddArgumentsAndNonStringNames() {
    assertThrows(IllegalArgumentException.class, () -> Tables.row("a", 1, "b"));
    assertThrows(IllegalArgumentException.class, () -> Tables.row(1, "a"));
  }

  @Test
  void fieldsMakeAFieldValueTable() {
    Table t = Tables.fields("header", "datatype", "int16", "shape", List.of(1, 2), "none", null);
    assertEquals(List.of("field", "value"), t.columnNames());
    assertEquals(3, t.rowCount());
    assertEquals("[1, 2]", t.stringColumn("value").get(1));
    var json = JsonParser.parseString("{\"step\": 3, \"rng\": \"derived\", \"list\": [1]}").getAsJsonObject();
    Table s = Tables.fields("state", json, "step", "missing", "rng", "list");
    assertEquals(List.of("step", "rng", "list"), s.stringColumn("field").asList());
    assertEquals(List.of("3", "derived", "[1]"), s.stringColumn("value").asList());
  }

  @Test
  void roundingAndThreeDecimals() {
    assertEquals(0.123, Tables.round(0.12345, 3));
    assertEquals(0.13, Tables.round(0.125, 2));
    assertNull(Tables.round(Double.NaN, 3));
    assertEquals("0.500", Tables.format3(0.5));
    assertEquals("n/a", Tables.format3(Double.NaN));
    assertEquals("0.812 [0.760, 0.860]", Tables.withInterval(new org.scribe3d.eval.EvalResult.Metric("f1", 96, 0.8121,
        0.76, 0.86)));
    assertEquals("0.500", Tables.withInterval(new org.scribe3d.eval.EvalResult.Metric("f1", 96, 0.5, Double.NaN,
        Double.NaN)));
    assertEquals("n/a", Tables.withInterval(new org.scribe3d.eval.EvalResult.Metric("f1", 0, Double.NaN, Double.NaN,
        Double.NaN)));
  }
}
