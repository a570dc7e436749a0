package org.scribe3d.notebook;

import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tech.tablesaw.plotly.components.Figure;

/**
 * A Plotly figure as self-contained HTML: a PNG drawn in Java sits in the plot's div and is
 * replaced by the interactive plot when plotly.js is present, so the output reads the same with
 * or without JavaScript.
 */
public final class FigureHtml {
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final Pattern SCRIPT = Pattern.compile("(?s)^\\s*<script[^>]*>(.*)</script>\\s*$");

  private FigureHtml() {}

  /**
   * @param includeLibrary whether to embed plotly.js itself (about 4.8 MB); when false the page
   *     must have loaded it already (an earlier output did), otherwise the PNG stays.
   */
  public static String html(Figure figure, boolean includeLibrary) {
    String id = "scribe3d_plot_" + Long.toHexString(System.nanoTime()) + "_" + COUNTER.incrementAndGet();
    String js = figure.asJavascript(id);
    Matcher m = SCRIPT.matcher(js);
    String body = m.matches() ? m.group(1) : js.replaceAll("</?script[^>]*>", "");
    StringBuilder sb = new StringBuilder();
    sb.append("<div class=\"scribe3d-plotly\">\n");
    if (includeLibrary) {
      sb.append(PlotlyJs.scriptTag()).append('\n');
    }
    sb.append("<div id=\"").append(id).append("\">");
    sb.append("<img class=\"scribe3d-plot-fallback\" alt=\"plot\" src=\"")
        .append(Png.dataUri(FigurePng.render(figure))).append("\"/>");
    sb.append("</div>\n<script type=\"text/javascript\">\n(function () {\n")
        .append("  if (typeof window.Plotly === 'undefined') { return; }\n")
        .append("  document.getElementById('").append(id).append("').innerHTML = '';\n")
        .append(body.replace("</script", "<\\/script"))
        .append("\n})();\n</script>\n</div>");
    return sb.toString();
  }
}
