package org.scribe3d.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Console progress for long work: on a terminal one self-overwriting bar line ({@code \r}); otherwise
 * (logs, CI, notebooks) a plain line every {@code intervalSeconds} and at the end, no control codes.
 */
public final class Progress {
  private final PrintStream out;
  private final boolean tty;
  private final long total;
  private final String label;
  private final long intervalNanos;
  private long lastPrint;
  private boolean printedBar;

  public Progress(PrintStream out, boolean tty, String label, long total, double intervalSeconds) {
    this.out = out;
    this.tty = tty;
    this.label = label;
    this.total = total;
    this.intervalNanos = (long) (intervalSeconds * 1e9);
    this.lastPrint = System.nanoTime();
  }

  /** Whether stderr looks like an interactive terminal (override with SCRIBE3D_PROGRESS=tty|plain). */
  public static boolean stderrIsTty() {
    String env = System.getenv("SCRIBE3D_PROGRESS");
    if (env != null) {
      return env.equals("tty");
    }
    return System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
  }

  /**
   * Reports {@code done} of {@code total} units; {@code rate} is units per second (for the ETA) and
   * {@code detail} a short text such as "loss 2.31 lr 1.0e-04".
   */
  public void update(long done, double rate, String detail, boolean force) {
    long now = System.nanoTime();
    boolean last = done >= total;
    if (!force && !last && now - lastPrint < (tty ? 200_000_000L : intervalNanos)) {
      return;
    }
    lastPrint = now;
    String eta = rate > 0 ? clock((total - done) / rate) : "?";
    String text = String.format(Locale.ROOT, "%s %d/%d %s, %.2f/s, ETA %s", label, done, total, detail, rate, eta);
    if (tty) {
      int width = 24;
      int filled = total > 0 ? (int) Math.min(width, width * done / total) : 0;
      out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + text + "\u001b[K");
      printedBar = true;
      if (last) {
        out.println();
        printedBar = false;
      }
    } else {
      out.println(text);
    }
    out.flush();
  }

  /** Prints a message on its own line (ending a bar line first). */
  public void message(String text) {
    if (tty && printedBar) {
      out.println();
      printedBar = false;
    }
    out.println(text);
    out.flush();
  }

  /** Seconds as m:ss or h:mm:ss; "?" when unknown. */
  public static String clock(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
