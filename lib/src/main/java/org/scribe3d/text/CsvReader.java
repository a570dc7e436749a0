package org.scribe3d.text;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 CSV reader: comma-separated fields, fields in double quotes may hold commas,
 * quotes (doubled) and line breaks; CRLF, LF or CR end a record; a UTF-8 byte-order mark is skipped.
 * Malformed input (an unterminated quote, text after a closing quote) is an error naming the source
 * and line.
 */
public final class CsvReader implements Closeable {
  private final Reader in;
  private final String name;
  private int line = 1;
  private int recordLine;
  private int pushback = -2;
  private boolean first = true;

  public CsvReader(Reader in, String name) {
    this.in = in;
    this.name = name;
  }

  /** The 1-based line on which the last record returned by {@link #next()} started. */
  public int recordLine() {
    return recordLine;
  }

  private int read() throws IOException {
    if (pushback != -2) {
      int c = pushback;
      pushback = -2;
      return c;
    }
    int c = in.read();
    if (first) {
      first = false;
      if (c == '\uFEFF') {
        c = in.read();
      }
    }
    return c;
  }

  /** The next record's fields, or null at the end of input. */
  public List<String> next() throws IOException {
    int c = read();
    if (c == -1) {
      return null;
    }
    recordLine = line;
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    while (true) {
      if (c == '"' && f.length() == 0) {
        int startLine = line;
        while (true) {
          c = read();
          if (c == -1) {
            throw new IllegalArgumentException(name + ":" + startLine + ": unterminated quoted field");
          }
          if (c == '"') {
            int d = read();
            if (d == '"') {
              f.append('"');
              continue;
            }
            c = d;
            break;
          }
          if (c == '\n' || c == '\r' && peekNotLf()) {
            line++;
          }
          f.append((char) c);
        }
        if (c != ',' && c != '\n' && c != '\r' && c != -1) {
          throw new IllegalArgumentException(name + ":" + line + ": unexpected character '" + (char) c
              + "' after a closing quote (quotes inside a field must be doubled)");
        }
      } else {
        while (c != ',' && c != '\n' && c != '\r' && c != -1) {
          f.append((char) c);
          c = read();
        }
      }
      fields.add(f.toString());
      f.setLength(0);
      if (c == ',') {
        c = read();
        continue;
      }
      if (c == '\r') {
        int d = read();
        if (d != '\n') {
          pushback = d;
        }
      }
      if (c != -1) {
        line++;
      }
      return fields;
    }
  }

  /** Inside quotes a CR counts as a line end only when no LF follows (CRLF counts once, at the LF). */
  private boolean peekNotLf() throws IOException {
    int d = in.read();
    pushback = d;
    return d != '\n';
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
