package org.scribe3d.notebook;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import org.scribe3d.notebook.TraceReader.Series;

/**
 * Draws a heatmap trace as Plotly does: row 0 at the bottom, Plotly's default colour scale, values
 * written in the cells when they fit, and a colour bar with the minimum and maximum.
 */
final class HeatmapPainter {
  private HeatmapPainter() {}

  static void draw(Graphics2D g, Series s, int w, int h, String xTitle, String yTitle) {
    double[][] z = s.z();
    int rows = z.length;
    int cols = 0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] row : z) {
      cols = Math.max(cols, row.length);
      for (double v : row) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!Double.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (hi <= lo) {
      hi = lo + 1;
    }
    int left = 110;
    int right = 80;
    int top = 40;
    int bottom = 70;
    int pw = w - left - right;
    int ph = h - top - bottom;
    double cw = (double) pw / Math.max(1, cols);
    double ch = (double) ph / Math.max(1, rows);
    FontMetrics fm = g.getFontMetrics();
    boolean annotate = cw >= 28 && ch >= 16;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < z[r].length; c++) {
        double v = z[r][c];
        // Plotly draws row 0 at the bottom of the y axis
        int px = left + (int) Math.round(c * cw);
        int py = top + (int) Math.round((rows - 1 - r) * ch);
        int cwi = (int) Math.round((c + 1) * cw) - (int) Math.round(c * cw);
        int chi = (int) Math.round((rows - r) * ch) - (int) Math.round((rows - 1 - r) * ch);
        Color col = Double.isFinite(v) ? heatColor((v - lo) / (hi - lo)) : Color.LIGHT_GRAY;
        g.setColor(col);
        g.fillRect(px, py, cwi, chi);
        if (annotate && Double.isFinite(v)) {
          g.setColor(luminance(col) > 0.5 ? Color.BLACK : Color.WHITE);
          PlotText.drawCentered(g, PlotText.fmt(v), px + cwi / 2, py + chi / 2 + 4);
        }
      }
    }
    g.setColor(Color.DARK_GRAY);
    Object[] xl = s.x();
    Object[] yl = s.yLabels();
    for (int c = 0; c < cols; c++) {
      String label = xl != null && c < xl.length ? String.valueOf(xl[c]) : String.valueOf(c);
      PlotText.drawCentered(g, PlotText.shorten(label, 12), left + (int) Math.round((c + 0.5) * cw), top + ph + 16);
    }
    for (int r = 0; r < rows; r++) {
      String label = PlotText.shorten(yl != null && r < yl.length ? String.valueOf(yl[r]) : String.valueOf(r), 14);
      int py = top + (int) Math.round((rows - 1 - r + 0.5) * ch) + 4;
      g.drawString(label, left - 6 - fm.stringWidth(label), py);
    }
    PlotText.drawCentered(g, xTitle, left + pw / 2, h - 12);
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    PlotText.drawCentered(g, yTitle, -(top + ph / 2), 14);
    g.setTransform(saved);
    // colour bar
    int bx = w - right + 20;
    for (int i = 0; i < ph; i++) {
      g.setColor(heatColor(1.0 - (double) i / Math.max(1, ph - 1)));
      g.drawLine(bx, top + i, bx + 14, top + i);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawString(PlotText.fmt(hi), bx + 18, top + 10);
    g.drawString(PlotText.fmt(lo), bx + 18, top + ph);
  }

  /** Plotly's default heatmap colour scale (blue - grey - red), linear between its stops. */
  static Color heatColor(double t) {
    double[] pos = {0, 0.35, 0.5, 0.6, 0.7, 1};
    int[][] rgb = {{5, 10, 172}, {106, 137, 247}, {190, 190, 190}, {220, 170, 132}, {230, 145, 90}, {178, 10, 28}};
    t = Math.max(0, Math.min(1, Double.isFinite(t) ? t : 0));
    int i = 0;
    while (i < pos.length - 2 && t > pos[i + 1]) {
      i++;
    }
    double f = (t - pos[i]) / (pos[i + 1] - pos[i]);
    return new Color((int) Math.round(rgb[i][0] + f * (rgb[i + 1][0] - rgb[i][0])),
        (int) Math.round(rgb[i][1] + f * (rgb[i + 1][1] - rgb[i][1])),
        (int) Math.round(rgb[i][2] + f * (rgb[i + 1][2] - rgb[i][2])));
  }

  private static double luminance(Color c) {
    return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255.0;
  }
}
