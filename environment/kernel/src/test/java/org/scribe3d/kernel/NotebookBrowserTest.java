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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole notebook path: a test notebook is executed headless by nbconvert on this build's
 * kernel, exported to HTML, and opened offline in headless Chromium (environment/browser-check/html-check),
 * whose live DOM must show the Plotly plots drawn and the PNG images loaded.
 */
class NotebookBrowserTest {
  private static Path work;
  private static Path executed;
  private static Path html;

  @BeforeAll
  static void executeAndExport() throws Exception {
    work = Files.createDirectories(KernelTestSupport.MODULE.resolve("target/notebook-browser-test"));
    Path specs = KernelTestSupport.kernelspec(work.resolve("jupyter"));
    Path nb = work.resolve("display-check.ipynb");
    Files.copy(Path.of(NotebookBrowserTest.class.getResource("/notebooks/display-check.ipynb").toURI()), nb,
        StandardCopyOption.REPLACE_EXISTING);
    assertTrue(Files.isExecutable(KernelTestSupport.JUPYTER), "/usr/bin/jupyter missing (environment/setup)");
    KernelTestSupport.Result r = KernelTestSupport.run(KernelTestSupport.list(KernelTestSupport.JUPYTER.toString(),
        "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=120",
        "--ExecutePreprocessor.kernel_name=scribe3d-java", "--output", "display-check.executed", nb.toString()),
        work, specs, null, 300);
    assertEquals(0, r.exit(), "notebook execution failed:\n" + r.err());
    executed = work.resolve("display-check.executed.ipynb");
    r = KernelTestSupport.run(KernelTestSupport.list(KernelTestSupport.JUPYTER.toString(), "nbconvert", "--to", "html",
        executed.toString()), work, specs, null, 120);
    assertEquals(0, r.exit(), "HTML export failed:\n" + r.err());
    html = work.resolve("display-check.executed.html");
  }

  private static List<String> mimeTypes(JsonObject nb) {
    List<String> types = new ArrayList<>();
    for (JsonElement c : nb.getAsJsonArray("cells")) {
      JsonObject cell = c.getAsJsonObject();
      if (!cell.has("outputs")) {
        continue;
      }
      for (JsonElement o : cell.getAsJsonArray("outputs")) {
        JsonObject out = o.getAsJsonObject();
        assertTrue(!out.get("output_type").getAsString().equals("error"), "error output: " + out);
        if (out.has("data")) {
          types.addAll(out.getAsJsonObject("data").keySet());
        }
      }
    }
    return types;
  }

  @Test
  void executedNotebookHoldsPngAndPlotlyOutputs() throws Exception {
    JsonObject nb = JsonParser.parseString(Files.readString(executed)).getAsJsonObject();
    List<String> types = mimeTypes(nb);
    assertTrue(types.stream().filter("image/png"::equals).count() >= 3, types.toString()); // slice + 2 plot fallbacks
    assertTrue(types.stream().filter("text/html"::equals).count() >= 3, types.toString()); // 2 plots + table
  }

  @Test
  void chromiumDrawsThePlotsAndLoadsTheImages() throws Exception {
    KernelTestSupport.Result r = KernelTestSupport.run(KernelTestSupport.list(
        KernelTestSupport.ROOT.resolve("environment/browser-check/html-check").toString(), "--min-plots", "2", "--min-images", "1",
        html.toString()), work, work.resolve("jupyter"), null, 180);
    assertEquals(0, r.exit(), "browser check failed:\n" + r.out() + "\n" + r.err());
    JsonObject probe = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    assertEquals(2, probe.get("plots").getAsInt(), probe.toString());
    assertEquals(2, probe.get("plotsDrawn").getAsInt(), probe.toString());
    assertEquals(probe.get("images").getAsInt(), probe.get("imagesLoaded").getAsInt(), probe.toString());
  }

  /**
   * The classic notebook page loads require.js, and plotly.js then registers as an AMD module
   * instead of setting window.Plotly; the embedded output must draw anyway.
   */
  @Test
  void plotsDrawWhenRequireJsIsOnThePage() throws Exception {
    JsonObject nb = JsonParser.parseString(Files.readString(executed)).getAsJsonObject();
    String plotHtml = null;
    for (JsonElement c : nb.getAsJsonArray("cells")) {
      JsonObject cell = c.getAsJsonObject();
      for (JsonElement o : cell.has("outputs") ? cell.getAsJsonArray("outputs") : new com.google.gson.JsonArray()) {
        JsonObject data = o.getAsJsonObject().getAsJsonObject("data");
        JsonElement h = data == null ? null : data.get("text/html");
        String text = h == null ? null : (h.isJsonArray() ? joined(h) : h.getAsString());
        if (plotHtml == null && text != null && text.contains("data-scribe3d-plotly-js")) {
          plotHtml = text;
        }
      }
    }
    assertTrue(plotHtml != null, "no output embeds plotly.js");
    Path page = work.resolve("with-amd.html");
    Files.writeString(page, "<html><head><script>window.define = function () { throw new Error('anonymous define()'); };"
        + " window.define.amd = {};</script></head><body>" + plotHtml + "</body></html>");
    KernelTestSupport.Result r = KernelTestSupport.run(KernelTestSupport.list(
        KernelTestSupport.ROOT.resolve("environment/browser-check/html-check").toString(), "--min-plots", "1", page.toString()),
        work, work.resolve("jupyter"), null, 180);
    assertEquals(0, r.exit(), r.out() + r.err());
  }

  private static String joined(JsonElement lines) {
    StringBuilder sb = new StringBuilder();
    lines.getAsJsonArray().forEach(e -> sb.append(e.getAsString()));
    return sb.toString();
  }

  /** The same check must fail on a page whose plot cannot draw and whose image is broken. */
  @Test
  void browserCheckFailsOnABrokenPage() throws Exception {
    Path bad = work.resolve("broken.html");
    Files.writeString(bad, "<html><head></head><body>"
        + "<div class=\"scribe3d-plotly\"><div id=\"p\"></div></div>"
        + "<img src=\"data:image/png;base64,AAAA\"/></body></html>");
    KernelTestSupport.Result r = KernelTestSupport.run(KernelTestSupport.list(
        KernelTestSupport.ROOT.resolve("environment/browser-check/html-check").toString(), bad.toString()),
        work, work.resolve("jupyter"), null, 180);
    assertEquals(1, r.exit(), r.out() + r.err());
    JsonObject probe = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    assertEquals(0, probe.get("plotsDrawn").getAsInt());
    assertEquals(0, probe.get("imagesLoaded").getAsInt());
  }
}
