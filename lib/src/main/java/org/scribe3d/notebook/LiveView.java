package org.scribe3d.notebook;

import java.awt.image.BufferedImage;

/**
 * One state of a live output (a training monitor, a progress bar): HTML for the notebook, a PNG for
 * renderers without HTML, text for plain consoles. Kernels show it through the toHtml()/toPng()
 * convention of {@link RichOutput}; the HTML carries no script, so it renders the same in a live
 * notebook, in an nbconvert export and after the notebook is reopened.
 */
public record LiveView(String html, BufferedImage png, String text) {
  public String toHtml() {
    return html;
  }

  /** The PNG fallback, or null (then a text-only renderer shows {@link #toString()}). */
  public BufferedImage toPng() {
    return png;
  }

  @Override
  public String toString() {
    return text;
  }

  /** A progress bar as HTML: a filled track and a caption (no script, no stylesheet). */
  static String barHtml(double fraction, String caption) {
    double f = Double.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
    return String.format(java.util.Locale.ROOT,
        "<div style=\"font-family:monospace;font-size:13px;margin:2px 0\">"
            + "<div style=\"display:inline-block;vertical-align:middle;width:260px;height:12px;"
            + "background:#e5e5e5;border-radius:3px;overflow:hidden;margin-right:8px\">"
            + "<div class=\"scribe3d-progress-fill\" style=\"width:%.1f%%;height:100%%;background:#1f77b4\"></div></div>"
            + "<span class=\"scribe3d-progress-text\">%s</span></div>",
        100 * f, RichOutput.escapeHtml(caption));
  }
}
