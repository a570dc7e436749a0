package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The notebooks in notebooks/ are committed as sources: valid nbformat 4 JSON on the Scribe3D
 * kernel, with no outputs or execution counts (executed copies go to target/notebooks), so diffs
 * show only what a person changed.
 */
class NotebookFilesTest {
  private static List<Path> notebooks() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("notebooks"))) {
      dir = dir.getParent();
    }
    assertTrue(dir != null, "no notebooks/ directory above " + Path.of("").toAbsolutePath());
    try (Stream<Path> s = Files.list(dir.resolve("notebooks"))) {
      return s.filter(p -> p.toString().endsWith(".ipynb")).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void notebooksAreCommittedWithoutOutputs() throws IOException {
    List<Path> nbs = notebooks();
    assertFalse(nbs.isEmpty(), "no notebooks found");
    for (Path nb : nbs) {
      JsonObject root = JsonParser.parseString(Files.readString(nb, StandardCharsets.UTF_8)).getAsJsonObject();
      assertEquals(4, root.get("nbformat").getAsInt(), nb + ": nbformat");
      assertEquals("scribe3d-java",
          root.getAsJsonObject("metadata").getAsJsonObject("kernelspec").get("name").getAsString(), nb + ": kernel");
      int code = 0;
      for (JsonElement el : root.getAsJsonArray("cells")) {
        JsonObject cell = el.getAsJsonObject();
        if (cell.get("cell_type").getAsString().equals("code")) {
          code++;
          assertEquals(0, cell.getAsJsonArray("outputs").size(),
              nb.getFileName() + ": a code cell has outputs; clear them before committing "
                  + "(/usr/bin/jupyter nbconvert --clear-output --inplace " + nb.getFileName() + ")");
          assertTrue(cell.get("execution_count").isJsonNull(), nb.getFileName() + ": execution_count must be null");
        }
      }
      assertTrue(code > 0, nb + ": no code cells");
    }
  }
}
