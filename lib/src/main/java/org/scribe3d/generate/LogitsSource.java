package org.scribe3d.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.scribe3d.model.llama.KvCache;
import org.scribe3d.model.llama.LlamaForCausalLM;

/**
 * What the {@link Generator} needs from a causal language model: embeddings of token ids and the
 * next-token logits after feeding embeddings through a KV cache. A multimodal model plugs in by
 * building its own prompt embeddings (image embeddings spliced after BOS) and passing them to
 * {@link Generator#generate(LogitsSource, NDArray, NDArray, GenerationConfig)}; its decoding steps
 * are plain token embeddings, so {@link #of(LlamaForCausalLM)} usually suffices.
 */
public interface LogitsSource {
  /** A cache for {@code batch} rows of up to {@code maxLen} positions. */
  KvCache newCache(int batch, int maxLen);

  /** Token ids [B, T] → input embeddings [B, T, H]. */
  NDArray embed(NDArray ids);

  /**
   * Feeds embeddings [B, T, H] (mask [B, T], 1 = real, or null = all real) after what the cache
   * holds, appends them to the cache, and returns the logits of the last position [B, V].
   */
  NDArray lastLogits(NDArray embeds, NDArray mask, KvCache cache);

  /** The plain language model as a logits source. */
  static LogitsSource of(LlamaForCausalLM lm) {
    return new LogitsSource() {
      @Override
      public KvCache newCache(int batch, int maxLen) {
        return lm.newCache(batch, maxLen);
      }

      @Override
      public NDArray embed(NDArray ids) {
        return lm.embed(ids);
      }

      @Override
      public NDArray lastLogits(NDArray embeds, NDArray mask, KvCache cache) {
        NDArray h = lm.hidden(embeds, mask, cache, null);
        // only the last position goes through the (vocabulary-sized) head
        return lm.logits(h.get(new NDIndex(":, -1, :")));
      }
    };
  }
}
