package org.scribe3d.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A notebook run the way a person runs it: Debian's Jupyter Notebook server with this build's
 * kernel, the notebook page in headless Chromium, Run All from Jupyter's own JavaScript
 * (environment/browser-check/notebook-ui.mjs). The page must show no errors, the Plotly figure
 * drawn, the WebGL2 canvas drawn and redrawn by a wheel turn, and each live output updated in
 * place. Screenshots land in target/browser/.
 */
class NotebookUiTest {
  static final Path SCRIPT = KernelTestSupport.ROOT.resolve("environment/browser-check/notebook-ui.mjs");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static JsonObject report;

  @BeforeAll
  static void runNotebookInTheBrowser() throws Exception {
    requireBrowserTools();
    report = run("ui-check.ipynb", "{\"timeoutSeconds\": 100, \"minPlots\": 1, \"minCanvases\": 1, \"minLive\": 2,"
        + " \"minUpdates\": 3, \"interaction\": {\"canvas\": 0, \"wheel\": 120}}", "browser");
  }

  /** Runs the browser script on a copy of test notebook {@code name}; returns its report. */
  static JsonObject run(String name, String checks, String outName) throws Exception {
    Path work = Files.createDirectories(KernelTestSupport.MODULE.resolve("target/notebook-ui-test"));
    Path specs = KernelTestSupport.kernelspec(work.resolve("jupyter"));
    Path dir = Files.createDirectories(work.resolve("notebooks-" + outName));
    Path nb = dir.resolve(name);
    Files.copy(Path.of(NotebookUiTest.class.getResource("/notebooks/" + name).toURI()), nb,
        StandardCopyOption.REPLACE_EXISTING);
    return runScript(nb, checks, outName, work, specs, 200, Map.of());
  }

  /** Jupyter, Chromium, node and puppeteer-core are there (environment/setup installs them). */
  static void requireBrowserTools() {
    assertTrue(Files.isExecutable(KernelTestSupport.JUPYTER), "/usr/bin/jupyter missing (environment/setup installs jupyter-notebook)");
    assertTrue(Files.isExecutable(CHROMIUM), "/usr/bin/chromium missing (environment/setup installs chromium)");
    assertTrue(KernelTestSupport.which("node") != null,
        "node not on PATH (Node.js runs the browser script; environment/setup needs npm)");
    assertTrue(Files.isDirectory(KernelTestSupport.ROOT.resolve("environment/vendor/node_modules/puppeteer-core")),
        "puppeteer-core missing from environment/vendor (run environment/vendor.sh)");
  }

  /**
   * Runs notebook-ui.mjs on notebook {@code nb} through a Jupyter server with kernelspecs {@code specs};
   * returns its report (also saved as target/OUT_NAME/report.json).
   */
  static JsonObject runScript(Path nb, String checks, String outName, Path work, Path specs, long timeoutSeconds,
      Map<String, String> env) throws Exception {
    Path out = KernelTestSupport.MODULE.resolve("target/" + outName);
    KernelTestSupport.Result r = KernelTestSupport.run(KernelTestSupport.list(KernelTestSupport.which("node").toString(),
        SCRIPT.toString(), nb.toString(), checks, out.toString()), work, specs, null, timeoutSeconds, env);
    String last = r.out().trim();
    last = last.substring(last.lastIndexOf('\n') + 1);
    assertTrue(last.startsWith("{"), "the browser script printed no report (exit " + r.exit() + "):\n" + r.out() + r.err());
    JsonObject rep = JsonParser.parseString(last).getAsJsonObject();
    Files.writeString(out.resolve("report.json"), rep.toString());
    assertTrue(r.exit() == 0 || r.exit() == 1, "the browser script could not run:\n" + r.err() + "\n" + rep);
    return rep;
  }

  /** The same checks on a notebook with an appended "live" output, a blank canvas and an error. */
  @Test
  void theChecksCatchAppendedOutputsBlankCanvasesAndErrors() throws Exception {
    JsonObject bad = run("ui-check-failing.ipynb", "{\"timeoutSeconds\": 100, \"minCanvases\": 1,"
        + " \"interaction\": {\"canvas\": 0, \"key\": \"ArrowUp\"}}", "browser-failing");
    assertTrue(!bad.get("ok").getAsBoolean(), bad.toString());
    String f = String.join("\n", failures(bad));
    assertTrue(f.contains("appended-live-output in cell 1: shown in 2 outputs"), f);
    assertTrue(f.contains("canvas 0 is blank"), f);
    assertTrue(f.contains("did not change its pixels"), f);
    assertTrue(f.contains("cell 3 has an error output: java.lang.ArithmeticException"), f);
    assertEquals(3, bad.get("executed").getAsInt(), "every cell runs although checks fail: " + bad);
  }

  static List<String> failures(JsonObject rep) {
    List<String> f = new ArrayList<>();
    rep.getAsJsonArray("failures").forEach(e -> f.add(e.getAsString()));
    return f;
  }

  @Test
  void everyCellRunsInTheNotebookPageWithoutErrors() {
    assertEquals(List.of(), failures(report), report.toString());
    assertTrue(report.get("ok").getAsBoolean(), report.toString());
    assertEquals(report.get("cells").getAsInt(), report.get("executed").getAsInt());
    assertEquals(0, report.getAsJsonArray("errors").size());
    assertTrue(report.get("seconds").getAsDouble() < 120, "took " + report.get("seconds") + " s");
  }

  @Test
  void plotlyFigureIsDrawn() {
    assertEquals(1, report.get("plots").getAsInt(), report.toString());
    assertEquals(1, report.get("plotsDrawn").getAsInt(), report.toString());
  }

  @Test
  void webglCanvasIsDrawnAndRedrawsOnTheWheel() {
    assertTrue(!report.get("webgl").isJsonNull(), "no WebGL2 in headless Chromium: " + report);
    JsonObject canvas = report.getAsJsonArray("canvases").get(0).getAsJsonObject();
    assertTrue(canvas.get("nonBlank").getAsBoolean(), canvas.toString());
    assertTrue(Files.isRegularFile(Path.of(canvas.get("screenshot").getAsString())));
    JsonObject it = report.getAsJsonObject("interaction");
    assertTrue(it.get("changed").getAsBoolean(), it.toString());
    assertTrue(Files.isRegularFile(Path.of(report.get("screenshot").getAsString())));
  }

  /** display/updateDisplay and the library's LiveDisplay: one output each, redrawn per update. */
  @Test
  void liveOutputsUpdateInPlace() {
    List<JsonObject> live = new ArrayList<>();
    for (JsonElement e : report.getAsJsonArray("live")) {
      live.add(e.getAsJsonObject());
    }
    assertEquals(2, live.size(), report.toString());
    int[] expectedUpdates = {5, 4};
    String[] finalText = {"step 5 of 5", "epoch 4, loss 0.25"};
    for (int i = 0; i < 2; i++) {
      JsonObject l = live.get(i);
      assertEquals(1, l.get("displays").getAsInt(), l.toString());
      assertEquals(expectedUpdates[i], l.get("updates").getAsInt(), l.toString());
      assertEquals(expectedUpdates[i], l.get("inPlaceRedraws").getAsInt(), l.toString());
      assertEquals(1, l.get("outputsForId").getAsInt(), l.toString());
      assertEquals(1, l.get("cellOutputs").getAsInt(), "updates appended outputs: " + l);
      assertTrue(l.get("distinctTexts").getAsInt() >= 3, "the page showed few of the updates: " + l);
      assertEquals(finalText[i], l.get("finalText").getAsString().strip(), l.toString());
    }
  }
}
