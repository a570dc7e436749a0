package org.scribe3d.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The project's own notebooks run the way a person runs them (environment/browser-check/notebook-ui.mjs:
 * Debian's Jupyter Notebook server with this build's kernel, the page in headless Chromium, Run All
 * from the page): 01 (data preparation, with the CT viewer) and 03 (training, watched live). Copies
 * of the notebooks run, so the server's autosave never writes outputs into notebooks/; they are kept
 * small through the variables they read (SCRIBE3D_NB_CASES, SCRIBE3D_NB_TRAIN_CASES). Screenshots
 * land in target/browser-01/ and target/browser-03/.
 */
class ProjectNotebooksUiTest {
  /** Phantom cases: 4 is what CI gives 01; for 03 it keeps training to a few steps. */
  static final Map<String, String> SMALL = Map.of("SCRIBE3D_NB_CASES", "4", "SCRIBE3D_NB_TRAIN_CASES", "4");
  private static JsonObject nb01;
  private static JsonObject nb03;

  @BeforeAll
  static void runBothNotebooksInTheBrowser() throws Exception {
    NotebookUiTest.requireBrowserTools();
    nb01 = run("01-data-prep.ipynb", "{\"timeoutSeconds\": 150, \"minPlots\": 6, \"minCanvases\": 1,"
        + " \"minViewers\": 1, \"interaction\": {\"canvas\": 0, \"wheel\": 120}}", "browser-01");
    nb03 = run("03-training.ipynb", "{\"timeoutSeconds\": 200, \"minPlots\": 3, \"minUpdates\": 2}", "browser-03");
  }

  static JsonObject run(String name, String checks, String outName) throws Exception {
    Path work = Files.createDirectories(KernelTestSupport.MODULE.resolve("target/project-notebooks-ui"));
    Path specs = KernelTestSupport.kernelspec(work.resolve("jupyter"), "-Xmx3g");
    Path dir = Files.createDirectories(work.resolve("notebooks"));
    Path nb = dir.resolve(name);
    Files.copy(KernelTestSupport.ROOT.resolve("notebooks").resolve(name), nb, StandardCopyOption.REPLACE_EXISTING);
    return NotebookUiTest.runScript(nb, checks, outName, work, specs, 300, SMALL);
  }

  @Test
  void notebook01RunsInThePageWithEveryPlotDrawn() {
    assertEquals(List.of(), NotebookUiTest.failures(nb01), nb01.toString());
    assertEquals(nb01.get("cells").getAsInt(), nb01.get("executed").getAsInt());
    assertEquals(0, nb01.getAsJsonArray("errors").size(), nb01.toString());
    assertTrue(nb01.get("plots").getAsInt() >= 6, nb01.toString());
    assertEquals(nb01.get("plots").getAsInt(), nb01.get("plotsDrawn").getAsInt(), nb01.toString());
  }

  @Test
  void notebook01sViewerIsDrawnAndTheWheelChangesItsSlice() {
    assertTrue(!nb01.get("webgl").isJsonNull(), "no WebGL2 in headless Chromium: " + nb01);
    JsonObject viewer = nb01.getAsJsonArray("viewers").get(0).getAsJsonObject();
    assertEquals("ready", viewer.get("state").getAsString(), viewer.toString());
    assertTrue(Files.isRegularFile(Path.of(viewer.get("screenshot").getAsString())));
    JsonObject canvas = nb01.getAsJsonArray("canvases").get(0).getAsJsonObject();
    assertTrue(canvas.get("nonBlank").getAsBoolean(), canvas.toString());
    JsonObject it = nb01.getAsJsonObject("interaction");
    assertTrue(it.get("changed").getAsBoolean(), "the wheel left the canvas as it was: " + it);
    assertTrue(it.has("sliceChanged") && it.get("sliceChanged").getAsBoolean(), "the crosshair stayed: " + it);
  }

  @Test
  void notebook03RunsInThePageWithEveryPlotDrawn() {
    assertEquals(List.of(), NotebookUiTest.failures(nb03), nb03.toString());
    assertEquals(nb03.get("cells").getAsInt(), nb03.get("executed").getAsInt());
    assertEquals(0, nb03.getAsJsonArray("errors").size(), nb03.toString());
    assertEquals(nb03.get("plots").getAsInt(), nb03.get("plotsDrawn").getAsInt(), nb03.toString());
  }

  /** Training shows one output replaced in place (TrainingMonitor over LiveDisplay), not a line per update. */
  @Test
  void notebook03sTrainingOutputIsUpdatedInPlace() throws Exception {
    String source = Files.readString(KernelTestSupport.ROOT.resolve("notebooks/03-training.ipynb"));
    Assumptions.assumeTrue(source.contains("TrainingMonitor"),
        "notebooks/03-training.ipynb does not use TrainingMonitor: its live-output check is skipped");
    List<JsonObject> live = new ArrayList<>();
    for (JsonElement e : nb03.getAsJsonArray("live")) {
      live.add(e.getAsJsonObject());
    }
    assertTrue(!live.isEmpty(), "no output of 03 was updated in place: " + nb03);
    JsonObject most = live.stream().max(java.util.Comparator.comparingInt(l -> l.get("updates").getAsInt())).orElseThrow();
    assertTrue(most.get("updates").getAsInt() >= 5, "few updates: " + most);
    for (JsonObject l : live) {
      assertEquals(1, l.get("displays").getAsInt(), l.toString());
      assertEquals(1, l.get("outputsForId").getAsInt(), "one output per display id: " + l);
      assertEquals(l.get("updates").getAsInt(), l.get("inPlaceRedraws").getAsInt(), l.toString());
      assertEquals(l.get("cellOutputs").getAsInt(), l.get("outputElements").getAsInt(), "updates appended outputs: " + l);
    }
    assertTrue(most.get("distinctTexts").getAsInt() >= 3, "the page showed few of the updates: " + most);
  }

  @Test
  void bothRunsStayWithinTheirTimeBudget() {
    assertTrue(nb01.get("seconds").getAsDouble() + nb03.get("seconds").getAsDouble() < 270,
        "01 took " + nb01.get("seconds") + " s, 03 took " + nb03.get("seconds") + " s");
  }
}
