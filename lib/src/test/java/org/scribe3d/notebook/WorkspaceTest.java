package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {
  @TempDir
  Path tmp;

  private Path checkout() throws Exception {
    Files.writeString(tmp.resolve("pom.xml"), "<project/>");
    Files.createDirectories(tmp.resolve("notebooks"));
    return tmp;
  }

  @Test
  void findsTheCheckoutAboveTheStart() throws Exception {
    Path root = checkout();
    Path below = Files.createDirectories(root.resolve("notebooks/sub"));
    Workspace ws = Workspace.find(below);
    assertEquals(root.toAbsolutePath().normalize(), ws.root());
    assertEquals(ws.root().resolve("target/notebook-data/phantom-4"), ws.data("phantom-4"));
    assertEquals(ws.root().resolve("target/notebook-runs/03-training"), ws.run("03-training"));
    assertEquals(ws.root().resolve("target/notebook-data/volume-cache"), ws.volumeCache());
    assertEquals(Path.of("target/x"), ws.relative(ws.resolve("target/x")));
  }

  @Test
  void aDirectoryWithoutPomAndNotebooksIsNoCheckout() throws Exception {
    Files.createDirectories(tmp.resolve("notebooks")); // no pom.xml
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Workspace.find(tmp.resolve("notebooks")));
    assertTrue(e.getMessage().contains("pom.xml and notebooks/"), e.getMessage());
  }

  @Test
  void freshDeletesATreeAndScratchDirectoriesAreNewAndEmpty() throws Exception {
    Workspace ws = Workspace.find(checkout());
    Path run = ws.run("r");
    Files.createDirectories(run.resolve("a/b"));
    Files.writeString(run.resolve("a/b/f.txt"), "x");
    assertEquals(run, ws.fresh(run));
    assertFalse(Files.exists(run));
    ws.fresh(run); // nothing to delete is fine
    Path s = Workspace.scratch("test");
    try {
      assertTrue(Files.isDirectory(s));
      assertTrue(s.getFileName().toString().startsWith("scribe3d-test-"));
      try (var l = Files.list(s)) {
        assertEquals(0, l.count());
      }
    } finally {
      Workspace.deleteTree(s);
    }
    assertFalse(Files.exists(s));
  }

  @Test
  void environmentValuesWithFallbacks() {
    Map<String, String> env = Map.of("A", " 12 ", "B", "  ", "C", "x");
    assertEquals(12, Workspace.intEnv(env, "A", 4));
    assertEquals(4, Workspace.intEnv(env, "B", 4));
    assertEquals(4, Workspace.intEnv(env, "MISSING", 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Workspace.intEnv(env, "C", 4));
    assertTrue(e.getMessage().contains("C must be an integer"), e.getMessage());
    assertEquals("12", Workspace.stringEnv(env, "A", ""));
    assertEquals("d", Workspace.stringEnv(env, "B", "d"));
  }

  @Test
  void threadsStayWithinOneToTwoAndTheProcessors() {
    assertEquals(1, Workspace.threads(0, 8));
    assertEquals(2, Workspace.threads(5, 8));
    assertEquals(1, Workspace.threads(2, 1));
    assertEquals(1, Workspace.threads(1, 2));
  }

  @Test
  void filesAreListedRelativeInPathOrderWithSizes() throws Exception {
    Files.createDirectories(tmp.resolve("d/sub"));
    Files.writeString(tmp.resolve("d/b.txt"), "hello");
    Files.writeString(tmp.resolve("d/sub/a.txt"), "");
    Files.writeString(tmp.resolve("d/a.txt"), "xy");
    Map<Path, Long> files = Workspace.files(tmp.resolve("d"));
    assertEquals(List.of(Path.of("a.txt"), Path.of("b.txt"), Path.of("sub/a.txt")), List.copyOf(files.keySet()));
    assertEquals(List.of(2L, 5L, 0L), List.copyOf(files.values()));
    var t = Tables.files("files", tmp.resolve("d"));
    assertEquals(3, t.rowCount());
    assertEquals("sub/a.txt", t.stringColumn("file").get(2));
  }

  @Test
  void csvFilesQuoteEveryFieldWithCrLf() throws Exception {
    Path f = Workspace.writeCsv(tmp.resolve("r.csv"),
        List.of(List.of("VolumeName", "Findings_EN"), List.of("a.nii.gz", "Say \"no\", then\nstop.")));
    assertEquals("\"VolumeName\",\"Findings_EN\"\r\n\"a.nii.gz\",\"Say \"\"no\"\", then\nstop.\"\r\n", Files.readString(f));
    var csv = org.scribe3d.io.Csv.read(f);
    assertEquals("Say \"no\", then\nstop.", csv.rows().get(0).fields().get(1));
  }
}
