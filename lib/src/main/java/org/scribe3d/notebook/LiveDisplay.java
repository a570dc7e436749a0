package org.scribe3d.notebook;

/**
 * Outputs that change in place while a cell runs (a training monitor, a progress bar). The Jupyter
 * kernel installs a {@link Sink} when it starts; library code shows a value once and then updates
 * that same output (Jupyter's {@code display_data} with a display id, then {@code update_display_data}),
 * so a cell keeps one output instead of appending a line per update. Outside a kernel (the CLI, a
 * plain JShell) there is no sink and showing is a no-op.
 */
public final class LiveDisplay {
  /** What the kernel provides: publish a value's display bundle, and replace an earlier one. */
  public interface Sink {
    /** Shows {@code value} in the running cell's output; returns its display id. */
    String show(Object value);

    /** Replaces the output with this display id by {@code value}'s display bundle. */
    void update(String displayId, Object value);
  }

  /** One output of the running cell; updating it replaces what it shows. */
  public static final class Handle {
    private final Sink sink;
    private final String id;

    private Handle(Sink sink, String id) {
      this.sink = sink;
      this.id = id;
    }

    public void update(Object value) {
      if (sink != null) {
        sink.update(id, value);
      }
    }

    /** The display id, or null outside a kernel. */
    public String id() {
      return id;
    }
  }

  private static volatile Sink sink;

  private LiveDisplay() {}

  /** Called by the kernel at start-up; null removes the sink. */
  public static void install(Sink s) {
    sink = s;
  }

  /** Whether outputs go to a notebook (a kernel installed its sink). */
  public static boolean active() {
    return sink != null;
  }

  /** Shows {@code value} now and returns the handle that updates it. */
  public static Handle show(Object value) {
    Sink s = sink;
    return new Handle(s, s == null ? null : s.show(value));
  }
}
