package org.scribe3d.model.lora;

import java.util.List;

/**
 * LoRA hyper-parameters, as in PEFT's LoraConfig.
 *
 * @param r rank
 * @param alpha lora_alpha; the update is scaled by alpha / r
 * @param dropout dropout on the adapter's input while training
 * @param targetModules module-name suffixes that get an adapter (a Linear named "…self_attn.q_proj"
 *     matches "q_proj"), or the single entry {@value #ALL_LINEAR}: every Linear except the output head
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules) {
  /** PEFT's shorthand for every linear layer of the model except the output layer (lm_head). */
  public static final String ALL_LINEAR = "all-linear";

  /** The linear layers of a Llama decoder layer (what "all-linear" resolves to there). */
  public static final List<String> LLAMA_LINEAR =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  public LoraConfig {
    targetModules = List.copyOf(targetModules);
    if (r <= 0) {
      throw new IllegalArgumentException("LoRA r must be positive, got " + r);
    }
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("LoRA alpha must be positive, got " + alpha);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
    }
    if (targetModules.isEmpty()) {
      throw new IllegalArgumentException("LoRA target_modules is empty");
    }
  }

  /** The paper's adapter: r 16, alpha 32, dropout 0.05 on every linear layer of the language model. */
  public static LoraConfig paper() {
    return new LoraConfig(16, 32, 0.05, List.of(ALL_LINEAR));
  }

  public double scaling() {
    return alpha / r;
  }

  /** Whether a Linear with this dotted module name (relative to the language model) gets an adapter. */
  public boolean targets(String moduleName) {
    if (targetModules.size() == 1 && targetModules.get(0).equals(ALL_LINEAR)) {
      return !moduleName.equals("lm_head") && !moduleName.endsWith(".lm_head");
    }
    for (String t : targetModules) {
      if (moduleName.equals(t) || moduleName.endsWith("." + t)) {
        return true;
      }
    }
    return false;
  }
}
