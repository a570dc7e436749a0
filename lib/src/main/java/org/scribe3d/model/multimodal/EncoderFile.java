package org.scribe3d.model.multimodal;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.scribe3d.checkpoint.CheckpointException;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.model.vision.ViTConfig;

/**
 * A pretrained image side in one safetensors file: the vision tower, the projector and (when the
 * model has one) the finding head, under the model's own parameter names, with the model config in
 * the metadata so a load can check the shapes it was made for before touching any weight.
 *
 * <p>Why: the paper fine-tunes from M3D-CLIP's pretrained encoder. The tiny preset has no public
 * counterpart, so {@code train --pretrain-epochs} writes one of these and {@code train --vision-init}
 * starts a new run (on any data set) from it; the language model is never part of the file. The
 * finding head reads the encoder's tokens, so vision pretraining leaves the projector as initialised:
 * the file carries it for completeness, and the language-model stage trains it.
 */
public final class EncoderFile {
  /** Metadata key holding the full model config JSON the encoder was trained in. */
  public static final String CONFIG_KEY = "scribe3d_model_config";
  /**
   * Metadata key holding the preprocessing pipeline JSON the encoder was trained on: its features are
   * only meaningful on inputs prepared the same way (window, orientation, size), so a run started from
   * the file uses it unless told otherwise.
   */
  public static final String PIPELINE_KEY = "scribe3d_pipeline";
  /** Parameter-name prefixes of the parts the file holds. */
  static final List<String> PARTS = List.of("vision_tower.", "mm_projector.");
  /** Parameter-name prefix of the finding head, loaded only over the same labels. */
  public static final String HEAD = "finding_head.";
  /** Parameter-name prefix of the dense finding head, loaded only over the same dense labels. */
  public static final String DENSE = "finding_dense.";

  private EncoderFile() {}

  /**
   * Writes the model's vision tower, projector and finding head (if any) to {@code file} atomically.
   * Buffers are left out (the projector's token statistics describe one run's scans, not the encoder); a
   * load leaves the model's own.
   *
   * @param provenance extra metadata (how the encoder was trained), stored as strings
   */
  public static void save(MultimodalModel model, Path file, Map<String, String> provenance) {
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    model.namedParameters().forEach((name, p) -> {
      if (isImageSide(name) && !p.buffer()) { // buffers (the projector's token statistics) describe one run's scans
        tensors.put(name, p.array());
      }
    });
    Map<String, String> meta = new TreeMap<>(provenance);
    meta.put("format", "pt");
    meta.put(CONFIG_KEY, model.config().toJsonString());
    Safetensors.write(file, tensors, meta);
  }

  /**
   * What an encoder file says about itself.
   *
   * @param config the model config it was trained in
   * @param pipelineJson the preprocessing pipeline it was trained on, or null (files from before it was
   *     stored)
   */
  public record Header(MultimodalConfig config, String pipelineJson) {}

  /** The config and pipeline stored in an encoder file (its header only; no weights are read). */
  public static Header header(Path file) {
    try (TensorSource src = open(file)) {
      return new Header(config(src, file), src.metadata().get(PIPELINE_KEY));
    }
  }

  /**
   * Loads the file's vision tower and projector into {@code model}, and its finding head when the
   * model has one over the same labels; the language model keeps its weights.
   *
   * @throws IllegalArgumentException when the file is not an encoder file or was made for another
   *     encoder shape (one line naming both shapes)
   */
  public static ModuleLoader.Report load(MultimodalModel model, Path file) {
    try (TensorSource src = open(file)) {
      MultimodalConfig theirs = config(src, file);
      MultimodalConfig ours = model.config();
      checkFits(theirs, ours, file);
      boolean head = ours.findingLabels() != null && ours.findingLabels().equals(theirs.findingLabels());
      boolean dense = head && ours.denseLabels() != null && ours.denseLabels().equals(theirs.denseLabels());
      try {
        return ModuleLoader.load(model, src,
            n -> isImageSide(n) && (head || !n.startsWith(HEAD)) && (dense || !n.startsWith(DENSE)) ? n : null,
            n -> !PARTS.stream().anyMatch(n::startsWith) && !(head && n.startsWith(HEAD))
                && !(dense && n.startsWith(DENSE))
                || model.namedParameters().get(n).buffer());
      } catch (CheckpointException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
  }

  /**
   * Checks that an encoder trained in {@code theirs} fits a model built from {@code ours}.
   *
   * @throws IllegalArgumentException naming both encoder shapes
   */
  public static void checkFits(MultimodalConfig theirs, MultimodalConfig ours, Path file) {
    if (!describe(theirs).equals(describe(ours))) {
      throw new IllegalArgumentException(file + " holds an encoder for " + describe(theirs) + ", but this model has "
          + describe(ours));
    }
  }

  /**
   * The shape facts an encoder's weights depend on, as one readable line. The projector's pooling (so
   * the number of image tokens) is not one of them: its weights act per token.
   */
  static String describe(MultimodalConfig c) {
    ViTConfig v = c.vision();
    return String.format(Locale.ROOT, "a ViT3D with the %s stem on %d×%d×%d×%d input, patch %d×%d×%d, %d wide,"
            + " %d layers, %d heads, MLP %d, qkv bias %s, image tokens of width %d", v.stem(), v.channels(), v.depth(),
        v.height(), v.width(), v.patchD(), v.patchH(), v.patchW(), v.hidden(), v.layers(), v.heads(),
        v.mlpDim(), v.qkvBias(), c.llm().hiddenSize());
  }

  private static boolean isImageSide(String name) {
    return name.startsWith(HEAD) || name.startsWith(DENSE) || PARTS.stream().anyMatch(name::startsWith);
  }

  private static TensorSource open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no pretrained encoder file " + file);
    }
    return Safetensors.open(file);
  }

  private static MultimodalConfig config(TensorSource src, Path file) {
    String json = src.metadata().get(CONFIG_KEY);
    if (json == null) {
      throw new IllegalArgumentException(file + " is not a Scribe3D encoder file (no " + CONFIG_KEY
          + " metadata; train with image.pretrain_epochs > 0 writes one to RUN/pretrain/encoder.safetensors)");
    }
    return MultimodalConfig.fromJson(JsonParser.parseString(json).getAsJsonObject(),
        file + " (metadata)");
  }
}
