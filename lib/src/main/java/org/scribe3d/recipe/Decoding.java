package org.scribe3d.recipe;

import java.util.Locale;

/**
 * How a run writes its reports and answers: the decoding part of a recipe, recorded in the run's resolved
 * recipe so that {@code generate --run} and {@code evaluate --run} decode exactly as the run was evaluated.
 *
 * @param answerMode {@value #OPTIONS} (each option's answer string scored by log-likelihood, the most likely
 *     taken) or {@value #GREEDY} (free decoding, first letter)
 * @param reportSamples reports sampled besides the greedy one for minimum Bayes risk (0 = greedy reports)
 * @param temperature sampling temperature of those samples (&gt; 0)
 * @param topP nucleus mass of those samples, in (0, 1]
 * @param sampleSeed seed of the sampling stream
 * @param reportMaxNewTokens most new tokens of a report
 * @param answerMaxNewTokens most new tokens of a freely decoded answer
 */
public record Decoding(String answerMode, int reportSamples, double temperature, double topP, long sampleSeed,
    int reportMaxNewTokens, int answerMaxNewTokens) {
  public static final String OPTIONS = "options";
  public static final String GREEDY = "greedy";

  /** Greedy reports, answers by option scoring. */
  public static final Decoding DEFAULT = new Decoding(OPTIONS, 0, 1.0, 1.0, 7, 160, 16);

  public Decoding {
    answerMode = answerMode == null ? OPTIONS : answerMode.strip().toLowerCase(Locale.ROOT);
    if (!answerMode.equals(OPTIONS) && !answerMode.equals(GREEDY)) {
      throw new RecipeException("decoding.answer_mode", "must be options or greedy, got '" + answerMode + "'");
    }
    if (reportSamples < 0) {
      throw new RecipeException("decoding.report_samples", "must be >= 0, got " + reportSamples);
    }
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new RecipeException("decoding.temperature", "must be a finite number > 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new RecipeException("decoding.top_p", "must be in (0, 1], got " + topP);
    }
    if (reportMaxNewTokens < 1) {
      throw new RecipeException("decoding.report_max_new_tokens", "must be >= 1, got " + reportMaxNewTokens);
    }
    if (answerMaxNewTokens < 1) {
      throw new RecipeException("decoding.answer_max_new_tokens", "must be >= 1, got " + answerMaxNewTokens);
    }
  }

  public Decoding withAnswerMode(String mode) {
    return new Decoding(mode, reportSamples, temperature, topP, sampleSeed, reportMaxNewTokens, answerMaxNewTokens);
  }

  public Decoding withReportSamples(int n) {
    return new Decoding(answerMode, n, temperature, topP, sampleSeed, reportMaxNewTokens, answerMaxNewTokens);
  }

  public Decoding withReportMaxNewTokens(int n) {
    return new Decoding(answerMode, reportSamples, temperature, topP, sampleSeed, n, answerMaxNewTokens);
  }
}
