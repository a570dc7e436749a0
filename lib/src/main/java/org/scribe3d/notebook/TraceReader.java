package org.scribe3d.notebook;

import java.lang.reflect.Field;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Reads what {@link FigurePng} draws out of Tablesaw's Plotly objects. Tablesaw keeps trace data in
 * private fields, so they are read reflectively (the version is pinned in the root pom and the tests
 * cover every supported trace type); a histogram is binned here into bars.
 */
final class TraceReader {
  private TraceReader() {}

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

  /** The trace as plotted, or null for a trace type the preview does not draw or a trace without data. */
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

  static double[] toDoubles(Object[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = values[i] instanceof Number n ? n.doubleValue() : Double.NaN;
    }
    return d;
  }

  static String axisTitle(Layout layout, String field) {
    Object axis = get(layout, field);
    Object title = axis == null ? null : get(axis, "title");
    return title == null ? "" : title.toString();
  }

  static int intField(Object o, String name, int dflt) {
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
