package org.scribe3d.notebook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.eval.EvalResult;
import org.scribe3d.eval.Evaluator;
import org.scribe3d.text.ConfusionMatrix;
import org.scribe3d.volume.Volume;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.BarTrace;
import tech.tablesaw.plotly.traces.HeatmapTrace;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Plotly figures (Tablesaw's {@link Figure}) for notebooks and reports: bar (optionally with interval
 * whiskers), line, heatmap, confusion matrix and intensity histogram. Display them with {@code display(figure)}; the kernel
 * shows the interactive plot with a PNG beside it.
 */
public final class Charts {
  private Charts() {}

  static Layout layout(String title, String xTitle, String yTitle, int width, int height) {
    return Layout.builder()
        .title(title == null ? "" : title)
        .width(width)
        .height(height)
        .xAxis(Axis.builder().title(xTitle == null ? "" : xTitle).build())
        .yAxis(Axis.builder().title(yTitle == null ? "" : yTitle).build())
        .build();
  }

  public static Figure bar(String title, List<String> labels, double[] values, String xTitle, String yTitle) {
    if (labels.size() != values.length) {
      throw new IllegalArgumentException(labels.size() + " labels for " + values.length + " values");
    }
    Trace t = BarTrace.builder(labels.toArray(), values).build();
    return new Figure(layout(title, xTitle, yTitle, 700, 420), t);
  }

  /** Bars from a map's entries, in the map's iteration order. */
  public static Figure bar(String title, Map<String, ? extends Number> values, String xTitle, String yTitle) {
    List<String> labels = new ArrayList<>(values.keySet());
    double[] v = values.values().stream().mapToDouble(Number::doubleValue).toArray();
    return bar(title, labels, v, xTitle, yTitle);
  }

  /** Several bar series over the same categories, grouped. */
  public static Figure groupedBar(String title, List<String> labels, Map<String, double[]> series,
      String xTitle, String yTitle) {
    List<Trace> traces = new ArrayList<>();
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      if (e.getValue().length != labels.size()) {
        throw new IllegalArgumentException("series '" + e.getKey() + "' has " + e.getValue().length
            + " values for " + labels.size() + " labels");
      }
      traces.add(BarTrace.builder(labels.toArray(), e.getValue()).name(e.getKey()).build());
    }
    return new Figure(layout(title, xTitle, yTitle, 700, 420), traces.toArray(new Trace[0]));
  }

  /**
   * Bars with interval whiskers (e.g. 95% bootstrap intervals), one series or several grouped: for
   * series {@code s} and label {@code i} the bar is {@code values.get(s)[i]} and its whisker runs from
   * {@code lo.get(s)[i]} to {@code hi.get(s)[i]}. A NaN value draws no bar, a NaN bound no whisker on
   * that side (a metric without an interval). A percentile bootstrap interval need not contain the
   * point estimate; where it does not, the whisker on that side is drawn with length 0 (error bars
   * hang from the bar's top), so the tables, not the chart, carry such intervals exactly.
   *
   * @throws IllegalArgumentException if lengths differ, a series lacks bounds, or a lower bound is above
   *     its upper bound
   */
  public static Figure barWithIntervals(String title, List<String> labels, Map<String, double[]> values,
      Map<String, double[]> lo, Map<String, double[]> hi, String xTitle, String yTitle) {
    List<Trace> traces = new ArrayList<>();
    for (Map.Entry<String, double[]> e : values.entrySet()) {
      String s = e.getKey();
      double[] v = e.getValue();
      double[] l = lo.get(s);
      double[] h = hi.get(s);
      if (l == null || h == null) {
        throw new IllegalArgumentException("series '" + s + "' has no " + (l == null ? "lower" : "upper") + " bounds");
      }
      if (v.length != labels.size() || l.length != labels.size() || h.length != labels.size()) {
        throw new IllegalArgumentException("series '" + s + "' has " + v.length + " values, " + l.length + " lower and "
            + h.length + " upper bounds for " + labels.size() + " labels");
      }
      for (int i = 0; i < v.length; i++) {
        if (Double.isFinite(l[i]) && Double.isFinite(h[i]) && l[i] > h[i]) {
          throw new IllegalArgumentException("series '" + s + "', " + labels.get(i) + ": lower bound " + l[i]
              + " is above the upper bound " + h[i]);
        }
      }
      traces.add(new IntervalBarTrace(s, labels.toArray(), v, l, h));
    }
    return new Figure(layout(title, xTitle, yTitle, 700, 420), traces.toArray(new Trace[0]));
  }

  /** One series of bars with interval whiskers; see {@link #barWithIntervals(String, List, Map, Map, Map, String, String)}. */
  public static Figure barWithIntervals(String title, List<String> labels, double[] values, double[] lo, double[] hi,
      String xTitle, String yTitle) {
    return barWithIntervals(title, labels, Map.of("value", values), Map.of("value", lo), Map.of("value", hi), xTitle,
        yTitle);
  }

  /**
   * Bars with 95% interval whiskers, one series per evaluation and one bar per label: {@code metrics}
   * gives an evaluation's metrics in label order, e.g. {@code r -> List.of(r.findingF1(Region.CHEST), ...,
   * r.findingF1())} over the labels chest, ..., all, for a model and its blind control.
   *
   * @throws IllegalArgumentException if an evaluation gives a different number of metrics than labels
   */
  public static Figure intervalBars(String title, List<String> labels, Map<String, EvalResult> runs,
      java.util.function.Function<EvalResult, List<EvalResult.Metric>> metrics, String yTitle) {
    Map<String, double[]> v = new LinkedHashMap<>();
    Map<String, double[]> lo = new LinkedHashMap<>();
    Map<String, double[]> hi = new LinkedHashMap<>();
    for (Map.Entry<String, EvalResult> e : runs.entrySet()) {
      List<EvalResult.Metric> ms = metrics.apply(e.getValue());
      if (ms.size() != labels.size()) {
        throw new IllegalArgumentException("'" + e.getKey() + "' gives " + ms.size() + " metrics for "
            + labels.size() + " labels");
      }
      v.put(e.getKey(), ms.stream().mapToDouble(EvalResult.Metric::value).toArray());
      lo.put(e.getKey(), ms.stream().mapToDouble(EvalResult.Metric::lo).toArray());
      hi.put(e.getKey(), ms.stream().mapToDouble(EvalResult.Metric::hi).toArray());
    }
    return barWithIntervals(title, labels, v, lo, hi, "", yTitle);
  }

  /**
   * The differences of a paired comparison (run a minus run b) as bars with their paired 95%
   * intervals; metrics whose difference was not computable are left out.
   */
  public static Figure comparisonBars(String title, List<Evaluator.Comparison> comparisons) {
    List<Evaluator.Comparison> shown = comparisons.stream()
        .filter(c -> !Double.isNaN(c.result().difference())).toList();
    double[] d = new double[shown.size()];
    double[] lo = new double[shown.size()];
    double[] hi = new double[shown.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = shown.get(i).result().difference();
      lo[i] = shown.get(i).result().lo();
      hi[i] = shown.get(i).result().hi();
    }
    return barWithIntervals(title, shown.stream().map(Evaluator.Comparison::metric).toList(), d, lo, hi, "",
        "difference");
  }

  /** One line per series over shared x values (e.g. loss per step). */
  public static Figure line(String title, double[] x, Map<String, double[]> series, String xTitle, String yTitle) {
    List<Trace> traces = new ArrayList<>();
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      if (e.getValue().length != x.length) {
        throw new IllegalArgumentException("series '" + e.getKey() + "' has " + e.getValue().length
            + " values for " + x.length + " x values");
      }
      traces.add(ScatterTrace.builder(x, e.getValue()).mode(ScatterTrace.Mode.LINE).name(e.getKey()).build());
    }
    return new Figure(layout(title, xTitle, yTitle, 700, 420), traces.toArray(new Trace[0]));
  }

  /**
   * A heatmap; {@code z[r][c]} is the cell in row {@code r} (labelled {@code yLabels[r]}) and column
   * {@code c}. Row 0 is drawn at the top, as in a table.
   */
  public static Figure heatmap(String title, List<String> xLabels, List<String> yLabels, double[][] z,
      String xTitle, String yTitle) {
    if (z.length != yLabels.size()) {
      throw new IllegalArgumentException(z.length + " rows for " + yLabels.size() + " row labels");
    }
    for (double[] row : z) {
      if (row.length != xLabels.size()) {
        throw new IllegalArgumentException("a row has " + row.length + " values for " + xLabels.size() + " column labels");
      }
    }
    // Plotly puts row 0 at the bottom; reverse so the first row reads at the top
    int n = z.length;
    double[][] flipped = new double[n][];
    Object[] ys = new Object[n];
    for (int r = 0; r < n; r++) {
      flipped[r] = z[n - 1 - r].clone();
      ys[r] = yLabels.get(n - 1 - r);
    }
    Trace t = HeatmapTrace.builder(xLabels.toArray(), ys, flipped).build();
    int size = Math.max(360, Math.min(900, 120 + 50 * Math.max(xLabels.size(), n)));
    return new Figure(layout(title, xTitle, yTitle, size + 120, size), t);
  }

  /** Confusion matrix: rows are the true classes, columns the predicted ones. */
  public static Figure confusionMatrix(String title, List<String> labels, long[][] counts) {
    double[][] z = new double[counts.length][];
    for (int r = 0; r < counts.length; r++) {
      z[r] = new double[counts[r].length];
      for (int c = 0; c < counts[r].length; c++) {
        z[r][c] = counts[r][c];
      }
    }
    return heatmap(title, labels, labels, z, "predicted", "true");
  }

  /** A region classifier's confusion matrix over {@link ConfusionMatrix#LABELS}. */
  public static Figure confusionMatrix(String title, ConfusionMatrix cm) {
    List<String> labels = ConfusionMatrix.LABELS;
    long[][] c = new long[labels.size()][labels.size()];
    for (int g = 0; g < labels.size(); g++) {
      for (int p = 0; p < labels.size(); p++) {
        c[g][p] = cm.count(labels.get(g), labels.get(p));
      }
    }
    return confusionMatrix(title, labels, c);
  }

  /** Histogram of values in [lo, hi] as bars at the bin centres (numpy.histogram's bins). */
  public static Figure histogram(String title, float[] values, int bins, double lo, double hi, String xTitle) {
    Histogram h = Histogram.of(values, bins, lo, hi);
    Object[] centers = new Object[bins];
    for (int i = 0; i < bins; i++) {
      centers[i] = h.center(i);
    }
    Trace t = BarTrace.builder(centers, h.countsAsDoubles()).build();
    return new Figure(layout(title, xTitle, "voxels", 700, 400), t);
  }

  /** Intensity histogram of a whole volume, over its own range. */
  public static Figure intensityHistogram(Volume v, int bins, String title) {
    Window w = Window.minMax(v.voxels());
    return histogram(title, v.voxels(), bins, w.lower(), w.upper(), "intensity (HU)");
  }
}
