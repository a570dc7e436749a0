package org.scribe3d.notebook;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Draws a Tablesaw/Plotly {@link Figure} with Java2D, so a plot shows where JavaScript does not
 * run (PDF export, GitHub, a notebook opened untrusted). Covers the trace types Scribe3D's helpers
 * make: bar (vertical), scatter (lines and/or markers), heatmap and histogram; other traces are
 * named in the picture instead of drawn. Not a second Plotly: no hover, log axes or subplots.
 *
 * <p>Tablesaw keeps trace data in private fields, so they are read reflectively (the version is
 * pinned in the root pom and the tests cover every supported trace type).
 */
public final class FigurePng {
  static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
      new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
      new Color(0xbcbd22), new Color(0x17becf)};

  /** Colour of interval whiskers (Plotly's #444). */
  static final Color WHISKER = new Color(0x444444);

  private FigurePng() {}

  /**
   * A trace as plotted: categories or numbers on x, numbers on y, or a z grid for heatmaps; lo/hi are
   * interval bounds per point (bars with whiskers) or null.
   */
  record Series(String type, String name, Object[] x, double[] y, String mode, double[][] z, Object[] yLabels,
      double[] lo, double[] hi) {
    Series(String type, String name, Object[] x, double[] y, String mode, double[][] z, Object[] yLabels) {
      this(type, name, x, y, mode, z, yLabels, null, null);
    }
  }

  public static BufferedImage render(Figure figure) {
    Layout layout = figure.getLayout();
    int width = 700;
    int height = 450;
    String title = "";
    String xTitle = "";
    String yTitle = "";
    if (layout != null) {
      width = clamp(intField(layout, "width", width), 200, 1600);
      height = clamp(intField(layout, "height", height), 150, 1200);
      title = layout.getTitle() == null ? "" : layout.getTitle();
      xTitle = axisTitle(layout, "xAxis");
      yTitle = axisTitle(layout, "yAxis");
    }
    List<Series> series = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    for (Trace t : figure.getTraces()) {
      Series s = extract(t);
      if (s == null) {
        unsupported.add(String.valueOf(get(t, "type")));
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
      drawCentered(g, title, width / 2, 22);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      if (!unsupported.isEmpty()) {
        g.drawString("(not drawn in this preview: " + String.join(", ", unsupported) + " traces)", 8, height - 6);
      }
      if (series.isEmpty()) {
        drawCentered(g, "no drawable traces", width / 2, height / 2);
      } else if (series.get(0).type().equals("heatmap")) {
        drawHeatmap(g, series.get(0), width, height, xTitle, yTitle);
      } else {
        drawXY(g, series, width, height, xTitle, yTitle);
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  static Series extract(Trace t) {
    String type = String.valueOf(get(t, "type"));
    String name = t.name();
    switch (type) {
      case "bar": {
        Object[] x = (Object[]) get(t, "x");
        double[] y = (double[]) get(t, "y");
        if (x == null || y == null) {
          return null;
        }
        return t instanceof IntervalBarTrace ib ? new Series("bar", name, x, y, null, null, null, ib.lo(), ib.hi())
            : new Series("bar", name, x, y, null, null, null);
      }
      case "scatter": {
        Object[] x = (Object[]) get(t, "x");
        Object[] yo = (Object[]) get(t, "y");
        if (x == null || yo == null) {
          return null;
        }
        Object mode = get(t, "mode");
        return new Series("scatter", name, x, toDoubles(yo), mode == null ? "markers" : mode.toString(), null, null);
      }
      case "heatmap": {
        double[][] z = (double[][]) get(t, "z");
        if (z == null) {
          return null;
        }
        return new Series("heatmap", name, (Object[]) get(t, "x"), null, null, z, (Object[]) get(t, "y"));
      }
      case "histogram": {
        Object[] xo = (Object[]) get(t, "x");
        if (xo == null) {
          return null;
        }
        double[] v = toDoubles(xo);
        int bins = Math.max(1, intField(t, "nBinsX", 0));
        if (bins <= 1) {
          bins = (int) Math.ceil(Math.log(Math.max(2, v.length)) / Math.log(2) + 1); // Sturges
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double d : v) {
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
        }
        if (!(hi > lo)) {
          hi = lo + 1;
        }
        Histogram h = Histogram.of(v, bins, lo, hi);
        Object[] centers = new Object[bins];
        for (int i = 0; i < bins; i++) {
          centers[i] = h.center(i);
        }
        return new Series("bar", name, centers, h.countsAsDoubles(), null, null, null);
      }
      default:
        return null;
    }
  }

  private static void drawXY(Graphics2D g, List<Series> series, int w, int h, String xTitle, String yTitle) {
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
    double[] yt = niceTicks(ymin, ymax);
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
      String label = fmt(t);
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
        drawCentered(g, shorten(e.getKey(), 14), cx, top + ph + 16);
      }
    } else {
      for (double t : niceTicks(xmin, xmax)) {
        if (t < xmin || t > xmax) {
          continue;
        }
        int px = left + (int) Math.round((t - xmin) / (xmax - xmin) * pw);
        g.drawLine(px, top + ph, px, top + ph + 4);
        drawCentered(g, fmt(t), px, top + ph + 16);
      }
    }
    drawCentered(g, xTitle, left + pw / 2, h - 12);
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    drawCentered(g, yTitle, -(top + ph / 2), 14);
    g.setTransform(saved);
    // data
    int nbars = (int) series.stream().filter(s -> s.type().equals("bar")).count();
    int barIndex = 0;
    for (int si = 0; si < series.size(); si++) {
      Series s = series.get(si);
      Color color = PALETTE[si % PALETTE.length];
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
              g.setColor(WHISKER);
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
        g.drawString(shorten(s.name() == null ? "trace " + si : s.name(), 18), w - right + 30, ly);
      }
    }
  }

  private static void drawHeatmap(Graphics2D g, Series s, int w, int h, String xTitle, String yTitle) {
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
          drawCentered(g, fmt(v), px + cwi / 2, py + chi / 2 + 4);
        }
      }
    }
    g.setColor(Color.DARK_GRAY);
    Object[] xl = s.x();
    Object[] yl = s.yLabels();
    for (int c = 0; c < cols; c++) {
      String label = xl != null && c < xl.length ? String.valueOf(xl[c]) : String.valueOf(c);
      drawCentered(g, shorten(label, 12), left + (int) Math.round((c + 0.5) * cw), top + ph + 16);
    }
    for (int r = 0; r < rows; r++) {
      String label = shorten(yl != null && r < yl.length ? String.valueOf(yl[r]) : String.valueOf(r), 14);
      int py = top + (int) Math.round((rows - 1 - r + 0.5) * ch) + 4;
      g.drawString(label, left - 6 - fm.stringWidth(label), py);
    }
    drawCentered(g, xTitle, left + pw / 2, h - 12);
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    drawCentered(g, yTitle, -(top + ph / 2), 14);
    g.setTransform(saved);
    // colour bar
    int bx = w - right + 20;
    for (int i = 0; i < ph; i++) {
      g.setColor(heatColor(1.0 - (double) i / Math.max(1, ph - 1)));
      g.drawLine(bx, top + i, bx + 14, top + i);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawString(fmt(hi), bx + 18, top + 10);
    g.drawString(fmt(lo), bx + 18, top + ph);
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

  /** Ticks at 1, 2 or 5 × 10^k covering [lo, hi] with about five intervals. */
  static double[] niceTicks(double lo, double hi) {
    double raw = (hi - lo) / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double norm = raw / mag;
    double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
    double first = Math.floor(lo / step) * step;
    double last = Math.ceil(hi / step) * step;
    int n = (int) Math.round((last - first) / step) + 1;
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = first + i * step;
    }
    return t;
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

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return String.valueOf((long) v);
    }
    double a = Math.abs(v);
    if (a >= 1e5 || a < 1e-3) {
      return String.format(Locale.ROOT, "%.2g", v);
    }
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 1 ? "%.2f" : "%.3f", v);
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static void drawCentered(Graphics2D g, String s, int cx, int baseline) {
    if (s == null || s.isEmpty()) {
      return;
    }
    g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static double[] toDoubles(Object[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = values[i] instanceof Number n ? n.doubleValue() : Double.NaN;
    }
    return d;
  }

  private static String axisTitle(Layout layout, String field) {
    Object axis = get(layout, field);
    Object title = axis == null ? null : get(axis, "title");
    return title == null ? "" : title.toString();
  }

  private static int intField(Object o, String name, int dflt) {
    Object v = get(o, name);
    return v instanceof Number n && n.intValue() > 0 ? n.intValue() : dflt;
  }

  /** A private field of a Tablesaw object (searching superclasses), or null when absent. */
  static Object get(Object o, String name) {
    for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }
}
