package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.volume.Volume;

class HtmlDocumentTest {
  @Test
  void pageHoldsEveryKindOfOutputWithPlotlyOnce(@TempDir Path dir) throws Exception {
    HtmlDocument doc = new HtmlDocument("Report <1>")
        .heading("Scan")
        .add(Volume.withSpacing(new float[4 * 4 * 4], 4, 4, 4, 1, 1, 1))
        .heading("Scores")
        .add(Charts.bar("a", List.of("x"), new double[] {1}, "", ""))
        .add(Charts.bar("b", List.of("x"), new double[] {2}, "", ""))
        .add(Tables.fromMap("t", "k", "v", java.util.Map.of("chest", 1)))
        .paragraph("done & dusted")
        .add(42);
    Path out = dir.resolve("r/report.html");
    doc.write(out);
    String html = Files.readString(out);
    assertTrue(html.contains("<title>Report &lt;1&gt;</title>"));
    assertEquals(1, html.split("data-scribe3d-plotly-js", -1).length - 1, "plotly.js embedded exactly once");
    assertEquals(2, html.split("class=\"scribe3d-plotly\"", -1).length - 1);
    assertTrue(html.contains("<img alt=\"figure\" src=\"data:image/png;base64,"), "volume as PNG");
    assertTrue(html.contains("<td>chest</td>"));
    assertTrue(html.contains("<p>done &amp; dusted</p>") && html.contains("<pre>42</pre>"));
    try (var files = Files.list(out.getParent())) {
      assertEquals(1, files.count(), "no temp file left");
    }
  }
}
