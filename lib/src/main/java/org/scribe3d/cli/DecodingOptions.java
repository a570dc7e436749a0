package org.scribe3d.cli;

import java.util.Locale;
import org.scribe3d.generate.ContrastiveDecoding;
import org.scribe3d.generate.ReportSampling;
import org.scribe3d.infer.RunPredictor;
import picocli.CommandLine.Option;

/** How a trained run writes its answers and reports: the options {@code generate} and {@code evaluate --run} share. */
final class DecodingOptions {
  @Option(names = "--answer-mode", paramLabel = "options|greedy", defaultValue = "options", description = "How a"
      + " multiple-choice answer is chosen: options (default) scores each option's answer string by the model's"
      + " log-likelihood and takes the most likely; greedy decodes freely and scores the first letter (a small"
      + " model's letter and text can disagree).")
  String answerMode;

  @Option(names = "--contrast", paramLabel = "ALPHA", defaultValue = "0", description = "Contrast each scan with the"
      + " average training scan (visual contrastive decoding, weight ALPHA; 0 = off, the default): reports pick"
      + " tokens by (1+ALPHA) log p(scan) - ALPHA log p(average scan) among plausible tokens, answers rank options"
      + " the same way. Needs a run trained with --standardize-tokens.")
  double contrast;

  @Option(names = "--plausibility", paramLabel = "BETA", defaultValue = "0.1", description = "With --contrast: only"
      + " tokens with p >= BETA * max p given the scan are candidates (default ${DEFAULT-VALUE}).")
  double plausibility;

  @Option(names = "--report-samples", paramLabel = "N", defaultValue = "0", description = "Also sample each report N"
      + " times and keep, among the greedy report and the samples, the one whose findings agree best with the"
      + " samples' (minimum Bayes risk with finding-level F1; 0 = greedy reports, the default). Not with --contrast.")
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

  /** These settings on {@code o}; a bad value is a usage error (exit 2). */
  RunPredictor.Options applyTo(RunPredictor.Options o) {
    try {
      if (reportSamples > 0 && contrast != 0) {
        throw new IllegalArgumentException("--report-samples cannot be combined with --contrast");
      }
      return o.answerMode(RunPredictor.AnswerMode.parse(answerMode))
          .contrast(new ContrastiveDecoding(contrast, plausibility))
          .reportSampling(new ReportSampling(reportSamples, temperature, topP, sampleSeed));
    } catch (IllegalArgumentException e) {
      throw new CliExit(e.getMessage(), 2);
    }
  }

  /** The answer mode as recorded in eval.json ("options" or "greedy"). */
  String answerModeKey() {
    return answerMode.strip().toLowerCase(Locale.ROOT);
  }
}
