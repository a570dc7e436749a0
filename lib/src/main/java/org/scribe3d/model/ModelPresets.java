package org.scribe3d.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.lora.LoraConfig;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.projector.ProjectorConfig;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.prompt.VocabMap;

/** Named model configurations. */
public final class ModelPresets {
  /** Llama-3 special tokens (original ids). */
  public static final long BOS = 128000;
  public static final long EOS = 128001;
  public static final long EOT = 128009;

  public static final List<String> NAMES = List.of("paper", "paper-reduced", "tiny");

  private ModelPresets() {}

  /**
   * The paper's model: M3D-CLIP ViT3D (1×32×256×256, patch 4×16×16, 768 wide, 12 layers and heads, MLP
   * 3072), spp projector 768→4096 with 256 image tokens, Llama-3-8B (Asclepius-Llama3-8B: 32 layers,
   * 4096 wide, 32 heads, 8 KV heads, MLP 14336, vocab 128256, RoPE theta 500000, untied head), LoRA r 16
   * alpha 32 dropout 0.05 on every linear layer of the language model; max length 512.
   */
  public static MultimodalConfig paper() {
    LlamaConfig llm = LlamaConfig.of(4096, 14336, 32, 32, 8, 128256, false);
    return new MultimodalConfig("paper", ViTConfig.paper(), 2, llm, LoraConfig.paper(), 256,
        MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID, 512, null);
  }

  /**
   * The paper's structure (same input, patch grid, 256 image tokens, layer counts, head layout, full
   * vocabulary, LoRA) at reduced widths — ViT 64 wide (MLP 256, 4 heads), Llama 64 wide (MLP 224,
   * 32 heads of 2 on 8 KV heads) — small enough to build and run a training step on a CPU.
   */
  public static MultimodalConfig paperReduced() {
    ViTConfig v = new ViTConfig(1, 32, 256, 256, 4, 16, 16, 64, 12, 4, 256, 1e-5, false);
    LlamaConfig llm = LlamaConfig.of(64, 224, 32, 32, 8, 128256, false);
    return new MultimodalConfig("paper-reduced", v, 2, llm, LoraConfig.paper(), 256,
        MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID, 512, null);
  }

  /**
   * The CPU preset: ViT3D on 1×32×128×128 (patch 4×16×16 → 8×8×8 grid, 192 wide, 3 layers, 4 heads,
   * MLP 768), pooled to 64 image tokens; a Llama of 256 width, 4 layers, 4 heads on 2 KV heads, MLP
   * 688, untied, over a RESTRICTED vocabulary (only the token ids the training corpus uses; see
   * {@link VocabMap}). No LoRA: the tiny language model starts from random weights, so there is no
   * pretrained knowledge for adapters to protect and it is trained in full ({@link
   * MultimodalConfig#withLora} adds adapters if wanted).
   *
   * @param vocab the restricted vocabulary; must cover BOS (128000), EOS (128001) and the image
   *     placeholder (128002)
   */
  public static MultimodalConfig tiny(VocabMap vocab) {
    return tiny(vocab, ViTConfig.PATCH_STEM);
  }

  /**
   * The tiny preset with the given vision stem. With {@link ViTConfig#CONV_STEM} the encoder reads
   * the same 1×32×128×128 input through four 3×3×3 convolutions (16-32-64-64 channels) down to an
   * 8×16×16 "patch" (a 4×8×8 grid, 256 tokens, half the patch stem's), pooled to 32 image tokens; the
   * transformer and the language model are unchanged (its blocks start as the identity, see ViT3D). It
   * is 1.7× faster per scan than the patch stem; its vision pretraining on 960 phantoms reaches the
   * CNN reference's finding-type AUC (0.70 with the head on the encoder's tokens and a constant 3e-4;
   * docs/experiments.md); that encoder ships as models/tiny-encoder.safetensors and the demo starts
   * from it. The patch stem (M3D-CLIP's) stays the default of a run without an encoder file.
   */
  public static MultimodalConfig tiny(VocabMap vocab, String stem) {
    for (long id : new long[] {BOS, EOS, MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID}) {
      if (!vocab.contains(id)) {
        throw new IllegalArgumentException("the tiny preset's vocabulary must cover token " + id
            + " (BOS 128000, EOS 128001 and the image placeholder 128002)");
      }
    }
    List<Integer> eos = new ArrayList<>();
    eos.add((int) vocab.toCompact(EOS));
    if (vocab.contains(EOT)) {
      eos.add((int) vocab.toCompact(EOT));
    }
    LlamaConfig llm = new LlamaConfig(256, 688, 4, 4, 2, 64, 1e-5, 500000.0, null, vocab.size(), false, false,
        false, (int) vocab.toCompact(BOS), eos, 8192, "float32", 0.02);
    int[] in = tinyInput();
    boolean conv = ViTConfig.CONV_STEM.equals(stem);
    ViTConfig v = new ViTConfig(1, in[0], in[1], in[2], conv ? 8 : 4, 16, 16, 192, 3, 4, 768, 1e-5, false, stem);
    int pool = 2;
    int imageTokens = new ProjectorConfig(v.hidden(), llm.hiddenSize(), v.gridD(), v.gridH(), v.gridW(), pool).tokensOut();
    return new MultimodalConfig("tiny", v, pool, llm, null, imageTokens, MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID, 512,
        vocab);
  }

  /** The tiny preset's input size D, H, W (32×128×128), e.g. for a preprocessing pipeline made before the model. */
  public static int[] tinyInput() {
    return new int[] {32, 128, 128};
  }

  /**
   * A preset by name. {@code tinyVocab} is the tiny preset's restricted vocabulary (ignored by the
   * others).
   */
  public static MultimodalConfig byName(String name, VocabMap tinyVocab) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "paper" -> paper();
      case "paper-reduced" -> paperReduced();
      case "tiny" -> tiny(tinyVocab);
      default -> throw new IllegalArgumentException("unknown preset '" + name + "' (expected one of " + NAMES + ")");
    };
  }
}
