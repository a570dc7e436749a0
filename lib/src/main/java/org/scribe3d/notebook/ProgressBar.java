package org.scribe3d.notebook;

import java.util.Locale;
import org.scribe3d.infer.RunPredictor;
import org.scribe3d.phantom.PhantomDataset;
import org.scribe3d.train.Progress;

/**
 * A progress bar in the running cell's output for long work that is not training (phantom synthesis,
 * generating a split's predictions): one output, updated in place (done of total, rate, ETA, the item
 * just finished), at most every {@code minSeconds} and always at the end. Outside a notebook kernel
 * it draws nothing.
 */
public final class ProgressBar {
  private final String label;
  private final double minSeconds;
  private final long t0 = System.nanoTime();
  private LiveDisplay.Handle handle;
  private long lastDraw;
  private long total;
  private long done;
  private String detail = "";
  private int draws;

  private ProgressBar(String label, long total, double minSeconds) {
    this.label = label;
    this.total = total;
    this.minSeconds = minSeconds;
  }

  /** Shows an empty bar now; redraws at most twice a second. */
  public static ProgressBar show(String label, long total) {
    ProgressBar b = new ProgressBar(label, total, 0.5);
    b.handle = LiveDisplay.show(b.view());
    b.draws = 1;
    b.lastDraw = System.nanoTime();
    return b;
  }

  /** A bar for {@code PhantomDataset.write}: one tick per case written. */
  public static PhantomDataset.Listener synthesis(int cases) {
    ProgressBar b = show("synthesis", cases);
    return (index, total, id, split, c) -> b.update(index + 1, total, id + " (" + split + ")");
  }

  /** A bar for {@code RunPredictor.predictSplit}: one tick per case whose reports and answers are written. */
  public static RunPredictor.SplitProgress predictions() {
    ProgressBar[] b = {null};
    return (casesDone, cases, reports, answers) -> {
      if (b[0] == null) {
        b[0] = show("generate", cases);
      }
      b[0].update(casesDone, cases, reports + " reports, " + answers + " answers");
    };
  }

  /** Records progress; redraws when enough time has passed or the work is complete. */
  public void update(long doneNow, long totalNow, String detailNow) {
    this.done = doneNow;
    this.total = totalNow;
    this.detail = detailNow == null ? "" : detailNow;
    long now = System.nanoTime();
    if (done >= total || (now - lastDraw) / 1e9 >= minSeconds) {
      lastDraw = now;
      draws++;
      if (handle != null) {
        handle.update(view());
      }
    }
  }

  /** How many times the output was drawn (the first show included). */
  public int draws() {
    return draws;
  }

  /** The bar as it stands. */
  public LiveView view() {
    double sec = (System.nanoTime() - t0) / 1e9;
    double rate = sec > 0 ? done / sec : 0;
    String eta = done >= total ? "done" : "ETA " + clock(rate > 0 ? (total - done) / rate : Double.NaN);
    String text = String.format(Locale.ROOT, "%s %d/%d, %.2f/s, %s, %.0f s%s", label, done, total, rate, eta, sec,
        detail.isEmpty() ? "" : " · " + detail);
    return new LiveView(LiveView.barHtml(total > 0 ? (double) done / total : 0, text), null, text);
  }

  static String clock(double seconds) {
    return Progress.clock(seconds);
  }
}
