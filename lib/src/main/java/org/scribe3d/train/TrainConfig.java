package org.scribe3d.train;

import com.google.gson.Gson;
import com.google.gson.JsonObject;

/**
 * Trainer settings (fluent setters). Defaults follow the paper's recipe where it has one (AdamW,
 * warmup 10 % then cosine, weight decay 0) and torch/HF defaults otherwise.
 */
public final class TrainConfig {
  int epochs = 1;
  long maxSteps = 0; // 0: from epochs
  int microBatch = 1;
  int accumulation = 1;
  double lr = 1e-5;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weightDecay = 0.0;
  double warmupFraction = 0.1;
  String schedule = LrSchedule.COSINE; // after warmup: cosine to 0 (the paper) or constant
  double maxGradNorm = 1.0; // ≤ 0: no clipping (the norm is still logged)
  long seed = 42;
  int checkpointEvery = 0; // 0: only at the end
  int keepLast = 2;
  boolean saveFrozen = true;
  int validateEvery = 0; // 0: only at the end (when a validator is set)
  double maxMinutes = 0; // 0: no time limit
  int prefetch = 4;
  int threads = 0; // torch intra-op threads; 0: leave the engine default
  double progressSeconds = 10;
  boolean groupSamples = false; // keep each BatchSource group (scan) together in the data order

  public TrainConfig epochs(int v) { epochs = positive(v, "epochs"); return this; }
  public TrainConfig maxSteps(long v) { maxSteps = v; return this; }
  public TrainConfig microBatch(int v) { microBatch = positive(v, "micro-batch"); return this; }
  public TrainConfig accumulation(int v) { accumulation = positive(v, "accumulation"); return this; }
  public TrainConfig lr(double v) { lr = v; return this; }
  public TrainConfig betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
  public TrainConfig eps(double v) { eps = v; return this; }
  public TrainConfig weightDecay(double v) { weightDecay = v; return this; }
  public TrainConfig warmupFraction(double v) { warmupFraction = v; return this; }
  public TrainConfig schedule(String v) {
    LrSchedule.named(v, 0, 0, 1); // rejects an unknown name here, not at the first step
    schedule = v;
    return this;
  }
  public TrainConfig maxGradNorm(double v) { maxGradNorm = v; return this; }
  public TrainConfig seed(long v) { seed = v; return this; }
  public TrainConfig checkpointEvery(int v) { checkpointEvery = v; return this; }
  public TrainConfig keepLast(int v) { keepLast = positive(v, "keep-last"); return this; }
  public TrainConfig saveFrozen(boolean v) { saveFrozen = v; return this; }
  public TrainConfig validateEvery(int v) { validateEvery = v; return this; }
  public TrainConfig maxMinutes(double v) { maxMinutes = v; return this; }
  public TrainConfig prefetch(int v) { prefetch = positive(v, "prefetch"); return this; }
  public TrainConfig threads(int v) { threads = v; return this; }
  public TrainConfig progressSeconds(double v) { progressSeconds = v; return this; }
  public TrainConfig groupSamples(boolean v) { groupSamples = v; return this; }

  public int epochs() { return epochs; }
  public int microBatch() { return microBatch; }
  public int accumulation() { return accumulation; }
  public long seed() { return seed; }
  public double lr() { return lr; }

  AdamW.Config optimizer() {
    return new AdamW.Config(lr, beta1, beta2, eps, weightDecay);
  }

  /** The optimizer steps of the run for a data set of {@code size} samples. */
  public long totalSteps(int size) {
    long micro = (long) epochs * new DataOrder(seed, size, microBatch).microBatchesPerEpoch();
    long steps = (micro + accumulation - 1) / accumulation;
    return maxSteps > 0 ? Math.min(maxSteps, steps) : steps;
  }

  public JsonObject toJson() {
    return new Gson().toJsonTree(this).getAsJsonObject();
  }

  public static TrainConfig fromJson(JsonObject o) {
    return new Gson().fromJson(o, TrainConfig.class);
  }

  private static int positive(int v, String what) {
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be ≥ 1, got " + v);
    }
    return v;
  }
}
