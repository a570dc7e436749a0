package org.scribe3d.notebook;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.notebook.TraceReader.Series;

/**
 * Draws bar and scatter traces on shared x/y axes: categorical or numeric x, grouped bars with
 * optional interval whiskers, lines and/or markers, a legend when there is more than one trace.
 * Histograms arrive as bars at numeric positions and are drawn as touching columns.
 */
final class XyPlotPainter {
  private XyPlotPainter() {}

  static void draw(Graphics2D g, List<Series> series, int w, int h, String xTitle, String yTitle) {
    boolean categorical = false;
    for (Series s : series) {
      for (Object o : s.x()) {
        if (!(o instanceof Number)) {
          categorical = true;
        }
      }
    }
    boolean allBars = series.stream().allMatch(s -> s.type().equals("bar"));
    // bars at numeric positions (histograms) are drawn as touching columns on a numeric axis
    Map<String, Integer> cats = new LinkedHashMap<>();
    double xmin = Double.POSITIVE_INFINITY;
    double xmax = Double.NEGATIVE_INFINITY;
    double ymin = allBars ? 0 : Double.POSITIVE_INFINITY;
    double ymax = allBars ? 0 : Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x().length && i < s.y().length; i++) {
        if (categorical) {
          cats.putIfAbsent(String.valueOf(s.x()[i]), cats.size());
        } else {
          double xv = ((Number) s.x()[i]).doubleValue();
          xmin = Math.min(xmin, xv);
          xmax = Math.max(xmax, xv);
        }
        if (Double.isFinite(s.y()[i])) {
          ymin = Math.min(ymin, s.y()[i]);
          ymax = Math.max(ymax, s.y()[i]);
          // whiskers must fit in the plot too
          if (s.lo() != null) {
            ymin = Math.min(ymin, s.y()[i] - IntervalBarTrace.minus(s.y()[i], s.lo()[i]));
            ymax = Math.max(ymax, s.y()[i] + IntervalBarTrace.plus(s.y()[i], s.hi()[i]));
          }
        }
      }
    }
    if (!Double.isFinite(ymin)) {
      ymin = 0;
      ymax = 1;
    }
    if (ymax <= ymin) {
      ymax = ymin + 1;
    }
    double barStep = 0;
    if (!categorical) {
      if (!Double.isFinite(xmin)) {
        xmin = 0;
        xmax = 1;
      }
      if (allBars) {
        barStep = minStep(series);
        xmin -= barStep / 2;
        xmax += barStep / 2;
      }
      if (xmax <= xmin) {
        xmax = xmin + 1;
      }
    }
    double[] yt = PlotText.niceTicks(ymin, ymax);
    ymin = Math.min(ymin, yt[0]);
    ymax = Math.max(ymax, yt[yt.length - 1]);
    boolean legend = series.size() > 1;
    FontMetrics fm = g.getFontMetrics();
    int left = 60;
    int right = legend ? 150 : 20;
    int top = 40;
    int bottom = categorical ? 70 : 50;
    int pw = w - left - right;
    int ph = h - top - bottom;
    // axes and grid
    g.setColor(new Color(0xe5e5e5));
    for (double t : yt) {
      int py = top + ph - (int) Math.round((t - ymin) / (ymax - ymin) * ph);
      g.drawLine(left, py, left + pw, py);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawLine(left, top + ph, left + pw, top + ph);
    g.drawLine(left, top, left, top + ph);
    for (double t : yt) {
      int py = top + ph - (int) Math.round((t - ymin) / (ymax - ymin) * ph);
      String label = PlotText.fmt(t);
      g.drawString(label, left - 6 - fm.stringWidth(label), py + 4);
    }
    int ncat = Math.max(1, cats.size());
    if (categorical) {
      int every = Math.max(1, (int) Math.ceil(cats.size() * 60.0 / Math.max(1, pw)));
      for (Map.Entry<String, Integer> e : cats.entrySet()) {
        if (e.getValue() % every != 0) {
          continue;
        }
        int cx = left + (int) Math.round((e.getValue() + 0.5) * pw / ncat);
        PlotText.drawCentered(g, PlotText.shorten(e.getKey(), 14), cx, top + ph + 16);
      }
    } else {
      for (double t : PlotText.niceTicks(xmin, xmax)) {
        if (t < xmin || t > xmax) {
          continue;
        }
        int px = left + (int) Math.round((t - xmin) / (xmax - xmin) * pw);
        g.drawLine(px, top + ph, px, top + ph + 4);
        PlotText.drawCentered(g, PlotText.fmt(t), px, top + ph + 16);
      }
    }
    PlotText.drawCentered(g, xTitle, left + pw / 2, h - 12);
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    PlotText.drawCentered(g, yTitle, -(top + ph / 2), 14);
    g.setTransform(saved);
    // data
    int nbars = (int) series.stream().filter(s -> s.type().equals("bar")).count();
    int barIndex = 0;
    for (int si = 0; si < series.size(); si++) {
      Series s = series.get(si);
      Color color = FigurePng.PALETTE[si % FigurePng.PALETTE.length];
      g.setColor(color);
      int n = Math.min(s.x().length, s.y().length);
      if (s.type().equals("bar")) {
        for (int i = 0; i < n; i++) {
          double y = s.y()[i];
          if (!Double.isFinite(y)) {
            continue;
          }
          double x0;
          double x1;
          if (categorical) {
            int c = cats.get(String.valueOf(s.x()[i]));
            double slot = (double) pw / ncat;
            double bw = slot * 0.8 / Math.max(1, nbars);
            x0 = left + c * slot + slot * 0.1 + barIndex * bw;
            x1 = x0 + bw;
          } else {
            double xv = ((Number) s.x()[i]).doubleValue();
            x0 = left + (xv - barStep / 2 - xmin) / (xmax - xmin) * pw;
            x1 = left + (xv + barStep / 2 - xmin) / (xmax - xmin) * pw;
          }
          int py0 = top + ph - (int) Math.round((Math.max(0, ymin) - ymin) / (ymax - ymin) * ph);
          int py1 = top + ph - (int) Math.round((y - ymin) / (ymax - ymin) * ph);
          int yTop = Math.min(py0, py1);
          int hgt = Math.max(Math.abs(py1 - py0), y != 0 ? 1 : 0);
          g.fillRect((int) Math.round(x0), yTop, Math.max(1, (int) Math.round(x1 - x0) - (categorical ? 0 : 1)), hgt);
          if (s.lo() != null) {
            // as Plotly draws them: from the value, each side clamped at the value
            double lo = y - IntervalBarTrace.minus(y, s.lo()[i]);
            double hi = y + IntervalBarTrace.plus(y, s.hi()[i]);
            if (hi > lo) {
              int cx = (int) Math.round((x0 + x1) / 2);
              int pLo = top + ph - (int) Math.round((lo - ymin) / (ymax - ymin) * ph);
              int pHi = top + ph - (int) Math.round((hi - ymin) / (ymax - ymin) * ph);
              g.setColor(FigurePng.WHISKER);
              g.drawLine(cx, pLo, cx, pHi);
              g.drawLine(cx - 4, pLo, cx + 4, pLo);
              g.drawLine(cx - 4, pHi, cx + 4, pHi);
              g.setColor(color);
            }
          }
        }
        barIndex++;
      } else {
        boolean lines = s.mode().contains("lines");
        boolean markers = s.mode().contains("markers") || !lines;
        g.setStroke(new BasicStroke(2f));
        int prevX = Integer.MIN_VALUE;
        int prevY = 0;
        for (int i = 0; i < n; i++) {
          double y = s.y()[i];
          if (!Double.isFinite(y)) {
            prevX = Integer.MIN_VALUE;
            continue;
          }
          int px = categorical
              ? left + (int) Math.round((cats.get(String.valueOf(s.x()[i])) + 0.5) * pw / ncat)
              : left + (int) Math.round((((Number) s.x()[i]).doubleValue() - xmin) / (xmax - xmin) * pw);
          int py = top + ph - (int) Math.round((y - ymin) / (ymax - ymin) * ph);
          if (lines && prevX != Integer.MIN_VALUE) {
            g.drawLine(prevX, prevY, px, py);
          }
          if (markers) {
            g.fillOval(px - 3, py - 3, 7, 7);
          }
          prevX = px;
          prevY = py;
        }
        g.setStroke(new BasicStroke(1f));
      }
      if (legend) {
        int ly = top + 10 + si * 18;
        g.fillRect(w - right + 12, ly - 9, 12, 10);
        g.setColor(Color.DARK_GRAY);
        g.drawString(PlotText.shorten(s.name() == null ? "trace " + si : s.name(), 18), w - right + 30, ly);
      }
    }
  }

  private static double minStep(List<Series> series) {
    double step = Double.POSITIVE_INFINITY;
    for (Series s : series) {
      for (int i = 1; i < s.x().length; i++) {
        double d = Math.abs(((Number) s.x()[i]).doubleValue() - ((Number) s.x()[i - 1]).doubleValue());
        if (d > 0) {
          step = Math.min(step, d);
        }
      }
    }
    return Double.isFinite(step) ? step : 1;
  }
}
