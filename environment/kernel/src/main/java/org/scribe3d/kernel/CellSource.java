package org.scribe3d.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * A cell split into what JShell runs and what the kernel runs itself: a leading cell magic
 * ({@code %%time}) and line magics ({@code %jars ...}) on lines of their own, kept in cell order
 * with their line numbers so errors point at the right line.
 */
record CellSource(String cellMagic, List<Part> parts) {

  /** Java code starting at 1-based {@code line}, or one line magic (name + raw argument text). */
  record Part(int line, String code, String magic, String args) {
    boolean isMagic() {
      return magic != null;
    }
  }

  static CellSource parse(String cell) {
    String[] lines = cell.split("\n", -1);
    String cellMagic = null;
    int from = 0;
    if (lines.length > 0 && lines[0].stripLeading().startsWith("%%")) {
      cellMagic = lines[0].strip().substring(2).split("\\s+", 2)[0];
      from = 1;
    }
    List<Part> parts = new ArrayList<>();
    StringBuilder code = new StringBuilder();
    int codeStart = from + 1;
    for (int i = from; i < lines.length; i++) {
      String t = lines[i].strip();
      if (t.startsWith("%") && !t.startsWith("%%") && t.length() > 1 && Character.isLetter(t.charAt(1))) {
        if (!code.toString().isBlank()) {
          parts.add(new Part(codeStart, code.toString(), null, null));
        }
        code.setLength(0);
        String[] nameArgs = t.substring(1).split("\\s+", 2);
        parts.add(new Part(i + 1, null, nameArgs[0], nameArgs.length > 1 ? nameArgs[1] : ""));
        codeStart = i + 2;
      } else {
        if (code.length() == 0) {
          codeStart = i + 1;
        }
        code.append(lines[i]).append('\n');
      }
    }
    if (!code.toString().isBlank()) {
      parts.add(new Part(codeStart, code.toString(), null, null));
    }
    return new CellSource(cellMagic, parts);
  }

  /** Splits magic arguments on blanks; "double" or 'single' quotes keep blanks inside one argument. */
  static List<String> splitArgs(String args) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    boolean any = false;
    for (char ch : args.toCharArray()) {
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
        any = true;
      } else if (Character.isWhitespace(ch)) {
        if (any || cur.length() > 0) {
          out.add(cur.toString());
        }
        cur.setLength(0);
        any = false;
      } else {
        cur.append(ch);
      }
    }
    if (any || cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }
}
