package org.scribe3d.generate;

import java.util.Set;

/**
 * How to decode.
 *
 * @param maxNewTokens upper bound on generated tokens per row
 * @param eosIds tokens that end a row (the EOS token itself is not part of the returned text)
 * @param temperature 0 = greedy; otherwise logits are divided by it and sampled
 * @param topP nucleus sampling mass in (0, 1] (1 = no truncation); only when sampling
 * @param seed seed of the generator's own random number stream (sampling is deterministic given it)
 * @param numBeams 1 = no beam search; otherwise beam search with this many beams (temperature ignored)
 * @param lengthPenalty beam scores are sum log-prob / (generated length ^ lengthPenalty), as HF
 * @param padId token fed to rows that have finished (never attended to by the others)
 */
public record GenerationConfig(int maxNewTokens, Set<Long> eosIds, double temperature, double topP, long seed,
    int numBeams, double lengthPenalty, long padId) {

  public GenerationConfig {
    eosIds = Set.copyOf(eosIds);
    if (maxNewTokens < 0) {
      throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
    }
    if (temperature < 0 || Double.isNaN(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
    }
    if (numBeams < 1) {
      throw new IllegalArgumentException("beams must be >= 1, got " + numBeams);
    }
  }

  public static GenerationConfig greedy(int maxNewTokens, Set<Long> eosIds) {
    return new GenerationConfig(maxNewTokens, eosIds, 0, 1, 0, 1, 1.0, eosIds.isEmpty() ? 0 : eosIds.iterator().next());
  }

  public static GenerationConfig sampling(int maxNewTokens, Set<Long> eosIds, double temperature, double topP,
      long seed) {
    return new GenerationConfig(maxNewTokens, eosIds, temperature, topP, seed, 1, 1.0,
        eosIds.isEmpty() ? 0 : eosIds.iterator().next());
  }

  public static GenerationConfig beams(int maxNewTokens, Set<Long> eosIds, int numBeams) {
    return new GenerationConfig(maxNewTokens, eosIds, 0, 1, 0, numBeams, 1.0,
        eosIds.isEmpty() ? 0 : eosIds.iterator().next());
  }

  public boolean sampling() {
    return numBeams == 1 && temperature > 0;
  }
}
