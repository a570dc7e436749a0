package org.scribe3d.train;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child process of {@link KillResumeTest}: trains the tiny test LM in RUN_DIR (fresh or --resume),
 * with a slow data source so the parent can SIGKILL it mid-run.
 *
 * <pre>java ... org.scribe3d.train.ResumeChild RUN_DIR fresh|resume DELAY_MS</pre>
 */
public final class ResumeChild {
  private ResumeChild() {}

  static TrainConfig config() {
    return new TrainConfig().epochs(6).microBatch(2).accumulation(2).lr(0.02).weightDecay(0.01)
        .warmupFraction(0.1).maxGradNorm(1.0).seed(21).checkpointEvery(3).keepLast(2).threads(1)
        .progressSeconds(1000);
  }

  /** A TokenTask whose loads take {@code delayMs} (the results do not depend on it). */
  static TokenTask slowTask(long delayMs) {
    return new TokenTask(TrainerTest.N, TrainerTest.V, TrainerTest.T) {
      @Override
      public Batch load(int[] samples, SplittableRandom[] rngs) {
        try {
          Thread.sleep(delayMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.load(samples, rngs);
      }
    };
  }

  static Trainer.Result run(Path dir, boolean resume, long delayMs) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLm lm = TrainerTest.model(m, resume ? 1234 : 1);
      TokenTask task = slowTask(delayMs);
      return new Trainer<>(lm, task, task, config(), dir).fit(resume);
    }
  }

  public static void main(String[] args) throws Exception {
    Trainer.Result r = run(Path.of(args[0]), args[1].equals("resume"), Long.parseLong(args[2]));
    System.out.println("done " + r.steps());
  }
}
