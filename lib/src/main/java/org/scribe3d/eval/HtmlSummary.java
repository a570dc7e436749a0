package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A small self-contained HTML page (inline CSS and SVG, no scripts, no network) of an evaluation. */
final class HtmlSummary {
  private HtmlSummary() {}

  static String render(EvalResult r) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Scribe3D evaluation</title>\n")
        .append("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f2f2f2}")
        .append("td.l,th.l{text-align:left}.ci{color:#777;font-size:90%}.note{color:#a40}</style></head><body>\n")
        .append("<h1>Scribe3D evaluation</h1>\n<p>").append(r.cases())
        .append(" cases. Values with 95% percentile bootstrap intervals over cases.</p>\n");
    for (String n : r.notes()) {
      h.append("<p class=\"note\">").append(esc(n)).append("</p>\n");
    }
    table(h, r, "Report metrics", "report.", List.of("chest", "abdomen", "pelvis", "all"));
    chart(h, r, "report.", List.of("chest", "abdomen", "pelvis", "all"));
    table(h, r, "Finding-level precision / recall / F1", "findings.", List.of("chest", "abdomen", "pelvis", "all"));
    typeTable(h, r, "Findings by type", "findings.type.");
    table(h, r, "VQA accuracy", "vqa.", List.of("all"));
    typeTable(h, r, "VQA accuracy by question type", "vqa.type.");
    h.append("</body></html>\n");
    return h.toString();
  }

  /** Rows = metric names, columns = scopes. */
  private static void table(StringBuilder h, EvalResult r, String title, String prefix, List<String> scopes) {
    Map<String, Map<String, EvalResult.Metric>> byName = new LinkedHashMap<>();
    for (EvalResult.Metric m : r.metrics()) {
      if (!m.name().startsWith(prefix) || m.name().startsWith(prefix + "type.")) {
        continue;
      }
      String[] p = m.name().substring(prefix.length()).split("\\.", 2);
      if (p.length == 2) {
        byName.computeIfAbsent(p[1], k -> new LinkedHashMap<>()).put(p[0], m);
      }
    }
    if (byName.isEmpty()) {
      return;
    }
    h.append("<h2>").append(esc(title)).append("</h2>\n<table><tr><th class=\"l\">metric</th>");
    for (String s : scopes) {
      h.append("<th>").append(esc(s)).append("</th>");
    }
    h.append("</tr>\n");
    for (Map.Entry<String, Map<String, EvalResult.Metric>> e : byName.entrySet()) {
      h.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td>");
      for (String s : scopes) {
        h.append("<td>").append(cell(e.getValue().get(s))).append("</td>");
      }
      h.append("</tr>\n");
    }
    // rows (case-region pairs or questions) behind each column
    Map<String, EvalResult.Metric> first = byName.values().iterator().next();
    h.append("<tr><td class=\"l\">n</td>");
    for (String s : scopes) {
      EvalResult.Metric m = first.get(s);
      h.append("<td>").append(m == null ? "" : Integer.toString(m.n())).append("</td>");
    }
    h.append("</tr>\n</table>\n");
  }

  private static void typeTable(StringBuilder h, EvalResult r, String title, String prefix) {
    Map<String, Map<String, EvalResult.Metric>> byType = new LinkedHashMap<>();
    Set<String> cols = new LinkedHashSet<>();
    for (EvalResult.Metric m : r.metrics()) {
      if (!m.name().startsWith(prefix)) {
        continue;
      }
      String rest = m.name().substring(prefix.length());
      int dot = rest.lastIndexOf('.');
      String type = rest.substring(0, dot);
      String col = rest.substring(dot + 1);
      cols.add(col);
      byType.computeIfAbsent(type, k -> new LinkedHashMap<>()).put(col, m);
    }
    if (byType.isEmpty()) {
      return;
    }
    h.append("<h2>").append(esc(title)).append("</h2>\n<table><tr><th class=\"l\">type</th>");
    for (String c : cols) {
      h.append("<th>").append(esc(c)).append("</th>");
    }
    h.append("<th>n</th></tr>\n");
    for (Map.Entry<String, Map<String, EvalResult.Metric>> e : byType.entrySet()) {
      h.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td>");
      int n = 0;
      for (String c : cols) {
        EvalResult.Metric m = e.getValue().get(c);
        h.append("<td>").append(cell(m)).append("</td>");
        if (m != null) {
          n = m.n();
        }
      }
      h.append("<td>").append(n).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static String cell(EvalResult.Metric m) {
    if (m == null) {
      return "";
    }
    String s = EvalResult.f4(m.value());
    if (!Double.isNaN(m.lo())) {
      s += " <span class=\"ci\">[" + EvalResult.f4(m.lo()) + ", " + EvalResult.f4(m.hi()) + "]</span>";
    }
    return s;
  }

  /** Horizontal bars per report metric and scope with interval whiskers; CIDEr on its own 0..max scale. */
  private static void chart(StringBuilder h, EvalResult r, String prefix, List<String> scopes) {
    List<EvalResult.Metric> ms = new ArrayList<>();
    for (EvalResult.Metric m : r.metrics()) {
      if (m.name().startsWith(prefix) && !Double.isNaN(m.value())) {
        ms.add(m);
      }
    }
    if (ms.isEmpty()) {
      return;
    }
    int rowH = 16;
    int width = 640;
    int labelW = 200;
    int barW = width - labelW - 60;
    double ciderMax = 0;
    for (EvalResult.Metric m : ms) {
      if (m.name().endsWith(".cider")) {
        ciderMax = Math.max(ciderMax, Double.isNaN(m.hi()) ? m.value() : m.hi());
      }
    }
    ciderMax = Math.max(ciderMax, 1e-9);
    int height = ms.size() * rowH + 10;
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" font-size=\"11\">\n");
    int y = 5;
    for (EvalResult.Metric m : ms) {
      double scale = m.name().endsWith(".cider") ? ciderMax : 1.0;
      double v = clamp(m.value() / scale);
      h.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text>", y + 11,
          esc(m.name().substring(prefix.length()))));
      h.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#4a7ab5\"/>",
          labelW, y + 2, v * barW, rowH - 4));
      if (!Double.isNaN(m.lo())) {
        double lo = clamp(m.lo() / scale);
        double hi = clamp(m.hi() / scale);
        h.append(String.format(Locale.ROOT,
            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#222\"/>", labelW + lo * barW,
            labelW + hi * barW, y + rowH / 2, y + rowH / 2));
      }
      h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", labelW + barW + 5, y + 11,
          EvalResult.f4(m.value())));
      y += rowH;
    }
    h.append("</svg>\n<p class=\"ci\">Bars: value; lines: 95% interval. CIDEr is scaled to its largest upper bound (")
        .append(EvalResult.f4(ciderMax)).append("), the other metrics to 1.</p>\n");
  }

  private static double clamp(double x) {
    return Math.max(0, Math.min(1, x));
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
