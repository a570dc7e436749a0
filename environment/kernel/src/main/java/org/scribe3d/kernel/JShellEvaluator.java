package org.scribe3d.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Evaluates the Java code of a cell with JShell, one complete snippet at a time, and turns
 * JShell's failures into readable {@link CellError}s whose line numbers refer to the cell.
 */
final class JShellEvaluator implements AutoCloseable {
  /** A cell's snippets, remembered to translate stack frames ("#12", line 3) to cell lines. */
  private record Origin(String cell, int firstLine) {}

  /**
   * Calls whose value is a display id: echoing that id after the rich output is noise. A snippet's source
   * may start with the comment that ended the line before it, so leading comments are skipped.
   */
  private static final Pattern DISPLAY_CALL = Pattern.compile(
      "^(?:\\s|//[^\\n]*\\n|/\\*(?s:.*?)\\*/)*(display|updateDisplay)\\s*\\(");

  private final InProcessExecutionControl.Provider provider = new InProcessExecutionControl.Provider();
  private final JShell shell;
  private final Map<String, Origin> origins = new ConcurrentHashMap<>();

  JShellEvaluator(List<String> classpath) {
    this.shell = JShell.builder()
        .executionEngine(provider, Map.of())
        .out(System.out)
        .err(System.err)
        .build();
    for (String entry : classpath) {
      if (!entry.isBlank()) {
        shell.addToClasspath(entry);
      }
    }
  }

  JShell shell() {
    return shell;
  }

  void addToClasspath(String path) {
    shell.addToClasspath(path);
  }

  void interrupt() {
    provider.control().interrupt();
  }

  /**
   * Evaluates {@code code}, a part of cell {@code cell} starting at its line {@code firstLine}
   * (1-based), and returns the value of its last snippet when that is an expression, else null.
   */
  Object eval(String code, String cell, int firstLine) throws CellError {
    SourceCodeAnalysis sca = shell.sourceCodeAnalysis();
    String rest = code;
    Object last = null;
    while (true) {
      SourceCodeAnalysis.CompletionInfo info = sca.analyzeCompletion(rest);
      SourceCodeAnalysis.Completeness c = info.completeness();
      int consumed = code.length() - rest.length();
      if (c == SourceCodeAnalysis.Completeness.EMPTY) {
        return last;
      }
      if (c == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE) {
        int line = firstLine + lineIndex(code, consumed + leadingBlank(rest));
        throw new CellError("IncompleteInput",
            "incomplete code from " + cell + " line " + line + " (an unclosed bracket, string or comment?)",
            List.of(cell + " line " + line + ": incomplete code: an unclosed bracket, string or comment?",
                "    " + firstNonBlankLine(rest)));
      }
      String source;
      String remaining;
      if (c.isComplete()) {
        source = info.source();
        remaining = info.remaining();
      } else {
        // UNKNOWN / CONSIDERED_INCOMPLETE: hand the rest to the compiler so it names the error
        source = rest;
        remaining = "";
      }
      int start = consumed + startOf(rest, source);
      last = evalSnippet(source, cell, firstLine + lineIndex(code, start));
      rest = remaining;
    }
  }

  private Object evalSnippet(String source, String cell, int line) throws CellError {
    List<SnippetEvent> events = shell.eval(source);
    Object value = null;
    // take every stored value first so nothing leaks when a later check throws
    for (SnippetEvent e : events) {
      if (e.value() == null || !e.snippet().subKind().isExecutable() || e.causeSnippet() != null) {
        continue;
      }
      Object v = provider.control().takeResult(e.value());
      switch (e.snippet().subKind()) {
        case VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND ->
            value = DISPLAY_CALL.matcher(e.snippet().source()).find() ? null : v;
        default -> value = null;
      }
    }
    provider.control().clearResults();
    for (SnippetEvent e : events) {
      if (e.causeSnippet() != null) {
        continue;
      }
      origins.put(e.snippet().id(), new Origin(cell, line));
      JShellException ex = e.exception();
      if (ex != null) {
        throw runtimeError(ex, e.snippet());
      }
      if (!e.status().isDefined()) {
        throw compileError(e.snippet(), cell, line);
      }
      if (e.status() == Snippet.Status.RECOVERABLE_DEFINED && e.snippet() instanceof DeclarationSnippet d) {
        String missing = shell.unresolvedDependencies(d).collect(Collectors.joining(", "));
        if (!missing.isEmpty()) {
          System.err.println("note: " + cell + " line " + line + " declares something that can be used"
              + " only once these are defined: " + missing);
        }
      }
    }
    return value;
  }

  private CellError compileError(Snippet snippet, String cell, int line) {
    List<String> tb = new ArrayList<>();
    String firstMessage = null;
    String src = snippet.source();
    for (Diag d : shell.diagnostics(snippet).collect(Collectors.toList())) {
      if (!d.isError()) {
        continue;
      }
      String msg = d.getMessage(null).lines()
          .filter(l -> !l.trim().startsWith("location:"))
          .collect(Collectors.joining(" ")).trim();
      if (firstMessage == null) {
        firstMessage = msg;
      }
      long pos = d.getPosition() >= 0 ? d.getPosition() : d.getStartPosition();
      if (pos >= 0 && pos <= src.length()) {
        int p = (int) pos;
        // JShell keeps the newlines before a snippet in its source; `line` is where its text starts
        int errLine = line + lineIndex(src, p) - lineIndex(src, leadingBlank(src));
        int lineStart = src.lastIndexOf('\n', p - 1) + 1;
        int lineEnd = src.indexOf('\n', p);
        if (lineEnd < 0) {
          lineEnd = src.length();
        }
        long end = Math.max(d.getEndPosition(), pos + 1);
        int caretLen = (int) Math.max(1, Math.min(end, lineEnd) - pos);
        tb.add(cell + " line " + errLine + ": " + msg);
        tb.add("    " + src.substring(lineStart, lineEnd));
        tb.add("    " + " ".repeat(p - lineStart) + "^".repeat(caretLen));
      } else {
        tb.add(cell + " line " + line + ": " + msg);
        src.lines().forEach(l -> tb.add("    " + l));
      }
    }
    if (firstMessage == null) {
      // rejected without an error diagnostic, e.g. a declaration that depends on something missing
      String missing = snippet instanceof DeclarationSnippet d
          ? shell.unresolvedDependencies(d).collect(Collectors.joining(", ")) : "";
      firstMessage = missing.isEmpty() ? "the snippet was rejected (" + shell.status(snippet) + ")"
          : "cannot be defined until these are: " + missing;
      tb.add(cell + " line " + line + ": " + firstMessage);
      src.lines().forEach(l -> tb.add("    " + l));
    }
    return new CellError("CompilationError", firstMessage, tb);
  }

  private CellError runtimeError(JShellException ex, Snippet snippet) {
    provider.control().takeLastFailure();
    if (ex instanceof UnresolvedReferenceException u) {
      String missing = shell.unresolvedDependencies(u.getSnippet()).collect(Collectors.joining(", "));
      String msg = "'" + name(u.getSnippet()) + "' cannot run until these are defined: " + missing;
      return new CellError("UnresolvedReference", msg, List.of(msg));
    }
    if (ex instanceof EvalException ee && InProcessExecutionControl.INTERRUPTED.equals(ee.getExceptionClassName())) {
      return new CellError("KeyboardInterrupt", "the cell was interrupted", List.of("the cell was interrupted"));
    }
    // JShell has already mapped the frames to snippets ("#12", line within the snippet) and cut
    // the ones below the cell; its EvalExceptions carry the user's class names and causes
    List<String> tb = new ArrayList<>();
    Throwable t = ex;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      String cls = t instanceof EvalException e ? e.getExceptionClassName() : t.getClass().getName();
      String msg = t.getMessage();
      tb.add((depth == 0 ? "" : "Caused by: ") + cls + (msg == null || msg.equals("null") ? "" : ": " + msg));
      StackTraceElement[] frames = t.getStackTrace();
      int shown = Math.min(frames.length, 30);
      for (int i = 0; i < shown; i++) {
        tb.add("    at " + frame(frames[i]));
      }
      if (shown < frames.length) {
        tb.add("    ... " + (frames.length - shown) + " more");
      }
    }
    String cls = ex instanceof EvalException e ? e.getExceptionClassName() : ex.getClass().getName();
    return new CellError(cls, String.valueOf(ex.getMessage()), tb);
  }

  private String frame(StackTraceElement f) {
    String file = f.getFileName();
    if (file == null || !file.startsWith("#")) {
      return f.toString();
    }
    String cls = f.getClassName().replaceFirst("^REPL\\.\\$JShell\\$\\d+\\$?", "").replace('$', '.');
    String method = f.getMethodName();
    String what = method.isEmpty() || method.equals("do_it$") ? "cell code"
        : (cls.isEmpty() ? method : cls + "." + method);
    Origin o = origins.get(file.substring(1));
    if (o != null && f.getLineNumber() > 0) {
      return what + " (" + o.cell() + " line " + (o.firstLine() + f.getLineNumber() - 1) + ")";
    }
    return what + " (snippet " + file + ")";
  }

  private static String name(DeclarationSnippet s) {
    return s.name();
  }

  /** Where {@code source} (JShell may have added a ';') begins inside {@code rest}. */
  private static int startOf(String rest, String source) {
    String probe = source.strip();
    int nl = probe.indexOf('\n');
    if (nl > 0) {
      probe = probe.substring(0, nl);
    }
    probe = probe.substring(0, Math.min(probe.length(), 40));
    int i = probe.isEmpty() ? -1 : rest.indexOf(probe);
    return i >= 0 ? i : leadingBlank(rest);
  }

  private static int leadingBlank(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** 0-based line of character {@code pos}. */
  static int lineIndex(String s, int pos) {
    int n = 0;
    for (int i = 0; i < Math.min(pos, s.length()); i++) {
      if (s.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  private static String firstNonBlankLine(String s) {
    return s.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
  }

  @Override
  public void close() {
    shell.close();
  }
}
