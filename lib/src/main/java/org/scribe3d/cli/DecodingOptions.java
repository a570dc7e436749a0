package org.scribe3d.cli;

import java.util.Locale;
import org.scribe3d.generate.ReportSampling;
import org.scribe3d.recipe.Decoding;
import picocli.CommandLine.Option;

/** How a trained run writes its answers and reports: the options {@code generate} and {@code evaluate --run} share. */
final class DecodingOptions {
  @Option(names = "--answer-mode", paramLabel = "options|greedy", defaultValue = Decoding.OPTIONS, description = "How a"
      + " multiple-choice answer is chosen: options (default) scores each option's answer string by the model's"
      + " log-likelihood and takes the most likely; greedy decodes freely and scores the first letter (a small"
      + " model's letter and text can disagree).")
  String answerMode;

  @Option(names = "--report-samples", paramLabel = "N", defaultValue = "0", description = "Also sample each report N"
      + " times and keep, among the greedy report and the samples, the one whose findings agree best with the"
      + " samples' (minimum Bayes risk with finding-level F1; 0 = greedy reports, the default).")
  int reportSamples;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "" + ReportSampling.DEFAULT_TEMPERATURE,
      description = "With --report-samples: sampling temperature (default ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-p", paramLabel = "P", defaultValue = "" + ReportSampling.DEFAULT_TOP_P,
      description = "With --report-samples: nucleus sampling mass (default ${DEFAULT-VALUE}: no truncation).")
  double topP;

  @Option(names = "--sample-seed", paramLabel = "S", defaultValue = "7",
      description = "With --report-samples: seed of the sampling stream (default ${DEFAULT-VALUE}).")
  long sampleSeed;

  /**
   * These settings as a run's decoding, with the most new tokens of reports and answers from
   * {@link Decoding#DEFAULT} unless {@code maxNewTokens} (both) is given; a bad value is a usage error (exit 2).
   */
  Decoding toDecoding(Integer maxNewTokens) {
    try {
      String mode = answerModeKey();
      if (!mode.equals(Decoding.OPTIONS) && !mode.equals(Decoding.GREEDY)) {
        throw new IllegalArgumentException("unknown answer mode '" + answerMode + "' (expected options or greedy)");
      }
      new ReportSampling(reportSamples, temperature, topP, sampleSeed); // checks the values in the flags' words
      Decoding d = Decoding.DEFAULT;
      return new Decoding(mode, reportSamples, temperature, topP, sampleSeed,
          maxNewTokens == null ? d.reportMaxNewTokens() : maxNewTokens,
          maxNewTokens == null ? d.answerMaxNewTokens() : maxNewTokens);
    } catch (IllegalArgumentException e) {
      throw new CliExit(e.getMessage(), 2);
    }
  }

  /** The answer mode as recorded in eval.json ("options" or "greedy"). */
  String answerModeKey() {
    return answerMode.strip().toLowerCase(Locale.ROOT);
  }
}
