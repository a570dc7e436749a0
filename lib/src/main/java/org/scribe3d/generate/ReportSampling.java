package org.scribe3d.generate;

/**
 * Reports by sampling and minimum Bayes risk ({@link MinimumBayesRisk}): each report is sampled
 * {@code samples} times (temperature, nucleus top-p) besides its greedy decoding, and the caller keeps
 * the hypothesis (greedy first, then the samples) that agrees best with the samples under its utility.
 *
 * @param samples reports sampled per prompt (0 = off: greedy only)
 * @param temperature sampling temperature, &gt; 0 (1 = the model's own distribution)
 * @param topP nucleus mass in (0, 1]
 * @param seed seed of the sampling stream (decoding is deterministic given it and the batch layout)
 */
public record ReportSampling(int samples, double temperature, double topP, long seed) {
  public static final double DEFAULT_TEMPERATURE = 1.0;
  public static final double DEFAULT_TOP_P = 1.0;

  public ReportSampling {
    if (samples < 0) {
      throw new IllegalArgumentException("report samples must be >= 0, got " + samples);
    }
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("sampling temperature must be a finite number > 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
    }
  }

  public boolean off() {
    return samples == 0;
  }
}
