package org.scribe3d.kernel;

import java.util.UUID;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * The functions a cell sees at top level ({@code import static org.scribe3d.kernel.Display.*} runs
 * when the kernel starts). Same names and signatures as IJava's runtime, so notebooks written
 * against either kernel run on both. Callable from any thread while a cell runs: the output goes
 * to the cell that is executing.
 */
public final class Display {
  private static volatile Scribe3DKernel kernel;

  private Display() {}

  static void attach(Scribe3DKernel k) {
    kernel = k;
  }

  private static Scribe3DKernel kernel() {
    Scribe3DKernel k = kernel;
    if (k == null) {
      throw new IllegalStateException("display() works only inside the Scribe3D Jupyter kernel");
    }
    return k;
  }

  /** Shows {@code o} in the cell's output with its richest form (PNG, HTML table, Plotly plot). */
  public static String display(Object o) {
    return publish(kernel().toDisplayData(o));
  }

  /** Shows {@code o} using only the given MIME types (e.g. "image/png"). */
  public static String display(Object o, String... mimeTypes) {
    return publish(kernel().toDisplayData(o, mimeTypes));
  }

  /** Replaces an earlier output in place, identified by the id {@code display} returned. */
  public static void updateDisplay(String id, Object o) {
    kernel().update(id, withId(kernel().toDisplayData(o), id));
  }

  public static void updateDisplay(String id, Object o, String... mimeTypes) {
    kernel().update(id, withId(kernel().toDisplayData(o, mimeTypes), id));
  }

  /** The display bundle {@code o} would produce, without showing it. */
  public static DisplayData render(Object o) {
    return kernel().toDisplayData(o);
  }

  public static DisplayData render(Object o, String... mimeTypes) {
    return kernel().toDisplayData(o, mimeTypes);
  }

  /** Shows a bundle under its own display id, or a new one; the caller's object is left as it was. */
  private static String publish(DisplayData data) {
    String id = data.getDisplayId() != null ? data.getDisplayId() : UUID.randomUUID().toString();
    kernel().show(withId(data, id));
    return id;
  }

  /**
   * A copy of {@code d} carrying display id {@code id}. The copy gets its own transient map first:
   * DisplayData's copy constructor and assign() share the original's, and one bundle shown twice
   * (or a value rendered to the same cached bundle) would otherwise end up with one id for both.
   */
  private static DisplayData withId(DisplayData d, String id) {
    DisplayData c = new DisplayData();
    c.setDisplayId(id);
    c.assign(d);
    c.setDisplayId(id);
    return c;
  }
}
