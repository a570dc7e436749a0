package org.scribe3d.model.multimodal;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.Placeholders;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.checkpoint.VisionNames;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.llama.LlamaForCausalLM;
import org.scribe3d.model.vision.ViTConfig;

/**
 * M3D-LaMed's released model directory (BAAI-DCAI/M3D, {@code LaMed/src/model/}), read as it is published: one
 * Hugging Face directory whose {@code config.json} is a Phi-3 or Llama config ({@code model_type}
 * {@code lamed_phi3} / {@code lamed_llama}) plus M3D's vision and projector fields, and whose safetensors shards
 * hold the vision tower ({@code model.vision_tower.vision_tower.*}: MONAI's ViT at M3D's fixed 768 wide, 12
 * layers, 12 heads, MLP 3072, with a CLS token), the "spp" projector ({@code model.mm_projector.projector.*}), the
 * SegVol segmentation module ({@code model.seg_module.*}, {@code model.seg_projector.*}; not used for text, so
 * skipped) and the language model ({@code model.*}, {@code lm_head.*}).
 *
 * <p>M3D's input is the text {@code "<im_patch>" × proj_out_num + prompt} through the model's own tokenizer, and
 * {@code inputs_embeds = cat(emb[:, :1], image_features, emb[:, K+1:])} ({@code lamed_arch.py}): position 0 keeps
 * its own embedding whatever token it is, positions 1..K take the image features. That is the splice Scribe3D's
 * decoders apply (image start = first real position + 1), so a LaMed model runs through the same generation path.
 */
public final class M3dLamed {
  /** The image placeholder M3D adds to its tokenizer. */
  public static final String IMAGE_TOKEN = "<im_patch>";
  /** M3D's report prompt (the first findings template of its captioning data that names findings plainly). */
  public static final String REPORT_PROMPT = "Describe the findings of the medical image you see.";
  /** M3D's quick start generates up to this many new tokens. */
  public static final int MAX_NEW_TOKENS = 256;

  /** M3D's ViT3DTower: MONAI's ViT at these fixed sizes, whatever the config says about the input. */
  private static final int VIT_HIDDEN = 768;
  private static final int VIT_LAYERS = 12;
  private static final int VIT_HEADS = 12;
  private static final int VIT_MLP = 3072;

  private static final String VISION = VisionNames.Layout.M3D_LAMED.prefix();
  private static final String PROJECTOR = VisionNames.LAMED_PROJECTOR_PREFIX;
  private static final List<String> SEGMENTATION = List.of("model.seg_module.", "model.seg_projector.");

  private M3dLamed() {}

  /** Whether {@code dir}'s config.json declares an M3D-LaMed model ({@code model_type} lamed_*). */
  public static boolean isLamed(Path dir) {
    JsonObject o = readJson(dir.resolve("config.json"), false);
    return o != null && o.has("model_type") && o.get("model_type").isJsonPrimitive()
        && o.get("model_type").getAsString().startsWith("lamed_");
  }

  /**
   * The model's configuration as Scribe3D's: the vision tower, the projector's pooling, the language model and
   * {@code proj_out_num} image tokens with placeholder id {@code imageTokenId} (the tokenizer's
   * {@value #IMAGE_TOKEN}). The longest sequence is the context length, or Phi-3's sliding window when smaller
   * (beyond it, Hugging Face attends to a window only).
   *
   * @throws IllegalArgumentException naming config.json and the field, for anything this reader does not support
   */
  public static MultimodalConfig config(Path dir, long imageTokenId) {
    Path file = dir.resolve("config.json");
    JsonObject o = readJson(file, true);
    String src = file.toString();
    try {
      expect(o, "vision_tower", "vit3d", src);
      expect(o, "mm_projector_type", "spp", src);
      expect(o, "proj_pooling_type", "spatial", src);
      expect(o, "proj_layer_type", "mlp", src);
      expect(o, "vision_select_feature", "patch", src);
      if (intOr(o, "vision_select_layer", -1) != -1) {
        throw new IllegalArgumentException(src + ": vision_select_layer " + o.get("vision_select_layer")
            + " is not supported (only -1, the last layer)");
      }
      if (intOr(o, "proj_layer_num", 2) != 2) {
        throw new IllegalArgumentException(src + ": proj_layer_num " + o.get("proj_layer_num")
            + " is not supported (only 2: Linear, GELU, Linear)");
      }
      if (intOr(o, "mm_hidden_size", VIT_HIDDEN) != VIT_HIDDEN) {
        throw new IllegalArgumentException(src + ": mm_hidden_size " + o.get("mm_hidden_size")
            + " does not match M3D's ViT3DTower (" + VIT_HIDDEN + " wide)");
      }
      int[] image = ints(o, "image_size", src);
      int[] patch = ints(o, "patch_size", src);
      int channels = intOr(o, "image_channel", 1);
      int pool = intOr(o, "proj_pooling_size", 2);
      ViTConfig vit = new ViTConfig(channels, image[0], image[1], image[2], patch[0], patch[1], patch[2], VIT_HIDDEN,
          VIT_LAYERS, VIT_HEADS, VIT_MLP, 1e-5, false);
      LlamaConfig llm = LlamaConfig.fromJson(o, src);
      int tokens = intOr(o, "proj_out_num", -1);
      if (tokens < 0) {
        throw new IllegalArgumentException(src + ": missing field proj_out_num");
      }
      int maxLength = llm.maxPositionEmbeddings();
      if (o.has("sliding_window") && o.get("sliding_window").isJsonPrimitive()) {
        maxLength = Math.min(maxLength, o.get("sliding_window").getAsInt());
      }
      String name = o.get("model_type").getAsString();
      return new MultimodalConfig(name, vit, pool, llm, null, tokens, imageTokenId, maxLength, null);
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      throw new IllegalArgumentException(m != null && m.contains(src) ? m : src + ": " + m, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(src + ": malformed value (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Loads the whole directory in one pass over its shards: every tensor of the vision tower, the projector and
   * the language model must be there with its shape, and nothing else may be (SegVol's tensors excepted:
   * skipped, with one note line on {@code log}); otherwise one error lists every missing, unexpected and
   * mis-shaped tensor. BF16 weights are converted on load (DJL's engine has no bfloat16).
   *
   * @param weights the language model's weight type; the vision tower and the projector are float32
   */
  public static MultimodalModel load(Path dir, MultimodalConfig config, NDManager manager, DataType weights,
      PrintStream log) {
    LlamaForCausalLM llm = LlamaForCausalLM.placeholders(config.llm(), manager, weights);
    MultimodalModel m = new MultimodalModel(config, llm, Placeholders.manager(manager), DataType.FLOAT32, 0);
    int[] segmentation = {0};
    try (TensorSource src = LlamaForCausalLM.languageModelView(Safetensors.open(dir), config.llm())) {
      ModuleLoader.load(m, src, n -> {
        if (SEGMENTATION.stream().anyMatch(n::startsWith)) {
          segmentation[0]++;
          return null;
        }
        if (n.startsWith(VISION)) {
          return "vision_tower." + n.substring(VISION.length());
        }
        if (n.startsWith(PROJECTOR)) {
          return "mm_projector." + n.substring(PROJECTOR.length());
        }
        return n.endsWith("rotary_emb.inv_freq") ? null : "llm." + n;
      }, p -> m.namedParameters().get(p).buffer());
    }
    if (segmentation[0] > 0) {
      log.println("note: " + dir + ": " + segmentation[0] + " segmentation-module tensors (SegVol) are not needed for"
          + " reports and answers, skipped");
    }
    return m;
  }

  private static void expect(JsonObject o, String key, String want, String src) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      throw new IllegalArgumentException(src + ": missing field " + key + " (M3D-LaMed writes \"" + want + "\")");
    }
    String have = o.get(key).getAsString();
    if (!Objects.equals(have, want)) {
      throw new IllegalArgumentException(src + ": " + key + " \"" + have + "\" is not supported (only \"" + want
          + "\")");
    }
  }

  private static int intOr(JsonObject o, String key, int def) {
    return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsInt() : def;
  }

  private static int[] ints(JsonObject o, String key, String src) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonArray() || e.getAsJsonArray().size() != 3) {
      throw new IllegalArgumentException(src + ": " + key + " must be a list of 3 sizes (D, H, W), got " + e);
    }
    JsonArray a = e.getAsJsonArray();
    List<Integer> v = new ArrayList<>();
    a.forEach(x -> v.add(x.getAsInt()));
    return v.stream().mapToInt(Integer::intValue).toArray();
  }

  private static JsonObject readJson(Path file, boolean required) {
    try {
      JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (e.isJsonObject()) {
        return e.getAsJsonObject();
      }
      if (required) {
        throw new IllegalArgumentException(file + " is not a JSON object");
      }
    } catch (IOException e) {
      if (required) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
      }
    } catch (com.google.gson.JsonParseException e) {
      if (required) {
        throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
      }
    }
    return null;
  }
}
