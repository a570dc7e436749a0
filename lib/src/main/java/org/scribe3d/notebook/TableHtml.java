package org.scribe3d.notebook;

import tech.tablesaw.api.Table;

/** A Tablesaw table as an HTML table (first and last rows of long tables, with a size caption). */
public final class TableHtml {
  public static final int DEFAULT_MAX_ROWS = 40;

  private TableHtml() {}

  public static String html(Table table) {
    return html(table, DEFAULT_MAX_ROWS);
  }

  public static String html(Table table, int maxRows) {
    int n = table.rowCount();
    int cols = table.columnCount();
    StringBuilder sb = new StringBuilder("<div class=\"scribe3d-table\"><table class=\"dataframe\" border=\"1\">");
    if (table.name() != null && !table.name().isBlank()) {
      sb.append("<caption>").append(RichOutput.escapeHtml(table.name())).append("</caption>");
    }
    sb.append("<thead><tr>");
    for (String name : table.columnNames()) {
      sb.append("<th>").append(RichOutput.escapeHtml(name)).append("</th>");
    }
    sb.append("</tr></thead><tbody>");
    int head = n <= maxRows ? n : maxRows / 2;
    int tailFrom = n <= maxRows ? n : n - (maxRows - head);
    for (int r = 0; r < n; r++) {
      if (r == head && tailFrom > head) {
        sb.append("<tr>");
        for (int c = 0; c < cols; c++) {
          sb.append("<td>…</td>");
        }
        sb.append("</tr>");
        r = tailFrom;
      }
      sb.append("<tr>");
      for (int c = 0; c < cols; c++) {
        sb.append("<td>").append(RichOutput.escapeHtml(table.column(c).getString(r))).append("</td>");
      }
      sb.append("</tr>");
    }
    sb.append("</tbody></table><p>").append(n).append(" rows × ").append(cols).append(" columns</p></div>");
    return sb.toString();
  }
}
