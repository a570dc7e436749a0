package org.scribe3d.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/recipes.md's schema table names exactly the keys of the schema, in its order. */
class RecipeDocsTest {
  @Test
  void schemaTableListsEveryKey() throws Exception {
    Path doc = Path.of("..", "docs", "recipes.md");
    List<String> documented = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z_.]+)` \\|").matcher(Files.readString(doc));
    while (m.find()) {
      documented.add(m.group(1));
    }
    documented.removeIf(k -> k.startsWith("recipes/"));
    assertEquals(RecipeFiles.keys(), documented, "docs/recipes.md's schema table and the Recipe schema differ");
  }
}
