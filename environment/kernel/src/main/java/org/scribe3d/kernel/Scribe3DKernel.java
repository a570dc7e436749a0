package org.scribe3d.kernel;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.util.PathsHandler;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.kernel.util.TextColor;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
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
 * The Scribe3D Java kernel: JShell (in-process) behind JJava's Jupyter protocol library, with rich
 * display through {@link RichOutput}, IJava's display API and {@code %jars} / {@code %classpath}
 * magics, {@code %maven} (Maven's resolver) and {@code %load}.
 */
public final class Scribe3DKernel extends BaseKernel {
  /** Same default imports as IJava, so a notebook that leans on them runs on both kernels. */
  static final String STARTUP = String.join("\n",
      "import java.util.*;", "import java.io.*;", "import java.math.*;", "import java.net.*;",
      "import java.util.concurrent.*;", "import java.util.prefs.*;", "import java.util.regex.*;",
      "import static org.scribe3d.kernel.Display.*;");

  static final List<String> MAGICS = List.of("%jars", "%classpath", "%maven", "%load", "%lsmagic", "%%time");

  /** %load inside %load is allowed, a file that loads itself is not: this bounds the nesting. */
  private static final int MAX_LOAD_DEPTH = 16;

  private final JShellEvaluator evaluator;
  private final RichOutput rich;
  private final KernelIO kernelIO;
  private final Outputs outputs;
  private final MavenResolver maven;
  private volatile java.util.concurrent.Future<?> runningMagic;
  private int loadDepth;
  private boolean started;

  public Scribe3DKernel(List<String> classpath, RichOutput.PlotlyEmbed embed) {
    this(classpath, embed, new KernelIO());
  }

  private Scribe3DKernel(List<String> classpath, RichOutput.PlotlyEmbed embed, KernelIO io) {
    super("scribe3d-java", version(), languageInfo(),
        List.of(new HelpLink("Java tutorial", "https://docs.oracle.com/javase/tutorial/java/nutsandbolts/index.html")),
        null, io, new CommManager(), new Renderer(), null, null, false, errorStyler());
    this.kernelIO = io;
    this.outputs = new Outputs(io);
    this.evaluator = new JShellEvaluator(classpath);
    this.rich = new RichOutput(embed);
    this.maven = new MavenResolver(MavenResolver.defaultSettings(), 15_000, 60_000);
    Display.attach(this);
  }

  private static String version() {
    Package p = Scribe3DKernel.class.getPackage();
    return p.getImplementationVersion() != null ? p.getImplementationVersion() : "0.1.0";
  }

  private static LanguageInfo languageInfo() {
    return new LanguageInfo("Java", Runtime.version().toString(), "text/x-java-source", ".jshell", "java",
        "text/x-java", null);
  }

  private static StringStyler errorStyler() {
    return new StringStyler.Builder()
        .addPrimaryStyle(TextColor.BOLD_RESET_FG)
        .addSecondaryStyle(TextColor.BOLD_RED_FG)
        .addHighlightStyle(TextColor.BOLD_RESET_FG)
        .addHighlightStyle(TextColor.RED_BG)
        .build();
  }

  @Override
  public String getBanner() {
    return "Java " + Runtime.version() + " :: Scribe3D kernel (JShell, in-process)";
  }

  /**
   * Registers this kernel on a connection and installs the library's live-output sink, so code
   * running in a cell (a training monitor) can show one output and update it in place.
   */
  public void attach(JupyterConnection connection) {
    becomeHandlerForConnection(connection);
    onStartup();
    org.scribe3d.notebook.LiveDisplay.install(new org.scribe3d.notebook.LiveDisplay.Sink() {
      @Override
      public String show(Object value) {
        return Display.display(value);
      }

      @Override
      public void update(String displayId, Object value) {
        Display.updateDisplay(displayId, value);
      }
    });
  }

  /**
   * JJava's execute handler, rewritten so an error reaches Jupyter under the user's exception
   * class name (ename "java.lang.ArithmeticException", not the carrier's simple name) and with the
   * traceback this kernel formats. Stream capture is as in JJava; displays go through
   * {@link Outputs} so other threads can publish to this cell too.
   */
  @Override
  protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
    commManager.setMessageContext(message);
    ExecuteRequest request = message.getContent();
    int count = executionCount.getAndIncrement();
    env.setBusyDeferIdle();
    env.publish(new PublishExecuteInput(request.getCode(), count));

    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    InputStream oldIn = System.in;
    System.setOut(kernelIO.out);
    System.setErr(kernelIO.err);
    System.setIn(kernelIO.in);
    kernelIO.attach(env, request.isStdinEnabled());
    outputs.begin(env);
    env.defer(() -> {
      System.setOut(oldOut);
      System.setErr(oldErr);
      System.setIn(oldIn);
      outputs.end(env);
      kernelIO.detach(env);
    });
    try {
      Object value = run(request.getCode(), "In [" + count + "]");
      kernelIO.out.flush();
      kernelIO.err.flush();
      if (value != null) {
        env.publish(new PublishExecuteResult(count, toDisplayData(value)));
      }
      env.defer().reply(new ExecuteReply(count, Collections.emptyMap()));
    } catch (CellError e) {
      kernelIO.out.flush();
      kernelIO.err.flush();
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

  /** Shows a display bundle in the running cell (IJava's {@code display}); returns its id. */
  @Override
  public void display(DisplayData data) {
    outputs.show(data);
  }

  String show(DisplayData data) {
    return outputs.show(data);
  }

  void update(String id, DisplayData data) {
    outputs.update(id, data);
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

  /** Runs code the way a cell would (JJava's notebook statics call this). */
  @Override
  public Object evalRaw(String expr) {
    try {
      return run(expr, "eval");
    } catch (CellError e) {
      throw new IllegalStateException(e.ename() + ": " + e.evalue());
    }
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
      case "maven":
        return mavenMagic(part, cell);
      case "load":
        return loadMagic(part, cell, args);
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
        matches.addAll(PathsHandler.resolveGlobs(arg));
      } catch (RuntimeException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
          throw magicError(part, cell, name + ": cannot read '" + arg + "': " + e.getMessage());
        } // else reported below as "nothing matches"
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

  /**
   * %maven g:a:v[,g:a:v...]: resolves with Maven's resolver into the local repository and adds the
   * jars. Runs on its own thread so an interrupt request (or the resolver's own timeouts) ends it.
   */
  private Object mavenMagic(CellSource.Part part, String cell) throws CellError {
    List<String> coords = new ArrayList<>();
    for (String a : CellSource.splitArgs(part.args().replace(',', ' '))) {
      if (!a.isBlank()) {
        coords.add(a);
      }
    }
    if (coords.isEmpty()) {
      throw magicError(part, cell, "%maven needs coordinates, e.g. %maven org.apache.commons:commons-text:1.12.0");
    }
    java.util.concurrent.FutureTask<List<File>> task = new java.util.concurrent.FutureTask<>(() -> maven.resolve(coords));
    Thread t = new Thread(task, "scribe3d-maven");
    t.setDaemon(true);
    runningMagic = task;
    t.start();
    List<File> files;
    try {
      files = task.get(3, java.util.concurrent.TimeUnit.MINUTES);
    } catch (java.util.concurrent.CancellationException | InterruptedException e) {
      throw new CellError("KeyboardInterrupt", "the cell was interrupted", List.of("the cell was interrupted"));
    } catch (java.util.concurrent.TimeoutException e) {
      task.cancel(true);
      throw magicError(part, cell, "%maven: gave up after 3 minutes resolving " + String.join(", ", coords));
    } catch (java.util.concurrent.ExecutionException e) {
      String why = e.getCause() instanceof MavenResolver.Failure f ? f.getMessage() : MavenResolver.oneLine(e.getCause());
      throw magicError(part, cell, "%maven: cannot resolve " + String.join(", ", coords) + ": " + why);
    } finally {
      runningMagic = null;
    }
    for (File f : files) {
      evaluator.addToClasspath(f.getAbsolutePath());
    }
    System.err.println("%maven: added " + files.size() + " jar" + (files.size() == 1 ? "" : "s") + " to the classpath");
    return null;
  }

  /** %load FILE: runs a .jsh / .java file as a cell would (magics included), errors naming its lines. */
  private Object loadMagic(CellSource.Part part, String cell, List<String> args) throws CellError {
    if (args.size() != 1) {
      throw magicError(part, cell, "%load takes one file (a .jsh or .java script)");
    }
    Path file = Path.of(args.get(0));
    if (!Files.isRegularFile(file)) {
      throw magicError(part, cell, "%load: no such file '" + args.get(0) + "' (working directory "
          + Path.of("").toAbsolutePath() + ")");
    }
    if (loadDepth >= MAX_LOAD_DEPTH) {
      throw magicError(part, cell, "%load: files load each other more than " + MAX_LOAD_DEPTH + " deep");
    }
    String code;
    try {
      code = Files.readString(file);
    } catch (IOException e) {
      throw magicError(part, cell, "%load: cannot read '" + file + "': " + e.getMessage());
    }
    loadDepth++;
    try {
      run(code, file.getFileName().toString());
    } finally {
      loadDepth--;
    }
    return null;
  }

  private static CellError magicError(CellSource.Part part, String cell, String msg) {
    return new CellError("MagicError", msg, List.of(cell + " line " + part.line() + ": " + msg));
  }

  /** The display bundle of any value: Scribe3D's rich forms first, then JJava's renderer. */
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
    if (!data.hasDataForType(MIMEType.TEXT_PLAIN)) {
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
    java.util.concurrent.Future<?> magic = runningMagic;
    if (magic != null) {
      magic.cancel(true);
    }
    evaluator.interrupt();
  }

  @Override
  public void onShutdown(boolean isRestarting) {
    org.scribe3d.notebook.LiveDisplay.install(null);
    super.onShutdown(isRestarting);
    evaluator.close();
  }
}
