package org.scribe3d.notebook;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.notebook.TraceReader.Series;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Draws a Tablesaw/Plotly {@link Figure} with Java2D, so a plot shows where JavaScript does not
 * run (PDF export, GitHub, a notebook opened untrusted). Covers the trace types Scribe3D's helpers
 * make: bar (vertical), scatter (lines and/or markers), heatmap and histogram; other traces are
 * named in the picture instead of drawn. Not a second Plotly: no hover, log axes or subplots.
 *
 * <p>This class sets up the canvas, title and the note on undrawn traces; {@link TraceReader} reads
 * the traces, {@link XyPlotPainter} and {@link HeatmapPainter} draw them.
 */
public final class FigurePng {
  static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
      new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
      new Color(0xbcbd22), new Color(0x17becf)};

  /** Colour of interval whiskers (Plotly's #444). */
  static final Color WHISKER = new Color(0x444444);

  private FigurePng() {}

  /** The figure as an RGB image of its layout's size (700 x 450 by default). */
  public static BufferedImage render(Figure figure) {
    Layout layout = figure.getLayout();
    int width = 700;
    int height = 450;
    String title = "";
    String xTitle = "";
    String yTitle = "";
    if (layout != null) {
      width = clamp(TraceReader.intField(layout, "width", width), 200, 1600);
      height = clamp(TraceReader.intField(layout, "height", height), 150, 1200);
      title = layout.getTitle() == null ? "" : layout.getTitle();
      xTitle = TraceReader.axisTitle(layout, "xAxis");
      yTitle = TraceReader.axisTitle(layout, "yAxis");
    }
    List<Series> series = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    for (Trace t : figure.getTraces()) {
      Series s = TraceReader.extract(t);
      if (s == null) {
        unsupported.add(String.valueOf(TraceReader.get(t, "type")));
      } else {
        series.add(s);
      }
    }
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.DARK_GRAY);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      PlotText.drawCentered(g, title, width / 2, 22);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      if (!unsupported.isEmpty()) {
        g.drawString("(not drawn in this preview: " + String.join(", ", unsupported) + " traces)", 8, height - 6);
      }
      if (series.isEmpty()) {
        PlotText.drawCentered(g, "no drawable traces", width / 2, height / 2);
      } else if (series.get(0).type().equals("heatmap")) {
        HeatmapPainter.draw(g, series.get(0), width, height, xTitle, yTitle);
      } else {
        XyPlotPainter.draw(g, series, width, height, xTitle, yTitle);
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
