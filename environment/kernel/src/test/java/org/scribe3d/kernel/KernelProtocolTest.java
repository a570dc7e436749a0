package org.scribe3d.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Starts the kernel once through jupyter_client (the library Jupyter front ends use), sends a
 * scripted session, and checks each reply: execution, completion, inspection, completeness,
 * compile and runtime errors, %jars, %maven, %load, %%time, display of every supported type, and
 * outputs updated in place (display / updateDisplay, the library's LiveDisplay from another thread).
 */
class KernelProtocolTest {
  private static final List<JsonObject> steps = new ArrayList<>();
  private static JsonArray results;

  private static int step(String op, String code) {
    JsonObject s = new JsonObject();
    s.addProperty("op", op);
    s.addProperty("code", code);
    steps.add(s);
    return steps.size() - 1;
  }

  private static int value;
  private static int completeMath;
  private static int completePrint;
  private static int completeVar;
  private static int inspect;
  private static int inspectCall;
  private static int incomplete;
  private static int completeCode;
  private static int compileError;
  private static int runtimeError;
  private static int jars;
  private static int jarsMissing;
  private static int stdout;
  private static int time;
  private static int png;
  private static int table;
  private static int figure1;
  private static int figure2;
  private static int unknownMagic;
  private static int maven;
  private static int mavenTransitive;
  private static int mavenMissing;
  private static int mavenBadCoordinate;
  private static int load;
  private static int loadError;
  private static int updates;
  private static int displayAfterComment;
  private static int live;
  private static int rendered;
  private static int library;
  private static int interrupted;
  private static int busyInterrupted;
  private static int busyStopped;

  @BeforeAll
  static void runSession() throws Exception {
    Path work = Files.createDirectories(KernelTestSupport.MODULE.resolve("target/kernel-protocol-test"));
    Path jar = buildJar(work);
    value = step("execute", "int x = 6 * 7;\nx");
    completeMath = step("complete", "Math.ma");
    completePrint = step("complete", "System.out.printl");
    step("execute", "int answerToAll = 42;");
    completeVar = step("complete", "answ");
    inspect = step("inspect", "Math.max");
    inspectCall = step("inspect", "Math.max(1, ");
    incomplete = step("is_complete", "for (int i = 0; i < 3; i++) {");
    completeCode = step("is_complete", "int y = 1;");
    compileError = step("execute", "int a = 1;\nString s = 5;\nint b = 2;");
    runtimeError = step("execute", "int f(int d) {\n  return 10 / d;\n}\n\nf(0)");
    jars = step("execute", "%jars " + jar + "\ndemo.Hello.greet(\"jar\")");
    jarsMissing = step("execute", "%jars " + work.resolve("no-such-dir/*.jar"));
    stdout = step("execute", "System.out.println(\"hello from a cell\");");
    time = step("execute", "%%time\nThread.sleep(50);");
    png = step("execute", "import java.awt.image.BufferedImage;\ndisplay(new BufferedImage(13, 7, BufferedImage.TYPE_INT_RGB));");
    table = step("execute", "tech.tablesaw.api.Table.create(\"t\", tech.tablesaw.api.StringColumn.create(\"region\", \"chest\"))");
    figure1 = step("execute", "display(org.scribe3d.notebook.Charts.bar(\"b\", List.of(\"a\"), new double[] {1}, \"x\", \"y\"));");
    figure2 = step("execute", "display(org.scribe3d.notebook.Charts.bar(\"c\", List.of(\"a\"), new double[] {2}, \"x\", \"y\"));");
    unknownMagic = step("execute", "%nosuch foo");
    maven = step("execute", "%maven org.apache.commons:commons-text:1.12.0\n"
        + "org.apache.commons.text.WordUtils.capitalize(\"left lower lobe\")");
    // commons-lang3 comes in as commons-text's compile dependency
    mavenTransitive = step("execute", "org.apache.commons.lang3.StringUtils.reverse(\"abc\")");
    mavenMissing = step("execute", "%maven org.scribe3d.nonexistent:no-such-artifact:0.0.1");
    mavenBadCoordinate = step("execute", "%maven commons-text");
    Path script = work.resolve("helpers.jsh");
    Files.writeString(script, "int loaded = 7;\nString hi(String n) {\n  return \"hi \" + n;\n}\n");
    Path badScript = work.resolve("broken.jsh");
    Files.writeString(badScript, "int fine = 1;\nString s = 5;\n");
    load = step("execute", "%load " + script + "\nhi(\"load\") + loaded");
    loadError = step("execute", "%load " + badScript);
    updates = step("execute", "String id = display(\"v0\");\n"
        + "for (int i = 1; i <= 3; i++) updateDisplay(id, \"v\" + i);");
    displayAfterComment = step("execute", "int shownAfter = 1; // the comment ends this line\n/* and another */ display(\"c\");");
    live = step("execute", "var h = org.scribe3d.notebook.LiveDisplay.show(\"live 0\");\n"
        + "Thread t = new Thread(() -> { for (int i = 1; i <= 3; i++) h.update(\"live \" + i); });\n"
        + "t.start();\nt.join();\nSystem.out.println(\"live id \" + h.id());");
    rendered = step("execute", "render(42)");
    interrupted = step("execute_interrupt", "Thread.sleep(120_000);");
    busyInterrupted = step("execute_interrupt", "long[] spins = {0};\nwhile (true) { spins[0]++; }");
    busyStopped = step("execute", "Thread.sleep(2000);\nlong before = spins[0];\nThread.sleep(300);\nspins[0] == before");
    library = step("execute", "new org.scribe3d.volume.Volume(new float[8], 2, 2, 2, new double[4][4]).nx()");

    JsonArray in = new JsonArray();
    steps.forEach(in::add);
    // %maven downloads into a fresh local repository here, so the test resolves from Central for real
    Path m2 = work.resolve("m2-repository");
    deleteTree(m2);
    Path specs = KernelTestSupport.kernelspec(work.resolve("jupyter"), "-Dmaven.repo.local=" + m2);
    Path driver = Path.of(KernelProtocolTest.class.getResource("/kernel_driver.py").toURI());
    KernelTestSupport.Result r = KernelTestSupport.run(
        KernelTestSupport.list(KernelTestSupport.PYTHON.toString(), driver.toString(), "scribe3d-java", work.toString()),
        work, specs, in.toString(), 240);
    assertEquals(0, r.exit(), "kernel driver failed: " + r.err());
    Files.writeString(work.resolve("results.json"), r.out());
    results = JsonParser.parseString(r.out()).getAsJsonArray();
    assertEquals(steps.size() + 1, results.size());
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A jar with demo.Hello, compiled here, for %jars. */
  private static Path buildJar(Path work) throws IOException {
    Path src = work.resolve("src/demo/Hello.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, "package demo; public class Hello { public static String greet(String n) { return \"hello \" + n; } }");
    Path classes = Files.createDirectories(work.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), src.toString()));
    Path jar = work.resolve("hello.jar");
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os)) {
      jos.putNextEntry(new JarEntry("demo/Hello.class"));
      jos.write(Files.readAllBytes(classes.resolve("demo/Hello.class")));
      jos.closeEntry();
    }
    return jar;
  }

  private static JsonObject reply(int i) {
    return results.get(i).getAsJsonObject().getAsJsonObject("reply");
  }

  private static List<JsonObject> outputs(int i, String type) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonElement e : results.get(i).getAsJsonObject().getAsJsonArray("outputs")) {
      if (e.getAsJsonObject().get("type").getAsString().equals(type)) {
        out.add(e.getAsJsonObject().getAsJsonObject("content"));
      }
    }
    return out;
  }

  private static String text(JsonObject content, String mime) {
    JsonElement e = content.getAsJsonObject("data").get(mime);
    return e == null ? null : e.getAsString();
  }

  private static List<String> matches(int i) {
    List<String> m = new ArrayList<>();
    reply(i).getAsJsonArray("matches").forEach(e -> m.add(e.getAsString()));
    return m;
  }

  private static String traceback(JsonObject error) {
    List<String> lines = new ArrayList<>();
    error.getAsJsonArray("traceback").forEach(e -> lines.add(e.getAsString()));
    return String.join("\n", lines);
  }

  @Test
  void executesAndReturnsTheLastExpression() {
    assertEquals("ok", reply(value).get("status").getAsString());
    assertEquals("42", text(outputs(value, "execute_result").get(0), "text/plain"));
    assertEquals("2", text(outputs(library, "execute_result").get(0), "text/plain"), "lib on the classpath");
  }

  @Test
  void completesMembersAndVariables() {
    assertTrue(matches(completeMath).contains("max("), matches(completeMath).toString());
    assertTrue(matches(completePrint).contains("println("), matches(completePrint).toString());
    assertTrue(matches(completeVar).contains("answerToAll"), matches(completeVar).toString());
    // the replacement starts where the partial word starts
    assertEquals(5, reply(completeMath).get("cursor_start").getAsInt());
  }

  @Test
  void inspectsSignatures() {
    for (int i : List.of(inspect, inspectCall)) {
      assertTrue(reply(i).get("found").getAsBoolean(), reply(i).toString());
      String doc = reply(i).getAsJsonObject("data").get("text/plain").getAsString();
      assertTrue(doc.contains("max(int") || doc.contains("max(double"), doc);
    }
  }

  @Test
  void reportsCompleteness() {
    assertEquals("incomplete", reply(incomplete).get("status").getAsString());
    assertEquals("complete", reply(completeCode).get("status").getAsString());
  }

  @Test
  void interruptStopsACellAndTheKernelCarriesOn() {
    for (int i : List.of(interrupted, busyInterrupted)) {
      JsonObject err = outputs(i, "error").get(0);
      assertEquals("KeyboardInterrupt", err.get("ename").getAsString(), err.toString());
    }
    // the loop that ignored its interrupt no longer runs (its thread was stopped)
    assertEquals("true", text(outputs(busyStopped, "execute_result").get(0), "text/plain"));
    // cells after the interrupts still run
    assertEquals("2", text(outputs(library, "execute_result").get(0), "text/plain"));
    JsonObject fin = results.get(results.size() - 1).getAsJsonObject();
    assertEquals("ok", fin.getAsJsonObject("reply").get("status").getAsString());
  }

  @Test
  void compileErrorsShowTheCellLineAndACaret() {
    assertEquals("error", reply(compileError).get("status").getAsString());
    JsonObject err = outputs(compileError, "error").get(0);
    assertEquals("CompilationError", err.get("ename").getAsString());
    assertTrue(err.get("evalue").getAsString().contains("incompatible types"), err.toString());
    String tb = traceback(err);
    assertTrue(tb.contains("line 2: incompatible types"), tb);
    assertTrue(tb.contains("    String s = 5;\n               ^"), tb);
  }

  @Test
  void runtimeErrorsShowTheExceptionAndOnlyCellFrames() {
    JsonObject err = outputs(runtimeError, "error").get(0);
    assertEquals("java.lang.ArithmeticException", err.get("ename").getAsString());
    assertEquals("/ by zero", err.get("evalue").getAsString());
    String tb = traceback(err);
    assertTrue(tb.startsWith("java.lang.ArithmeticException: / by zero"), tb);
    assertTrue(tb.matches("(?s).*at f \\(In \\[\\d+\\] line 2\\).*"), tb);
    assertTrue(tb.matches("(?s).*at cell code \\(In \\[\\d+\\] line 5\\).*"), tb);
    for (String noise : List.of("jdk.jshell", "REPL", "java.lang.reflect", "$JShell", "do_it$")) {
      assertFalse(tb.contains(noise), "traceback shows " + noise + ":\n" + tb);
    }
  }

  @Test
  void jarsMagicAddsAJar() {
    assertEquals("ok", reply(jars).get("status").getAsString(), reply(jars).toString());
    assertEquals("hello jar", text(outputs(jars, "execute_result").get(0), "text/plain"));
    JsonObject err = outputs(jarsMissing, "error").get(0);
    assertEquals("MagicError", err.get("ename").getAsString());
    assertTrue(err.get("evalue").getAsString().contains("nothing matches"), err.toString());
    assertTrue(outputs(unknownMagic, "error").get(0).get("evalue").getAsString().contains("unknown line magic %nosuch"));
  }

  @Test
  void mavenMagicResolvesFromCentralTransitively() {
    assertEquals("ok", reply(maven).get("status").getAsString(), results.get(maven).toString());
    assertEquals("Left Lower Lobe", text(outputs(maven, "execute_result").get(0), "text/plain"));
    assertEquals("cba", text(outputs(mavenTransitive, "execute_result").get(0), "text/plain"));
  }

  /** A failure is one line in the cell: no stack trace, no hang. */
  @Test
  void mavenMagicFailsOnOneLine() {
    for (int i : List.of(mavenMissing, mavenBadCoordinate)) {
      assertEquals("error", reply(i).get("status").getAsString());
      JsonObject err = outputs(i, "error").get(0);
      assertEquals("MagicError", err.get("ename").getAsString());
      assertEquals(1, err.getAsJsonArray("traceback").size(), err.toString());
      String line = traceback(err);
      assertTrue(line.contains("%maven: "), line);
      assertFalse(line.contains("\n") || line.contains("\tat ") || line.contains("Exception"), line);
    }
    String missing = traceback(outputs(mavenMissing, "error").get(0));
    assertTrue(missing.contains("cannot resolve org.scribe3d.nonexistent:no-such-artifact:0.0.1"), missing);
    assertTrue(missing.toLowerCase().contains("could not find"), missing);
    assertTrue(traceback(outputs(mavenBadCoordinate, "error").get(0)).contains("not a Maven coordinate"));
  }

  @Test
  void loadMagicRunsAFileAsACell() {
    assertEquals("hi load7", text(outputs(load, "execute_result").get(0), "text/plain"));
    JsonObject err = outputs(loadError, "error").get(0);
    assertEquals("CompilationError", err.get("ename").getAsString());
    assertTrue(traceback(err).contains("broken.jsh line 2: incompatible types"), traceback(err));
  }

  /** display() gives one output with a display id; updateDisplay replaces it (update_display_data). */
  @Test
  void displayUpdatesOneOutputInPlace() {
    assertInPlace(updates, "v");
    assertTrue(outputs(updates, "execute_result").isEmpty());
  }

  /** A display call after a comment is still a display call: its id is not echoed as the cell's result. */
  @Test
  void displayAfterACommentEchoesNoId() {
    assertEquals(1, outputs(displayAfterComment, "display_data").size());
    assertTrue(outputs(displayAfterComment, "execute_result").isEmpty(), results.get(displayAfterComment).toString());
  }

  /** The library's LiveDisplay, updated from a thread other than the cell's, reaches the same cell. */
  @Test
  void liveDisplayFromAnotherThreadUpdatesInPlace() {
    String id = assertInPlace(live, "live ");
    String out = outputs(live, "stream").stream().map(s -> s.get("text").getAsString()).reduce("", String::concat);
    assertEquals("live id " + id + "\n", out);
  }

  private static String assertInPlace(int step, String prefix) {
    List<JsonObject> shown = outputs(step, "display_data");
    assertEquals(1, shown.size(), results.get(step).toString());
    String id = shown.get(0).getAsJsonObject("transient").get("display_id").getAsString();
    assertEquals(prefix + "0", text(shown.get(0), "text/plain"));
    List<JsonObject> updated = outputs(step, "update_display_data");
    assertEquals(3, updated.size(), results.get(step).toString());
    for (int i = 0; i < 3; i++) {
      assertEquals(id, updated.get(i).getAsJsonObject("transient").get("display_id").getAsString());
      assertEquals(prefix + (i + 1), text(updated.get(i), "text/plain"));
    }
    return id;
  }

  @Test
  void renderReturnsTheBundle() {
    assertEquals("42", text(outputs(rendered, "execute_result").get(0), "text/plain"));
  }

  @Test
  void streamsAndTiming() {
    String out = outputs(stdout, "stream").stream().map(s -> s.get("text").getAsString()).reduce("", String::concat);
    assertEquals("hello from a cell\n", out);
    String t = outputs(time, "stream").stream().map(s -> s.get("text").getAsString()).reduce("", String::concat);
    assertTrue(t.matches("(?s)Wall time: \\d+\\.\\d{3} s\\s*"), t);
  }

  @Test
  void displaysImagesAsPng() {
    List<JsonObject> d = outputs(png, "display_data");
    assertEquals(1, d.size());
    byte[] bytes = Base64.getDecoder().decode(text(d.get(0), "image/png").replace("\n", ""));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(bytes, 4));
    // display(...) shows the image, not its id as well
    assertTrue(outputs(png, "execute_result").isEmpty());
  }

  @Test
  void displaysTablesAsHtml() {
    String html = text(outputs(table, "execute_result").get(0), "text/html");
    assertTrue(html.contains("<table") && html.contains("<td>chest</td>"), html);
  }

  @Test
  void displaysFiguresAsPlotlyHtmlWithEmbeddedLibraryAndPng() {
    JsonObject first = outputs(figure1, "display_data").get(0);
    JsonObject second = outputs(figure2, "display_data").get(0);
    assertTrue(text(first, "text/html").contains("data-scribe3d-plotly-js"), "plotly.js embedded in the first figure");
    assertTrue(text(first, "text/html").contains("Plotly.newPlot("));
    assertFalse(text(second, "text/html").contains("data-scribe3d-plotly-js"), "embedded once per session");
    assertTrue(text(second, "text/html").contains("Plotly.newPlot("));
    for (JsonObject o : List.of(first, second)) {
      byte[] bytes = Base64.getDecoder().decode(text(o, "image/png").replace("\n", ""));
      assertEquals('P', bytes[1]);
    }
  }
}
