package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.traces.HistogramTrace;

class FigureRenderingTest {
  private static int count(BufferedImage img, Color c) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void barHeightsAreProportional() {
    Figure f = Charts.bar("t", List.of("a", "b"), new double[] {1, 2}, "x", "y");
    BufferedImage img = FigurePng.render(f);
    assertEquals(700, img.getWidth());
    // measure each bar's height in its column
    int[] heights = new int[2];
    int found = 0;
    int lastCol = -10;
    for (int x = 0; x < img.getWidth() && found < 2; x++) {
      int h = 0;
      for (int y = 0; y < img.getHeight(); y++) {
        if ((img.getRGB(x, y) & 0xffffff) == (FigurePng.PALETTE[0].getRGB() & 0xffffff)) {
          h++;
        }
      }
      if (h > 0 && x > lastCol + 5) {
        heights[found++] = h;
      }
      if (h > 0) {
        lastCol = x;
      }
    }
    assertEquals(2, found);
    assertEquals(2.0, (double) heights[1] / heights[0], 0.05);
  }

  @Test
  void linesHeatmapsAndHistogramsAreDrawn() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("train", new double[] {3, 2, 1});
    s.put("val", new double[] {3.5, 2.5, 2});
    BufferedImage lines = FigurePng.render(Charts.line("loss", new double[] {1, 2, 3}, s, "step", "loss"));
    assertTrue(count(lines, FigurePng.PALETTE[0]) > 50);
    assertTrue(count(lines, FigurePng.PALETTE[1]) > 50);

    Figure cm = Charts.confusionMatrix("cm", List.of("chest", "abdomen"), new long[][] {{9, 1}, {0, 5}});
    BufferedImage h = FigurePng.render(cm);
    assertTrue(count(h, HeatmapPainter.heatColor(1.0)) > 1000, "max cell (9) in red");
    assertTrue(count(h, HeatmapPainter.heatColor(0.0)) > 1000, "min cell (0) in blue");

    Figure hist = new Figure(HistogramTrace.builder(new double[] {1, 1, 2, 3, 3, 3}).build());
    assertTrue(count(FigurePng.render(hist), FigurePng.PALETTE[0]) > 100);
  }

  @Test
  void heatmapShowsFirstRowAtTop() {
    Figure f = Charts.heatmap("h", List.of("c0"), List.of("r0", "r1"), new double[][] {{10}, {0}}, "", "");
    BufferedImage img = FigurePng.render(f);
    // the top half of the plot area holds row 0 (value 10 -> red)
    int x = 110 + (img.getWidth() - 110 - 80) / 2;
    Color top = new Color(img.getRGB(x, 40 + 20));
    Color bottom = new Color(img.getRGB(x, img.getHeight() - 70 - 20));
    assertEquals(HeatmapPainter.heatColor(1.0), top);
    assertEquals(HeatmapPainter.heatColor(0.0), bottom);
  }

  @Test
  void figureHtmlEmbedsPlotlyAndFallbackPng() {
    Figure f = Charts.bar("t", List.of("a"), new double[] {1}, "", "");
    String with = FigureHtml.html(f, true);
    String without = FigureHtml.html(f, false);
    assertTrue(with.contains("data-scribe3d-plotly-js"), "plotly.js source embedded");
    assertTrue(with.contains(PlotlyJs.source().substring(0, 2000)));
    assertTrue(with.indexOf("window.define = undefined") < with.indexOf("data-scribe3d-plotly-js"));
    assertFalse(without.contains("data-scribe3d-plotly-js"));
    assertTrue(without.length() < 200_000);
    for (String h : List.of(with, without)) {
      assertTrue(h.contains("Plotly.newPlot("));
      assertTrue(h.contains("class=\"scribe3d-plot-fallback\""));
      assertTrue(h.contains("data:image/png;base64,"));
      assertTrue(h.contains("typeof window.Plotly === 'undefined'"));
    }
    assertTrue(PlotlyJs.locate().isPresent());
  }

  @Test
  void richOutputBundles() throws Exception {
    RichOutput once = new RichOutput(RichOutput.PlotlyEmbed.ONCE);
    BufferedImage img = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
    Map<String, Object> b = once.bundle(img);
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode((String) b.get("image/png"))));
    assertEquals(7, back.getWidth());
    assertEquals(5, back.getHeight());

    Table t = Table.create("stats", StringColumn.create("region", "chest", "<b>"), DoubleColumn.create("n", 1, 2));
    String html = (String) once.bundle(t).get("text/html");
    assertTrue(html.contains("<table") && html.contains("<th>region</th>") && html.contains("&lt;b&gt;"));
    assertTrue(html.contains("2 rows × 2 columns"));

    Figure f = Charts.bar("t", List.of("a"), new double[] {1}, "", "");
    Map<String, Object> first = once.bundle(f);
    Map<String, Object> second = once.bundle(f);
    assertTrue(((String) first.get("text/html")).contains("data-scribe3d-plotly-js"));
    assertFalse(((String) second.get("text/html")).contains("data-scribe3d-plotly-js"));
    assertNotNull(second.get("image/png"));
    RichOutput each = new RichOutput(RichOutput.PlotlyEmbed.EACH);
    each.bundle(f);
    assertTrue(((String) each.bundle(f).get("text/html")).contains("data-scribe3d-plotly-js"));

    assertTrue(once.bundle("plain string").isEmpty());
    Map<String, Object> conv = once.bundle(new Object() {
      public String toHtml() {
        return "<i>x</i>";
      }
    });
    assertEquals("<i>x</i>", conv.get("text/html"));
  }

  @Test
  void longTablesShowHeadAndTail() {
    DoubleColumn c = DoubleColumn.create("v");
    for (int i = 0; i < 100; i++) {
      c.append(i);
    }
    String html = TableHtml.html(Table.create("t", c), 10);
    assertTrue(html.contains("<td>4.0</td>") || html.contains("<td>4</td>"), html.substring(0, 300));
    assertTrue(html.contains("<td>…</td>"));
    assertTrue(html.contains("<td>99.0</td>") || html.contains("<td>99</td>"));
    assertFalse(html.contains("<td>50.0</td>") || html.contains("<td>50</td>"));
  }

  @Test
  void chartInputsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> Charts.bar("t", List.of("a"), new double[] {1, 2}, "", ""));
    assertThrows(IllegalArgumentException.class,
        () -> Charts.heatmap("t", List.of("a"), List.of("r"), new double[][] {{1, 2}}, "", ""));
  }
}
