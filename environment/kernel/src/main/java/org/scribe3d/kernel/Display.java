package org.scribe3d.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.util.UUID;

/**
 * The functions a cell sees at top level ({@code import static org.scribe3d.kernel.Display.*} runs
 * when the kernel starts). Same names and signatures as IJava's runtime, so notebooks written
 * against either kernel run on both.
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

  /** Replaces an earlier output, identified by the id {@code display} returned. */
  public static void updateDisplay(String id, Object o) {
    kernel().getIO().display.updateDisplay(id, kernel().toDisplayData(o));
  }

  public static void updateDisplay(String id, Object o, String... mimeTypes) {
    kernel().getIO().display.updateDisplay(id, kernel().toDisplayData(o, mimeTypes));
  }

  /** The display bundle {@code o} would produce, without showing it. */
  public static DisplayData render(Object o) {
    return kernel().toDisplayData(o);
  }

  public static DisplayData render(Object o, String... mimeTypes) {
    return kernel().toDisplayData(o, mimeTypes);
  }

  private static String publish(DisplayData data) {
    String id = data.getDisplayId();
    if (id == null) {
      id = UUID.randomUUID().toString();
      data.setDisplayId(id);
    }
    kernel().display(data);
    return id;
  }
}
