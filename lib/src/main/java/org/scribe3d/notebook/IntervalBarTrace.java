package org.scribe3d.notebook;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import tech.tablesaw.plotly.components.HoverLabel;
import tech.tablesaw.plotly.traces.Trace;

/**
 * A vertical bar trace with asymmetric error bars (Plotly's {@code error_y} with {@code array} and
 * {@code arrayminus}), which Tablesaw's {@code BarTrace} cannot express. A NaN value draws no bar; a
 * NaN bound draws no whisker on that side. Made by {@link Charts#barWithIntervals}; the field names
 * {@code type}, {@code x} and {@code y} match Tablesaw's traces so {@link FigurePng} reads it the same
 * way and adds the whiskers.
 */
final class IntervalBarTrace implements Trace {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private final String type = "bar";
  private final String name;
  private final Object[] x;
  private final double[] y;
  private final double[] lo;
  private final double[] hi;

  IntervalBarTrace(String name, Object[] x, double[] y, double[] lo, double[] hi) {
    this.name = name;
    this.x = x.clone();
    this.y = y.clone();
    this.lo = lo.clone();
    this.hi = hi.clone();
  }

  double[] lo() {
    return lo;
  }

  double[] hi() {
    return hi;
  }

  /** Whisker length above the value (0 where the value or the bound is NaN, or the bound is below the value). */
  static double plus(double value, double hi) {
    return Double.isFinite(value) && Double.isFinite(hi) ? Math.max(0, hi - value) : 0;
  }

  /** Whisker length below the value (0 where the value or the bound is NaN, or the bound is above the value). */
  static double minus(double value, double lo) {
    return Double.isFinite(value) && Double.isFinite(lo) ? Math.max(0, value - lo) : 0;
  }

  /** The trace as Plotly JSON. */
  JsonObject toJson() {
    JsonObject t = new JsonObject();
    t.addProperty("type", type);
    if (name != null) {
      t.addProperty("name", name);
    }
    JsonArray xs = new JsonArray();
    for (Object o : x) {
      xs.add(String.valueOf(o));
    }
    t.add("x", xs);
    JsonArray ys = new JsonArray();
    JsonArray up = new JsonArray();
    JsonArray down = new JsonArray();
    for (int i = 0; i < y.length; i++) {
      if (Double.isFinite(y[i])) {
        ys.add(y[i]);
      } else {
        ys.add(JsonNull.INSTANCE);
      }
      up.add(plus(y[i], hi[i]));
      down.add(minus(y[i], lo[i]));
    }
    t.add("y", ys);
    JsonObject err = new JsonObject();
    err.addProperty("type", "data");
    err.addProperty("symmetric", false);
    err.add("array", up);
    err.add("arrayminus", down);
    err.addProperty("visible", true);
    err.addProperty("color", "#444");
    err.addProperty("thickness", 1.5);
    err.addProperty("width", 6);
    t.add("error_y", err);
    return t;
  }

  @Override
  public String asJavascript(int i) {
    // the same shape as Tablesaw's traces: Figure joins "var traceN = {...};" blocks into its data array
    return "var trace" + i + " =\n" + GSON.toJson(toJson()) + ";\n";
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public HoverLabel hoverLabel() {
    return null;
  }

  @Override
  public boolean showLegend() {
    return true;
  }
}
