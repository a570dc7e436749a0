package org.scribe3d.cli;

import java.util.Locale;
import org.scribe3d.generate.ReportSampling;
import org.scribe3d.recipe.Decoding;
import picocli.CommandLine.Option;

/**
 * How a trained run writes its answers and reports: the options {@code generate} and {@code evaluate --run} share.
 * Each one left out is the run's own (its recipe's {@code decoding.*}), so a run decodes as it was evaluated. Public so
 * that commands outside this package (the Spark batch job) take the same flags.
 */
public final class DecodingOptions {
  @Option(names = "--answer-mode", paramLabel = "options|greedy", description = "How a multiple-choice answer is"
      + " chosen: options scores each option's answer string by the model's log-likelihood and takes the most likely;"
      + " greedy decodes freely and scores the first letter (a small model's letter and text can disagree). Default:"
      + " the run's decoding.answer_mode.")
  String answerMode;

  @Option(names = "--report-samples", paramLabel = "N", description = "Also sample each report N times and keep, among"
      + " the greedy report and the samples, the one whose findings agree best with the samples' (minimum Bayes risk"
      + " with finding-level F1; 0 = greedy reports). Default: the run's decoding.report_samples.")
  Integer reportSamples;

  @Option(names = "--temperature", paramLabel = "T", description = "With report samples: sampling temperature"
      + " (default: the run's decoding.temperature).")
  Double temperature;

  @Option(names = "--top-p", paramLabel = "P", description = "With report samples: nucleus sampling mass (default: the"
      + " run's decoding.top_p).")
  Double topP;

  @Option(names = "--sample-seed", paramLabel = "S", description = "With report samples: seed of the sampling stream"
      + " (default: the run's decoding.sample_seed).")
  Long sampleSeed;

  /** The decoding a model directory asks for: a run's recorded one, M3D's defaults for an M3D-LaMed model. */
  public static Decoding recorded(java.nio.file.Path run) {
    try {
      return org.scribe3d.infer.RunPredictor.defaultDecoding(run);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new CliExit(ErrorMessages.describe(e), 1);
    }
  }

  /**
   * The run's decoding {@code recorded} with the flags given here over it, and {@code maxNewTokens} (when given) as
   * the most new tokens of reports and answers; a bad value is a usage error (exit 2).
   */
  public Decoding over(Decoding recorded, Integer maxNewTokens) {
    Decoding d = recorded == null ? Decoding.DEFAULT : recorded;
    try {
      String mode = answerMode == null ? d.answerMode() : answerMode.strip().toLowerCase(Locale.ROOT);
      if (!mode.equals(Decoding.OPTIONS) && !mode.equals(Decoding.GREEDY)) {
        throw new IllegalArgumentException("unknown answer mode '" + answerMode + "' (expected options or greedy)");
      }
      int samples = reportSamples == null ? d.reportSamples() : reportSamples;
      double t = temperature == null ? d.temperature() : temperature;
      double p = topP == null ? d.topP() : topP;
      long seed = sampleSeed == null ? d.sampleSeed() : sampleSeed;
      new ReportSampling(samples, t, p, seed); // checks the values in the flags' words
      return new Decoding(mode, samples, t, p, seed, maxNewTokens == null ? d.reportMaxNewTokens() : maxNewTokens,
          maxNewTokens == null ? d.answerMaxNewTokens() : maxNewTokens);
    } catch (IllegalArgumentException e) {
      throw new CliExit(e.getMessage(), 2);
    }
  }
}
