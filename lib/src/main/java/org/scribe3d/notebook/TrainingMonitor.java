package org.scribe3d.notebook;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.scribe3d.train.Progress;
import org.scribe3d.train.TrainListener;
import org.scribe3d.train.Trainer;

/**
 * A training run's live view in a notebook: one output, shown when training starts and updated in
 * place, with a progress bar and the step, loss, learning rate, samples/s and ETA (at most every
 * {@code statusSeconds}), and the loss curve redrawn at most every {@code curveSeconds}. Pass it as
 * {@code TrainRun.Settings.listener(...)}; outside a notebook kernel it only keeps the numbers.
 *
 * <pre>{@code
 * TrainingMonitor monitor = TrainingMonitor.create();
 * TrainRun.run(recipe, settings.listener(monitor), System.out, false);
 * }</pre>
 */
public final class TrainingMonitor implements TrainListener {
  private final double statusSeconds;
  private final double curveSeconds;
  private final List<double[]> losses = new ArrayList<>(); // (step, loss)
  private final List<Validation> validations = new ArrayList<>();
  private LiveDisplay.Handle handle;
  private Step last;
  private long totalSteps;
  private long lastStatus;
  private long lastCurve;
  private BufferedImage curve;
  private Trainer.Result result;
  private int updates;

  private TrainingMonitor(double statusSeconds, double curveSeconds) {
    this.statusSeconds = statusSeconds;
    this.curveSeconds = curveSeconds;
  }

  /** Status every second, loss curve every 3 seconds. */
  public static TrainingMonitor create() {
    return every(1, 3);
  }

  public static TrainingMonitor every(double statusSeconds, double curveSeconds) {
    if (!(statusSeconds >= 0 && curveSeconds >= statusSeconds)) {
      throw new IllegalArgumentException("need 0 <= statusSeconds <= curveSeconds, got " + statusSeconds + ", "
          + curveSeconds);
    }
    return new TrainingMonitor(statusSeconds, curveSeconds);
  }

  @Override
  public synchronized void started(long startStep, long total) {
    totalSteps = total;
    lastStatus = lastCurve = System.nanoTime();
    handle = LiveDisplay.show(view());
  }

  @Override
  public synchronized void step(Step s) {
    last = s;
    if (Double.isFinite(s.loss())) {
      losses.add(new double[] {s.step(), s.loss()});
    }
    long now = System.nanoTime();
    if ((now - lastStatus) / 1e9 < statusSeconds) {
      return;
    }
    lastStatus = now;
    if ((now - lastCurve) / 1e9 >= curveSeconds) {
      lastCurve = now;
      curve = drawCurve();
    }
    push();
  }

  @Override
  public synchronized void validated(Validation v) {
    validations.add(v);
    push();
  }

  @Override
  public synchronized void finished(Trainer.Result r) {
    result = r;
    curve = drawCurve();
    push();
  }

  /** How many times the output was replaced (0 outside a kernel or before the first update). */
  public synchronized int updates() {
    return updates;
  }

  /** The steps seen so far, as (step, loss) pairs. */
  public synchronized List<double[]> losses() {
    return List.copyOf(losses);
  }

  private void push() {
    if (handle != null && handle.id() != null) {
      handle.update(view());
      updates++;
    }
  }

  /** The monitor as it stands: status line, bar, validation results, the loss curve (if drawn yet). */
  public synchronized LiveView view() {
    String status = status();
    StringBuilder html = new StringBuilder("<div class=\"scribe3d-training-monitor\">");
    double fraction = totalSteps > 0 && last != null ? (double) last.step() / totalSteps : 0;
    html.append(LiveView.barHtml(result != null && !result.stoppedByTimeLimit() ? 1 : fraction, status));
    for (Validation v : validations) {
      html.append("<div style=\"font-family:monospace;font-size:13px\">")
          .append(RichOutput.escapeHtml(validationText(v))).append("</div>");
    }
    if (curve != null) {
      html.append("<img alt=\"training loss per step\" style=\"max-width:560px\" src=\"")
          .append(Png.dataUri(curve)).append("\">");
    }
    html.append("</div>");
    StringBuilder text = new StringBuilder(status);
    validations.forEach(v -> text.append('\n').append(validationText(v)));
    return new LiveView(html.toString(), curve, text.toString());
  }

  private String status() {
    if (last == null) {
      return result != null ? "train: no steps to run" : "train: starting (first steps preprocess the scans and warm up)";
    }
    String eta = result != null ? (result.stoppedByTimeLimit() ? "stopped by the time limit" : "done")
        : "ETA " + Progress.clock(last.etaSeconds());
    return String.format(Locale.ROOT, "train step %d/%d · loss %.4f · lr %.2e · %.1f samples/s · %s · %s elapsed",
        last.step(), last.totalSteps(), last.loss(), last.lr(), last.samplesPerSecond(), eta,
        Progress.clock(last.elapsedSeconds()));
  }

  private static String validationText(Validation v) {
    return String.format(Locale.ROOT, "validation at step %d: loss %.4f%s", v.step(), v.loss(),
        Double.isNaN(v.vqaAccuracy()) ? "" : String.format(Locale.ROOT, ", VQA accuracy %.3f", v.vqaAccuracy()));
  }

  private BufferedImage drawCurve() {
    if (losses.size() < 2) {
      return curve;
    }
    double[] x = new double[losses.size()];
    double[] y = new double[losses.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = losses.get(i)[0];
      y[i] = losses.get(i)[1];
    }
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("training loss", y);
    return FigurePng.render(Charts.line("Training loss", x, series, "optimizer step", "loss"));
  }
}
