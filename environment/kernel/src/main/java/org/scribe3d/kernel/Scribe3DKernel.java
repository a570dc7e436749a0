package org.scribe3d.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelIOAccess;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.util.GlobFinder;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.publish.PublishError;
import io.github.spencerpark.jupyter.messages.publish.PublishExecuteInput;
import io.github.spencerpark.jupyter.messages.publish.PublishExecuteResult;
import io.github.spencerpark.jupyter.messages.reply.ErrorReply;
import io.github.spencerpark.jupyter.messages.reply.ExecuteReply;
import io.github.spencerpark.jupyter.messages.request.ExecuteRequest;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jshell.SourceCodeAnalysis;
import org.scribe3d.notebook.RichOutput;

/**
 * The Scribe3D Java kernel: JShell (in-process) behind basekernel's Jupyter protocol, with rich
 * display through {@link RichOutput} and IJava's {@code %jars} / {@code %classpath} magics.
 */
public final class Scribe3DKernel extends BaseKernel {
  /** Same default imports as IJava, so a notebook that leans on them runs on both kernels. */
  static final String STARTUP = String.join("\n",
      "import java.util.*;", "import java.io.*;", "import java.math.*;", "import java.net.*;",
      "import java.util.concurrent.*;", "import java.util.prefs.*;", "import java.util.regex.*;",
      "import static org.scribe3d.kernel.Display.*;");

  static final List<String> MAGICS = List.of("%jars", "%classpath", "%lsmagic", "%%time");

  private final JShellEvaluator evaluator;
  private final RichOutput rich;
  private final LanguageInfo languageInfo;
  private boolean started;

  public Scribe3DKernel(List<String> classpath, RichOutput.PlotlyEmbed embed) {
    this.evaluator = new JShellEvaluator(classpath);
    this.rich = new RichOutput(embed);
    this.languageInfo = new LanguageInfo.Builder("Java")
        .version(Runtime.version().toString())
        .mimetype("text/x-java-source")
        .fileExtension(".jshell")
        .pygments("java")
        .codemirror("text/x-java")
        .build();
    Display.attach(this);
  }

  @Override
  public LanguageInfo getLanguageInfo() {
    return languageInfo;
  }

  @Override
  public String getBanner() {
    return "Java " + Runtime.version() + " :: Scribe3D kernel (JShell, in-process)";
  }

  @Override
  public List<LanguageInfo.Help> getHelpLinks() {
    return List.of(new LanguageInfo.Help("Java tutorial",
        "https://docs.oracle.com/javase/tutorial/java/nutsandbolts/index.html"));
  }

  /** Registers this kernel on a connection; replaces basekernel's execute handler (see below). */
  public void attach(JupyterConnection connection) {
    becomeHandlerForConnection(connection);
    connection.setHandler(MessageType.EXECUTE_REQUEST, this::handleExecute);
  }

  /**
   * basekernel's own handler, rewritten so an error reaches Jupyter under the user's exception
   * class name (ename "java.lang.ArithmeticException", not the carrier's simple name) and with the
   * traceback this kernel formats. Stream capture and display routing are as in basekernel.
   */
  private synchronized void handleExecute(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
    commManager.setMessageContext(message);
    ExecuteRequest request = message.getContent();
    int count = executionCount.getAndIncrement();
    env.setBusyDeferIdle();
    env.publish(new PublishExecuteInput(request.getCode(), count));

    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    InputStream oldIn = System.in;
    System.setOut(getIO().out);
    System.setErr(getIO().err);
    System.setIn(getIO().in);
    KernelIOAccess.attach(getIO(), env, request.isStdinEnabled());
    env.defer(() -> {
      System.setOut(oldOut);
      System.setErr(oldErr);
      System.setIn(oldIn);
      KernelIOAccess.detach(getIO(), env);
    });
    try {
      Object value = run(request.getCode(), "In [" + count + "]");
      getIO().out.flush();
      getIO().err.flush();
      if (value != null) {
        env.publish(new PublishExecuteResult(count, toDisplayData(value)));
      }
      env.defer().reply(new ExecuteReply(count, Collections.emptyMap()));
    } catch (CellError e) {
      getIO().out.flush();
      getIO().err.flush();
      env.publish(new PublishError(e.ename(), e.evalue(), e.traceback()));
      ErrorReply reply = new ErrorReply(e.ename(), e.evalue(), e.traceback());
      reply.setExecutionCount(count);
      env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
    } catch (RuntimeException e) {
      // a fault of the kernel itself (not of the cell): report it whole
      List<String> tb = formatError(e);
      env.publish(new PublishError(e.getClass().getName(), String.valueOf(e.getMessage()), tb));
      ErrorReply reply = ErrorReply.of(e);
      reply.setExecutionCount(count);
      env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
    }
  }

  /** Runs one cell: magics in order with the Java code between them; returns the last value. */
  Object run(String code, String cell) throws CellError {
    if (!started) {
      started = true;
      evaluator.eval(STARTUP, "startup", 1);
    }
    CellSource src = CellSource.parse(code);
    if (src.cellMagic() != null && !src.cellMagic().equals("time")) {
      throw new CellError("MagicError", "unknown cell magic %%" + src.cellMagic(),
          List.of(cell + " line 1: unknown cell magic %%" + src.cellMagic() + " (this kernel has: "
              + String.join(", ", MAGICS) + ")"));
    }
    long t0 = System.nanoTime();
    Object last = null;
    try {
      for (CellSource.Part part : src.parts()) {
        last = part.isMagic() ? lineMagic(part, cell) : evaluator.eval(part.code(), cell, part.line());
      }
    } finally {
      if ("time".equals(src.cellMagic())) {
        System.out.printf("Wall time: %.3f s%n", (System.nanoTime() - t0) / 1e9);
      }
    }
    return last;
  }

  /** Runs code the way a cell would; used by %load-style callers and tests. */
  @Override
  public DisplayData eval(String expr) throws Exception {
    Object v = run(expr, "eval");
    return v == null ? null : toDisplayData(v);
  }

  private Object lineMagic(CellSource.Part part, String cell) throws CellError {
    List<String> args = CellSource.splitArgs(part.args());
    switch (part.magic()) {
      case "jars":
        return addPaths(part, cell, args, true);
      case "classpath":
        List<String> split = new ArrayList<>();
        args.forEach(a -> split.addAll(List.of(a.split(File.pathSeparator))));
        return addPaths(part, cell, split, false);
      case "lsmagic":
        System.out.println("Available magics: " + String.join("  ", MAGICS));
        return null;
      default:
        throw magicError(part, cell, "unknown line magic %" + part.magic() + " (this kernel has: "
            + String.join(", ", MAGICS) + ")");
    }
  }

  /** %jars (files only) and %classpath (jars or class directories); globs as in IJava. */
  private Object addPaths(CellSource.Part part, String cell, List<String> args, boolean jarsOnly) throws CellError {
    String name = jarsOnly ? "%jars" : "%classpath";
    if (args.isEmpty()) {
      throw magicError(part, cell, name + " needs at least one path or glob");
    }
    Set<String> added = new LinkedHashSet<>();
    for (String arg : args) {
      if (arg.isBlank()) {
        continue;
      }
      List<Path> matches = new ArrayList<>();
      try {
        GlobFinder finder = new GlobFinder(arg);
        (jarsOnly ? finder.computeMatchingFiles() : finder.computeMatchingPaths()).forEach(matches::add);
      } catch (java.nio.file.NoSuchFileException e) {
        matches.clear(); // reported below as "nothing matches"
      } catch (IOException | RuntimeException e) {
        throw magicError(part, cell, name + ": cannot read '" + arg + "': " + e.getMessage());
      }
      if (matches.isEmpty()) {
        throw magicError(part, cell, name + ": nothing matches '" + arg + "' (working directory "
            + Path.of("").toAbsolutePath() + ")");
      }
      for (Path p : matches) {
        if (jarsOnly && !Files.isRegularFile(p)) {
          continue;
        }
        String abs = p.toAbsolutePath().normalize().toString();
        if (added.add(abs)) {
          evaluator.addToClasspath(abs);
        }
      }
    }
    System.err.println(name + ": added " + added.size() + " entr" + (added.size() == 1 ? "y" : "ies")
        + " to the classpath");
    return null;
  }

  private static CellError magicError(CellSource.Part part, String cell, String msg) {
    return new CellError("MagicError", msg, List.of(cell + " line " + part.line() + ": " + msg));
  }

  /** The display bundle of any value: Scribe3D's rich forms first, then basekernel's defaults. */
  DisplayData toDisplayData(Object value) {
    if (value instanceof DisplayData d) {
      return d;
    }
    Map<String, Object> bundle = value == null ? Map.of() : rich.bundle(value);
    if (bundle.isEmpty()) {
      return value == null ? new DisplayData("null") : getRenderer().render(value);
    }
    DisplayData data = new DisplayData();
    bundle.forEach(data::putData);
    if (!data.hasDataForType(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN)) {
      data.putText(String.valueOf(value));
    }
    return data;
  }

  DisplayData toDisplayData(Object value, String... mimeTypes) {
    if (value == null) {
      return new DisplayData("null");
    }
    Map<String, Object> bundle = new LinkedHashMap<>(rich.bundle(value));
    if (bundle.isEmpty()) {
      return getRenderer().renderAs(value, mimeTypes);
    }
    Set<String> wanted = Set.of(mimeTypes);
    DisplayData data = new DisplayData();
    bundle.forEach((k, v) -> {
      if (wanted.contains(k)) {
        data.putData(k, v);
      }
    });
    data.putText(String.valueOf(bundle.getOrDefault("text/plain", String.valueOf(value))));
    return data;
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    int[] anchor = new int[1];
    List<SourceCodeAnalysis.Suggestion> suggestions =
        evaluator.shell().sourceCodeAnalysis().completionSuggestions(code, at, anchor);
    if (suggestions == null || suggestions.isEmpty()) {
      return null;
    }
    List<String> options = suggestions.stream()
        .sorted((a, b) -> Boolean.compare(b.matchesType(), a.matchesType()))
        .map(SourceCodeAnalysis.Suggestion::continuation)
        .distinct()
        .collect(Collectors.toList());
    return new ReplacementOptions(options, anchor[0], at);
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) {
    // move to the end of the identifier under the cursor, and into a following '(' for methods
    int pos = Math.min(at, code.length());
    while (pos < code.length() && Character.isJavaIdentifierPart(code.charAt(pos))) {
      pos++;
    }
    int p = pos;
    while (p < code.length() && Character.isWhitespace(code.charAt(p))) {
      p++;
    }
    if (p < code.length() && code.charAt(p) == '(') {
      pos = p + 1;
    }
    SourceCodeAnalysis sca = evaluator.shell().sourceCodeAnalysis();
    List<SourceCodeAnalysis.Documentation> docs = sca.documentation(code, pos, true);
    if ((docs == null || docs.isEmpty()) && pos > 0 && Character.isJavaIdentifierPart(code.charAt(pos - 1))) {
      // JShell documents a method only as a call: retry "Math.max" as "Math.max("
      docs = sca.documentation(code.substring(0, pos) + "(" + code.substring(pos), pos + 1, true);
    }
    if (docs == null || docs.isEmpty()) {
      return null;
    }
    String text = docs.stream()
        .map(d -> d.signature() + (d.javadoc() == null ? "" : "\n" + d.javadoc()))
        .collect(Collectors.joining("\n\n"));
    DisplayData out = new DisplayData(text);
    out.putHTML(docs.stream()
        .map(d -> "<code>" + RichOutput.escapeHtml(d.signature()) + "</code>"
            + (d.javadoc() == null ? "" : "<pre>" + RichOutput.escapeHtml(d.javadoc()) + "</pre>"))
        .collect(Collectors.joining("<br/>")));
    return out;
  }

  @Override
  public String isComplete(String code) {
    CellSource src = CellSource.parse(code);
    SourceCodeAnalysis sca = evaluator.shell().sourceCodeAnalysis();
    for (CellSource.Part part : src.parts()) {
      if (part.isMagic()) {
        continue;
      }
      SourceCodeAnalysis.CompletionInfo info = sca.analyzeCompletion(part.code());
      while (info.completeness().isComplete()) {
        info = sca.analyzeCompletion(info.remaining());
      }
      switch (info.completeness()) {
        case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE:
          return "    ";
        case UNKNOWN:
          return IS_COMPLETE_BAD;
        default:
          break;
      }
    }
    return IS_COMPLETE_YES;
  }

  @Override
  public void interrupt() {
    evaluator.interrupt();
  }

  @Override
  public void onShutdown(boolean isRestarting) {
    evaluator.close();
  }
}
