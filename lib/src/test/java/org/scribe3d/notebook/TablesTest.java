package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;

class TablesTest {
  @Test
  void typesColumnsByTheirValues() {
    Map<String, Object> r1 = new LinkedHashMap<>();
    r1.put("region", "chest");
    r1.put("cases", 3);
    r1.put("score", 0.5);
    r1.put("big", 5_000_000_000L);
    r1.put("ok", true);
    Map<String, Object> r2 = new LinkedHashMap<>();
    r2.put("region", "pelvis");
    r2.put("cases", 4);
    r2.put("score", 1);
    r2.put("extra", "x");
    Table t = Tables.fromRows("stats", List.of(r1, r2));
    assertEquals(List.of("region", "cases", "score", "big", "ok", "extra"), t.columnNames());
    assertEquals(ColumnType.STRING, t.column("region").type());
    assertEquals(ColumnType.INTEGER, t.column("cases").type());
    assertEquals(ColumnType.DOUBLE, t.column("score").type());
    assertEquals(ColumnType.LONG, t.column("big").type());
    assertEquals(ColumnType.BOOLEAN, t.column("ok").type());
    assertTrue(t.column("extra").isMissing(0));
    assertEquals(2, t.rowCount());
  }

  @Test
  void fromMapKeepsOrder() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("b", 2);
    m.put("a", 1);
    Table t = Tables.fromMap("counts", "key", "n", m);
    assertEquals("b", t.stringColumn("key").get(0));
    assertEquals(1, t.intColumn("n").get(1));
    assertEquals(0, Tables.fromMap("e", "k", "v", Map.of()).rowCount());
  }

  @Test
  void recipeHasOneRowPerKeyBesideItsDefault() {
    org.scribe3d.recipe.Recipe r = org.scribe3d.recipe.RecipeFiles.defaults(List.of("optim.epochs=2",
        "data.augment=false"));
    Table t = Tables.recipe("recipe", r);
    List<String> keys = org.scribe3d.recipe.RecipeFiles.keys();
    assertEquals(keys.size(), t.rowCount());
    int epochs = keys.indexOf("optim.epochs");
    assertEquals("2", t.stringColumn("value").get(epochs));
    assertEquals("8", t.stringColumn("default").get(epochs));
    int augment = keys.indexOf("data.augment");
    assertEquals("false", t.stringColumn("value").get(augment));
    assertEquals("null", t.stringColumn("value").get(keys.indexOf("init.vision")));
    assertEquals("tiny", t.stringColumn("value").get(keys.indexOf("model.preset")));
  }
}
