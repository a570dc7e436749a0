package org.scribe3d.generate;

import java.util.List;

/**
 * Generated tokens per prompt (without the prompt and without the final EOS) and timing.
 *
 * @param tokens new tokens of each row
 * @param stoppedAtEos whether each row ended with an EOS token (else it hit max new tokens)
 * @param scores beam search: the length-normalised log-prob of each returned sequence; otherwise
 *     the sum of log-probs of the chosen tokens under the (unmodified) model distribution
 * @param prefillSeconds time to run the prompt
 * @param decodeSeconds time of the token-by-token steps after it
 * @param decodeSteps model calls after the prefill
 */
public record GenerationResult(List<long[]> tokens, boolean[] stoppedAtEos, double[] scores, double prefillSeconds,
    double decodeSeconds, int decodeSteps) {

  /** All new tokens (including EOS) divided by the whole generation time. */
  public double tokensPerSecond() {
    long n = 0;
    for (int i = 0; i < tokens.size(); i++) {
      n += tokens.get(i).length + (stoppedAtEos[i] ? 1 : 0);
    }
    double s = prefillSeconds + decodeSeconds;
    return s > 0 ? n / s : 0;
  }

  /** Decoding speed: tokens produced per second by the steps after the prompt (per batch row sum). */
  public double decodeTokensPerSecond() {
    return decodeSeconds > 0 ? (double) decodeSteps * tokens.size() / decodeSeconds : 0;
  }
}
