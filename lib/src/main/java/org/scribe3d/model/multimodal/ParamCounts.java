package org.scribe3d.model.multimodal;

/**
 * Parameter counts of a multimodal model by part.
 *
 * @param vision ViT3D
 * @param projector spatial-pooling projector (and the auxiliary finding head, when the config has one)
 * @param llm language model (base weights, adapters excluded)
 * @param lora LoRA adapters (0 without LoRA)
 * @param trainable what the paper's recipe trains: vision + projector + (LoRA, or the whole LLM
 *     without LoRA)
 */
public record ParamCounts(long vision, long projector, long llm, long lora, long trainable) {
  public long total() {
    return vision + projector + llm + lora;
  }

  /** Bytes to hold all weights at {@code bytesPerParam} (4 = fp32, 2 = bf16). */
  public long bytes(int bytesPerParam) {
    return total() * bytesPerParam;
  }
}
