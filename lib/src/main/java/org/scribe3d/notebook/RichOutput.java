package org.scribe3d.notebook;

import java.awt.image.RenderedImage;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import org.scribe3d.volume.Volume;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

/**
 * Turns a value into a Jupyter MIME bundle (MIME type → data): images as PNG, volumes as three
 * orthogonal slices (PNG), Tablesaw tables as
 * HTML, Plotly figures as interactive HTML with a PNG beside it, {@link CtViewer}s as NiiVue
 * HTML with a PNG beside it, and any object with a public
 * no-argument {@code toHtml()} (String) and/or {@code toPng()} (RenderedImage or PNG bytes).
 * An empty bundle means "nothing richer than text". One instance per notebook session or report,
 * because it remembers whether plotly.js and NiiVue have been embedded yet.
 */
public final class RichOutput {
  /** How often plotly.js is embedded: in the first Plotly output only, or in every one. */
  public enum PlotlyEmbed { ONCE, EACH }

  private final PlotlyEmbed embed;
  private boolean plotlyEmbedded;
  private boolean niivueEmbedded;

  public RichOutput(PlotlyEmbed embed) {
    this.embed = embed;
  }

  public Map<String, Object> bundle(Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (value instanceof RenderedImage img) {
      out.put("image/png", Png.base64(img));
      out.put("text/plain", describe(img));
    } else if (value instanceof Volume v) {
      // three planes through the centre, window over the volume's own range
      out.put("image/png", Png.base64(SliceView.orthogonal(v, Window.minMax(v.voxels()))));
      out.put("text/plain", v.toString());
    } else if (value instanceof Table t) {
      out.put("text/html", TableHtml.html(t));
      out.put("text/plain", t.printAll().lines().limit(25).reduce((a, b) -> a + "\n" + b).orElse(""));
    } else if (value instanceof Figure f) {
      boolean include = embed == PlotlyEmbed.EACH || !plotlyEmbedded;
      out.put("text/html", FigureHtml.html(f, include));
      plotlyEmbedded = true;
      out.put("image/png", Png.base64(FigurePng.render(f)));
      String title = f.getLayout() == null ? null : f.getLayout().getTitle();
      out.put("text/plain", "Plotly figure" + (title == null || title.isBlank() ? "" : ": " + title));
    } else if (value instanceof CtViewer v) {
      // NiiVue, like plotly.js, comes with the first viewer only (or every one with EACH)
      out.put("text/html", v.html(embed == PlotlyEmbed.EACH || !niivueEmbedded));
      niivueEmbedded = true;
      out.put("image/png", Png.base64(v.toPng()));
      out.put("text/plain", v.toString());
    } else if (value != null) {
      conventional(value, out);
    }
    return out;
  }

  /** The toHtml()/toPng() convention for objects that know how to show themselves. */
  private static void conventional(Object value, Map<String, Object> out) {
    Object html = call(value, "toHtml");
    if (html instanceof String s) {
      out.put("text/html", s);
    }
    Object png = call(value, "toPng");
    if (png instanceof RenderedImage img) {
      out.put("image/png", Png.base64(img));
    } else if (png instanceof byte[] bytes) {
      out.put("image/png", java.util.Base64.getEncoder().encodeToString(bytes));
    }
    if (!out.isEmpty()) {
      out.put("text/plain", String.valueOf(value));
    }
  }

  private static Object call(Object value, String name) {
    try {
      Method m = value.getClass().getMethod(name);
      if (Modifier.isStatic(m.getModifiers())) {
        return null;
      }
      return m.invoke(value);
    } catch (NoSuchMethodException e) {
      return null;
    } catch (ReflectiveOperationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(name + "() of " + value.getClass().getName() + " failed: " + cause, cause);
    }
  }

  private static String describe(RenderedImage img) {
    return "image " + img.getWidth() + "x" + img.getHeight();
  }

  public static String escapeHtml(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
