package org.scribe3d.infer;

import org.scribe3d.model.llama.LlamaConfig;

/**
 * The memory report generation needs, by component: the language model's weights at the chosen weight type, the
 * vision tower and projector in float32 (they run once per scan), the float32 KV cache for the longest sequence,
 * the float32 logits of the prompt pass, and the runtime itself (JVM heap, libtorch, the tokenizer).
 *
 * <p>The runtime figure is rounded up from the peak RSS of generating with a model of negligible size: 386 MB for
 * {@code lm generate} on a 72 MB random tiny model ({@code lm init --preset tiny}; {@code docs/benchmarks.md},
 * "Memory of generation"); the rest is arithmetic from the shapes.
 */
public record GenerationMemory(long llmWeights, long visionWeights, long kvCache, long logits, long runtime) {
  /** JVM, libtorch and tokenizer: peak RSS of generating with a tiny model, rounded up (see the class comment). */
  public static final long RUNTIME_BYTES = 400_000_000L;

  /**
   * @param llmParameters language-model parameters
   * @param weightBytes bytes per language-model weight in memory (4 float32, 2 float16)
   * @param visionParameters vision tower + projector parameters (0 for a text-only model)
   * @param positions longest sequence: prompt (image tokens included) + new tokens
   */
  public static GenerationMemory estimate(LlamaConfig llm, long llmParameters, int weightBytes, long visionParameters,
      int positions) {
    long kv = 2L * llm.numHiddenLayers() * llm.numKeyValueHeads() * llm.headDim() * 4L * positions;
    long logits = 4L * llm.vocabSize() * positions;
    return new GenerationMemory(llmParameters * weightBytes, visionParameters * 4L, kv, logits, RUNTIME_BYTES);
  }

  public long total() {
    return llmWeights + visionWeights + kvCache + logits + runtime;
  }
}
