package org.scribe3d.model.multimodal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.checkpoint.CheckpointException;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.checkpoint.VisionNames;
import org.scribe3d.model.vision.ViTConfig;

/**
 * The M3D-CLIP release (BAAI-DCAI/M3D, {@code LaMed/src/model/CLIP.py}) as a vision initialisation: a Hugging Face
 * directory whose {@code config.json} has {@code model_type} {@code m3d_clip} and whose safetensors hold the vision
 * encoder under {@code vision_encoder.*} (MONAI's ViT: {@code in_channels}, {@code img_size}, {@code patch_size},
 * {@code hidden_size}, {@code mlp_dim}, {@code num_layers}, {@code num_heads} from the config, perceptron patch
 * embedding, CLS token) beside its BERT text encoder and contrastive projections, which a report generator does not
 * use. Only the vision tower is loaded; the projector starts fresh, as in M3D's own LaMed training.
 */
public final class M3dClip {
  public static final String MODEL_TYPE = "m3d_clip";
  private static final String PREFIX = VisionNames.Layout.M3D_CLIP.prefix();

  private M3dClip() {}

  /** Whether {@code path} is an M3D-CLIP release directory (its config.json says {@value #MODEL_TYPE}). */
  public static boolean isRelease(Path path) {
    Path cfg = path.resolve("config.json");
    if (!Files.isDirectory(path) || !Files.isRegularFile(cfg)) {
      return false;
    }
    try {
      JsonElement e = JsonParser.parseString(Files.readString(cfg, StandardCharsets.UTF_8));
      return e.isJsonObject() && e.getAsJsonObject().has("model_type")
          && MODEL_TYPE.equals(e.getAsJsonObject().get("model_type").getAsString());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The vision tower the release was trained with (M3D's ViT: LayerNorm eps 1e-5, no qkv bias).
   *
   * @throws IllegalArgumentException naming config.json and the field when it is missing or malformed
   */
  public static ViTConfig vision(Path dir) {
    Path file = dir.resolve("config.json");
    try {
      JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      String pos = o.has("pos_embed") ? o.get("pos_embed").getAsString() : "perceptron";
      if (!pos.equals("perceptron")) {
        throw new IllegalArgumentException("pos_embed \"" + pos + "\" is not supported (only \"perceptron\")");
      }
      int[] img = ints(o, "img_size", new int[] {32, 256, 256});
      int[] patch = ints(o, "patch_size", new int[] {4, 16, 16});
      return new ViTConfig(intOr(o, "in_channels", 1), img[0], img[1], img[2], patch[0], patch[1], patch[2],
          intOr(o, "hidden_size", 768), intOr(o, "num_layers", 12), intOr(o, "num_heads", 12),
          intOr(o, "mlp_dim", 3072), 1e-5, false);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads the release's vision encoder into {@code model}'s vision tower; every other part keeps its weights.
   *
   * @throws IllegalArgumentException when the release's encoder is not the model's (one line naming both), or when
   *     a vision tensor is missing or mis-shaped (one line listing them)
   */
  public static ModuleLoader.Report loadVision(MultimodalModel model, Path dir) {
    ViTConfig theirs = vision(dir);
    ViTConfig ours = model.config().vision();
    if (!describe(theirs).equals(describe(ours)) || !ours.stem().equals(ViTConfig.PATCH_STEM)) {
      throw new IllegalArgumentException(dir + " holds an M3D-CLIP encoder for " + describe(theirs)
          + ", but this model's vision tower is " + describe(ours) + " (" + ours.stem() + " stem)");
    }
    try (TensorSource src = Safetensors.open(dir)) {
      return ModuleLoader.load(model, src, n -> n.startsWith(PREFIX) ? "vision_tower." + n.substring(PREFIX.length())
          : null, n -> !n.startsWith("vision_tower.") || model.namedParameters().get(n).buffer());
    } catch (CheckpointException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String describe(ViTConfig v) {
    return String.format("input %dx%dx%dx%d, patch %dx%dx%d, hidden %d, %d layers, %d heads, MLP %d", v.channels(),
        v.depth(), v.height(), v.width(), v.patchD(), v.patchH(), v.patchW(), v.hidden(), v.layers(), v.heads(),
        v.mlpDim());
  }

  private static int intOr(JsonObject o, String key, int dflt) {
    return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsInt() : dflt;
  }

  private static int[] ints(JsonObject o, String key, int[] dflt) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      return dflt;
    }
    JsonArray a = o.getAsJsonArray(key);
    List<Integer> v = new ArrayList<>();
    a.forEach(x -> v.add(x.getAsInt()));
    if (v.size() != 3) {
      throw new IllegalArgumentException(key + " must have 3 values, got " + a);
    }
    return new int[] {v.get(0), v.get(1), v.get(2)};
  }
}
