package org.scribe3d.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import jdk.jshell.spi.SPIResolutionException;

/**
 * Runs JShell snippets inside the kernel's own JVM.
 *
 * <p>Why in-process rather than JShell's default remote agent: a cell's value must reach the
 * kernel as the real object (a {@code BufferedImage}, a Tablesaw {@code Table}, a Plotly
 * {@code Figure}) so the kernel can render it, and {@code display(...)} called from a cell must
 * reach the kernel that publishes it. With a remote agent both would have to be serialised across
 * a socket and re-created, which Java objects in general do not support. The price is that a cell
 * which calls {@code System.exit} ends the kernel, as in IJava.
 *
 * <p>Each snippet runs on a worker thread (so an interrupt request can interrupt it, and so
 * the thread's context class loader is the snippet loader, which libraries added with
 * {@code %jars} need for ServiceLoader lookups). JShell only sees a string for a snippet's value,
 * so {@link #invoke} returns a key under which the object is kept until {@link #takeResult}; the
 * exception a snippet threw is likewise kept whole (class, message, cause chain, frames) for the
 * kernel's error report.
 */
final class InProcessExecutionControl extends DirectExecutionControl {
  /** Exception "class name" used when a snippet was interrupted (has a space: no real class). */
  static final String INTERRUPTED = "Execution interrupted";

  private static final Object NULL = new Object();

  // a pool, not one thread: a cell that ignores an interrupt keeps its thread, later cells get another
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "scribe3d-cell");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Object> results = new ConcurrentHashMap<>();
  private volatile Future<Object> running;
  private volatile Thread runningThread;
  private volatile java.util.concurrent.atomic.AtomicBoolean runningFinished;
  private volatile Throwable lastFailure;

  @Override
  protected String invoke(Method doitMethod) throws Exception {
    lastFailure = null;
    ClassLoader snippetLoader = doitMethod.getDeclaringClass().getClassLoader();
    java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
    Future<Object> task = executor.submit(() -> {
      runningThread = Thread.currentThread();
      runningFinished = finished;
      Thread.currentThread().setContextClassLoader(snippetLoader);
      try {
        return doitMethod.invoke(null);
      } finally {
        finished.set(true);
      }
    });
    running = task;
    Object value;
    try {
      value = task.get();
    } catch (CancellationException e) {
      throw new UserException("the cell was interrupted", INTERRUPTED, new StackTraceElement[0]);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvocationTargetException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof SPIResolutionException) {
        throw new ResolutionException(((SPIResolutionException) cause).id(), cause.getStackTrace());
      }
      lastFailure = cause;
      throw asUserException(cause, 0);
    } finally {
      running = null;
    }
    String key = UUID.randomUUID().toString();
    results.put(key, value == null ? NULL : value);
    return key;
  }

  /** The object a snippet evaluated to; every key JShell reports must be taken once. */
  Object takeResult(String key) {
    Object v = results.remove(key);
    return v == NULL ? null : v;
  }

  /** The exception and its causes as JShell's carriers, so JShell maps their frames to snippets. */
  private static UserException asUserException(Throwable t, int depth) {
    UserException ue = new UserException(String.valueOf(t.getMessage()), t.getClass().getName(), t.getStackTrace());
    if (t.getCause() != null && t.getCause() != t && depth < 8) {
      ue.initCause(asUserException(t.getCause(), depth + 1));
    }
    return ue;
  }

  /** Drops values JShell never asked for (it reads declared variables through varValue). */
  void clearResults() {
    results.clear();
  }

  /**
   * JShell asks for a declared variable's value as a string it never shows in a notebook; the
   * default renders whole arrays (millions of voxels), so answer with the type only.
   */
  @Override
  public String varValue(String className, String varName) {
    return "";
  }

  /** The exception the last snippet threw, or null. */
  Throwable takeLastFailure() {
    Throwable t = lastFailure;
    lastFailure = null;
    return t;
  }

  /**
   * Interrupts the running cell. Code that ignores interrupts (a busy loop) would keep burning a
   * core after the cell is reported interrupted, so after a grace second its thread is stopped
   * where the JVM still allows it (Thread.stop works up to Java 19).
   */
  @SuppressWarnings("removal")
  void interrupt() {
    Future<Object> f = running;
    Thread t = runningThread;
    java.util.concurrent.atomic.AtomicBoolean done = runningFinished;
    if (f == null) {
      return;
    }
    f.cancel(true);
    if (t == null || done == null) {
      return;
    }
    Thread reaper = new Thread(() -> {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      if (!done.get() && t.isAlive()) {
        try {
          t.stop();
        } catch (UnsupportedOperationException e) {
          System.err.println("warning: the interrupted cell ignores interrupts and keeps running in the background");
        }
      }
    }, "scribe3d-cell-reaper");
    reaper.setDaemon(true);
    reaper.start();
  }

  @Override
  public void stop() {
    interrupt();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    super.close();
  }

  /** Hands JShell the one control instance this kernel talks to. */
  static final class Provider implements ExecutionControlProvider {
    private final InProcessExecutionControl control = new InProcessExecutionControl();

    InProcessExecutionControl control() {
      return control;
    }

    @Override
    public String name() {
      return "scribe3d-in-process";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
      return control;
    }
  }
}
