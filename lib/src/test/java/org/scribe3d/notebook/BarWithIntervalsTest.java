package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tech.tablesaw.plotly.components.Figure;

class BarWithIntervalsTest {
  private static final Pattern TRACE = Pattern.compile("(?s)var trace(\\d+) =\\s*(\\{.*?\\});\\n");

  /** The traces of a figure's JavaScript, parsed back as JSON. */
  private static List<JsonObject> traces(Figure f) {
    Matcher m = TRACE.matcher(f.asJavascript("div"));
    List<JsonObject> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(JsonParser.parseString(m.group(2)).getAsJsonObject());
    }
    return out;
  }

  private static double[] doubles(JsonArray a) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.get(i).isJsonNull() ? Double.NaN : a.get(i).getAsDouble();
    }
    return d;
  }

  @Test
  void plotlyGetsAsymmetricErrorBarsFromTheBounds() {
    Map<String, double[]> v = new LinkedHashMap<>();
    Map<String, double[]> lo = new LinkedHashMap<>();
    Map<String, double[]> hi = new LinkedHashMap<>();
    v.put("model", new double[] {0.5, 0.8, Double.NaN});
    lo.put("model", new double[] {0.25, 0.8, Double.NaN});
    hi.put("model", new double[] {0.9, Double.NaN, Double.NaN});
    v.put("blind", new double[] {0.1, 0.2, 0.3});
    lo.put("blind", new double[] {0.0, 0.1, 0.2});
    hi.put("blind", new double[] {0.3, 0.3, 0.4});
    Figure f = Charts.barWithIntervals("F1", List.of("chest", "abdomen", "pelvis"), v, lo, hi, "region", "F1");
    String js = f.asJavascript("div");
    List<JsonObject> t = traces(f);
    assertEquals(2, t.size(), js);
    JsonObject model = t.get(0);
    assertEquals("bar", model.get("type").getAsString());
    assertEquals("model", model.get("name").getAsString());
    assertEquals("chest", model.getAsJsonArray("x").get(0).getAsString());
    double[] y = doubles(model.getAsJsonArray("y"));
    assertEquals(0.5, y[0]);
    assertTrue(Double.isNaN(y[2]), "a NaN value is null: no bar");
    JsonObject err = model.getAsJsonObject("error_y");
    assertEquals("data", err.get("type").getAsString());
    assertFalse(err.get("symmetric").getAsBoolean());
    double[] up = doubles(err.getAsJsonArray("array"));
    double[] down = doubles(err.getAsJsonArray("arrayminus"));
    assertEquals(0.4, up[0], 1e-12);
    assertEquals(0.25, down[0], 1e-12);
    assertEquals(0.0, up[1], "a NaN bound draws no whisker");
    assertEquals(0.0, down[1]);
    assertEquals(0.0, up[2]);
    assertEquals(0.1, doubles(t.get(1).getAsJsonObject("error_y").getAsJsonArray("array"))[2], 1e-12);
  }

  @Test
  void aLabelCannotCloseTheScriptElement() {
    // the HTML output wraps the figure's script; the trace JSON must survive unescaped
    String html = FigureHtml.html(Charts.barWithIntervals("t", List.of("a</script>"), new double[] {1},
        new double[] {0.5}, new double[] {2}, "x", "y"), false);
    assertFalse(html.contains("a</script>\""), "a label cannot close the script element");
    assertTrue(html.contains("error_y"));
  }

  @Test
  void badInputIsRejectedWithAClearMessage() {
    List<String> labels = List.of("a", "b");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Charts.barWithIntervals("t", labels,
        new double[] {1}, new double[] {0}, new double[] {2}, "x", "y"));
    assertTrue(e.getMessage().contains("1 values"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Charts.barWithIntervals("t", labels,
        new double[] {1, 1}, new double[] {0, 2.5}, new double[] {2, 2}, "x", "y"));
    assertTrue(e.getMessage().contains("above the upper bound"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Charts.barWithIntervals("t", labels,
        Map.of("s", new double[] {1, 1}), Map.of(), Map.of("s", new double[] {2, 2}), "x", "y"));
    assertTrue(e.getMessage().contains("no lower bounds"), e.getMessage());
  }

  @Test
  void anIntervalBesideTheValueHangsFromTheBarTop() {
    // a percentile bootstrap interval may miss the point estimate: [0.6, 0.9] for a value of 0.5
    JsonObject err = traces(Charts.barWithIntervals("t", List.of("a"), new double[] {0.5}, new double[] {0.6},
        new double[] {0.9}, "x", "y")).get(0).getAsJsonObject("error_y");
    assertEquals(0.4, doubles(err.getAsJsonArray("array"))[0], 1e-12);
    assertEquals(0.0, doubles(err.getAsJsonArray("arrayminus"))[0]);
  }

  /**
   * Grey pixels (r = g = b, darker than the grid lines) in columns x-1..x+1 inside the plot area
   * (above the x axis and its labels, which start 70 px from the bottom for categories): the whisker
   * is drawn anti-aliased in Plotly's #444, so its pixels are shades of grey; the grid is lighter.
   */
  private static int whiskerPixels(BufferedImage img, int x) {
    int n = 0;
    for (int y = 30; y < img.getHeight() - 72; y++) {
      for (int dx = -1; dx <= 1; dx++) {
        int rgb = img.getRGB(x + dx, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (r == g && g == b && r < 0xc0) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void thePngFallbackDrawsTheWhiskers() {
    double[] v = {0.5, 0.5};
    BufferedImage with = FigurePng.render(Charts.barWithIntervals("t", List.of("a", "b"), v, new double[] {0.2, 0.5},
        new double[] {0.9, 0.5}, "x", "y"));
    BufferedImage without = FigurePng.render(Charts.bar("t", List.of("a", "b"), v, "x", "y"));
    int bar = FigurePng.PALETTE[0].getRGB() & 0xffffff;
    // the centre column of each bar: the first and last columns holding bar colour
    int[] centre = new int[2];
    int found = 0;
    int start = -1;
    for (int x = 0; x < with.getWidth() && found < 2; x++) {
      boolean has = false;
      for (int y = 0; y < with.getHeight(); y++) {
        has |= (with.getRGB(x, y) & 0xffffff) == bar;
      }
      if (has && start < 0) {
        start = x;
      } else if (!has && start >= 0) {
        centre[found++] = (start + x - 1) / 2;
        start = -1;
      }
    }
    assertEquals(2, found);
    // bar "a" has a whisker from 0.2 to 0.9: 0.7 of a ~300 px tall axis, far more grey than the x axis line
    int a = whiskerPixels(with, centre[0]);
    assertTrue(a > 150, "whisker of bar a: " + a + " grey pixels");
    // bar "b" has an empty interval and the plain bar chart no whiskers: nothing grey there
    assertEquals(0, whiskerPixels(with, centre[1]), "no whisker for an empty interval");
    assertEquals(0, whiskerPixels(without, centre[0]), "no whisker on a plain bar chart");
  }
}
