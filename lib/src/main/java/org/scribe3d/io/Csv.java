package org.scribe3d.io;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.data.DatasetException;

/**
 * An RFC 4180 CSV reader: comma-separated fields, double-quoted fields that may hold commas, line
 * breaks and doubled quotes, CRLF, LF or CR line ends (as Python's csv module), an optional UTF-8 BOM.
 * Blank lines are skipped. Every record remembers the line it starts on, so errors read
 * "FILE:LINE: ...".
 */
public final class Csv {
  /** One data record: its fields and the 1-based line it starts on. */
  public record Row(int line, List<String> fields) {}

  private final Path file;
  private final List<String> header;
  private final Map<String, Integer> columns = new HashMap<>();
  private final List<Row> rows;

  private Csv(Path file, List<String> header, List<Row> rows) {
    this.file = file;
    this.header = header;
    this.rows = rows;
    for (int i = 0; i < header.size(); i++) {
      columns.putIfAbsent(header.get(i).strip(), i);
    }
  }

  public static Csv read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new DatasetException("no such file: " + file);
    } catch (IOException e) {
      throw new DatasetException(file + ": " + e.getMessage(), e);
    }
    return parse(file, text);
  }

  public static Csv read(Path file, Reader reader) throws IOException {
    StringBuilder b = new StringBuilder();
    char[] buf = new char[8192];
    for (int n; (n = reader.read(buf)) > 0; ) {
      b.append(buf, 0, n);
    }
    return parse(file, b.toString());
  }

  static Csv parse(Path file, String text) {
    List<Row> records = new ArrayList<>();
    int pos = text.startsWith("\uFEFF") ? 1 : 0;
    int line = 1;
    int n = text.length();
    while (pos < n) {
      int start = line;
      List<String> fields = new ArrayList<>();
      StringBuilder f = new StringBuilder();
      boolean quoted = false;
      boolean fieldStarted = false;
      boolean afterQuote = false;
      int quoteLine = line;
      boolean endOfRecord = false;
      while (pos < n && !endOfRecord) {
        char c = text.charAt(pos);
        if (quoted) {
          if (c == '"') {
            if (pos + 1 < n && text.charAt(pos + 1) == '"') {
              f.append('"');
              pos += 2;
              continue;
            }
            quoted = false;
            afterQuote = true;
            pos++;
            continue;
          }
          if (c == '\n' || c == '\r' && !lfFollows(text, pos)) {
            line++; // CRLF counts once, at the LF
          }
          f.append(c);
          pos++;
          continue;
        }
        switch (c) {
          case ',' -> {
            fields.add(f.toString());
            f.setLength(0);
            fieldStarted = false;
            afterQuote = false;
            pos++;
          }
          case '\r', '\n' -> {
            pos += c == '\r' && lfFollows(text, pos) ? 2 : 1;
            line++;
            endOfRecord = true;
          }
          case '"' -> {
            if (fieldStarted || afterQuote) {
              throw new DatasetException(file + ":" + line + ": malformed CSV (quote inside an unquoted"
                  + " field; quote the whole field and double inner quotes)");
            }
            quoted = true;
            quoteLine = line;
            fieldStarted = true;
            pos++;
          }
          default -> {
            if (afterQuote) {
              throw new DatasetException(file + ":" + line + ": malformed CSV (text after a closing quote)");
            }
            f.append(c);
            fieldStarted = true;
            pos++;
          }
        }
      }
      if (quoted) {
        throw new DatasetException(file + ":" + quoteLine + ": malformed CSV (quoted field never closed)");
      }
      fields.add(f.toString());
      if (fields.size() == 1 && fields.get(0).isEmpty()) {
        continue; // blank line
      }
      records.add(new Row(start, fields));
    }
    if (records.isEmpty()) {
      throw new DatasetException(file + ": empty CSV (no header line)");
    }
    List<String> header = records.get(0).fields();
    List<Row> data = records.subList(1, records.size());
    for (Row r : data) {
      if (r.fields().size() != header.size()) {
        throw new DatasetException(file + ":" + r.line() + ": malformed CSV (expected " + header.size()
            + " fields as in the header, found " + r.fields().size() + ")");
      }
    }
    return new Csv(file, List.copyOf(header), List.copyOf(data));
  }

  private static boolean lfFollows(String text, int pos) {
    return pos + 1 < text.length() && text.charAt(pos + 1) == '\n';
  }

  public Path file() {
    return file;
  }

  public List<String> header() {
    return header;
  }

  public List<Row> rows() {
    return rows;
  }

  public boolean has(String column) {
    return columns.containsKey(column);
  }

  /** The index of a column, or an error naming the file and the columns it does have. */
  public int column(String name) {
    Integer i = columns.get(name);
    if (i == null) {
      throw new DatasetException(file + ":1: missing column '" + name + "' (columns: " + String.join(", ", header)
          + ")");
    }
    return i;
  }
}
