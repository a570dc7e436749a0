package org.scribe3d.train;

/**
 * Observes a training run as it goes (a notebook's live monitor, a test): called on the training
 * thread after every optimizer step and validation, so implementations must be quick (throttle any
 * drawing themselves). The console progress line is separate and always printed.
 */
public interface TrainListener {
  /** One optimizer step, as written to {@code metrics.jsonl}. */
  record Step(long step, long totalSteps, double epoch, double loss, double lr, double gradNorm,
      double samplesPerSecond, double stepsPerSecond, double elapsedSeconds, boolean skipped) {
    /** Seconds left at the recent step rate (NaN before the rate is known). */
    public double etaSeconds() {
      return stepsPerSecond > 0 ? (totalSteps - step) / stepsPerSecond : Double.NaN;
    }
  }

  /** A validation pass: loss and VQA accuracy (NaN when not measured). */
  record Validation(long step, double loss, double vqaAccuracy) {}

  /** Before the first step of this call; {@code startStep} is non-zero on a resume. */
  default void started(long startStep, long totalSteps) {}

  default void step(Step s) {}

  default void validated(Validation v) {}

  /** After the last step (also after a time limit or a halt). */
  default void finished(Trainer.Result result) {}

  TrainListener NONE = new TrainListener() {};
}
