package org.scribe3d.notebook;

import java.awt.Graphics2D;
import java.util.Locale;

/**
 * Numbers and labels on a preview plot: tick positions, tick and cell number format, shortened
 * category names and centred strings.
 */
final class PlotText {
  private PlotText() {}

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

  /** A tick or cell value: integers as such, otherwise two or three significant digits. */
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

  static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  static void drawCentered(Graphics2D g, String s, int cx, int baseline) {
    if (s == null || s.isEmpty()) {
      return;
    }
    g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
  }
}
