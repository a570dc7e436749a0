package org.scribe3d.notebook;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A standalone HTML page (a report) built from the same renderers as notebook outputs: headings,
 * paragraphs, and any value {@link RichOutput} can show (images, volumes, tables, Plotly figures;
 * plotly.js embedded once, so the page works offline).
 */
public final class HtmlDocument {
  private final String title;
  private final RichOutput rich = new RichOutput(RichOutput.PlotlyEmbed.ONCE);
  private final StringBuilder body = new StringBuilder();

  public HtmlDocument(String title) {
    this.title = title == null ? "" : title;
  }

  public HtmlDocument heading(String text) {
    body.append("<h2>").append(RichOutput.escapeHtml(text)).append("</h2>\n");
    return this;
  }

  public HtmlDocument paragraph(String text) {
    body.append("<p>").append(RichOutput.escapeHtml(text)).append("</p>\n");
    return this;
  }

  /** Adds a value in its richest form: HTML, else a PNG, else its text in a {@code <pre>}. */
  public HtmlDocument add(Object value) {
    Map<String, Object> b = rich.bundle(value);
    if (b.containsKey("text/html")) {
      body.append(b.get("text/html"));
    } else if (b.containsKey("image/png")) {
      body.append("<img alt=\"figure\" src=\"data:image/png;base64,").append(b.get("image/png")).append("\"/>");
    } else {
      body.append("<pre>").append(RichOutput.escapeHtml(String.valueOf(value))).append("</pre>");
    }
    body.append('\n');
    return this;
  }

  public String html() {
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + RichOutput.escapeHtml(title)
        + "</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;}"
        + "table.dataframe{border-collapse:collapse}table.dataframe td,table.dataframe th{padding:2px 8px}"
        + "</style></head>\n<body>\n<h1>" + RichOutput.escapeHtml(title) + "</h1>\n" + body + "</body></html>\n";
  }

  /** Writes the page atomically (temp file in the same directory, then rename). */
  public void write(Path file) throws IOException {
    org.scribe3d.io.AtomicFiles.writeString(file, html());
  }

}
