package org.scribe3d.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.data.PhantomTruth;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.lora.LoraConfig;
import org.scribe3d.model.multimodal.EncoderFile;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.recipe.RecipeException;
import org.scribe3d.run.RunDirectory;
import org.scribe3d.text.FindingLabels;

/**
 * The model a run builds, as its recipe describes it: the preset (or a given config), the tiny preset's restricted
 * vocabulary over the corpus (and a pretrained language model's tokens), the finding heads the image side needs, token
 * standardisation and LoRA. Written first to the run's model config so that a resume rebuilds the same model; a
 * resume reads it back.
 */
final class RunModelConfig {
  /** What decides the model beyond the recipe: the encoder file it starts from and the labels the data give. */
  record Inputs(Path initFile, MultimodalConfig initCfg, List<String> headLabels, List<String> hintLabels,
      Map<String, List<PhantomTruth.Located>> boxes) {}

  private RunModelConfig() {}

  static MultimodalConfig resolve(Recipe r, RunDirectory run, boolean resume, Inputs in, TextTokenizer tt,
      List<TrainingExample> train, List<TrainingExample> val) throws IOException {
    Path cfgFile = run.modelConfig();
    MultimodalConfig cfg;
    boolean resumed = resume && Files.isRegularFile(cfgFile);
    if (resumed) {
      cfg = MultimodalConfig.load(cfgFile);
      if (r.model.config == null && !cfg.name().equals(r.model.preset)) {
        throw new IllegalArgumentException("cannot resume: " + run.dir() + " holds a '" + cfg.name() + "' run, not '"
            + r.model.preset + "'");
      }
      if (r.image.standardizeTokens && !cfg.standardizeTokens()) {
        throw new IllegalArgumentException("cannot resume: " + run.dir() + " was started without"
            + " image.standardize_tokens");
      }
      return cfg;
    }
    if (r.model.config != null) {
      cfg = MultimodalConfig.load(Path.of(r.model.config));
      if (r.image.findingLoss > 0 && cfg.findingLabels() == null) {
        cfg = cfg.withFindingHead(in.headLabels());
      }
      cfg = cfg.withTokenStandardization(cfg.standardizeTokens() || r.image.standardizeTokens);
    } else {
      String stem = r.model.visionStem != null ? r.model.visionStem
          : in.initCfg() != null ? in.initCfg().vision().stem() : ViTConfig.PATCH_STEM;
      List<String> extraTexts = in.hintLabels() == null ? List.of()
          : CorpusVocabulary.hintTexts(in.hintLabels(), train, val);
      // a Scribe3D language model to start from brings its vocabulary along (its rows are those tokens)
      Path lm = r.init.languageModel == null ? null : Path.of(r.init.languageModel);
      MultimodalConfig lmCfg = lm == null ? null : MultimodalModel.scribe3dConfig(lm);
      long[] lmIds = lmCfg == null || lmCfg.vocab() == null ? new long[0] : lmCfg.vocab().originalIds();
      cfg = r.model.preset.equals("tiny")
          ? ModelPresets.tiny(CorpusVocabulary.of(tt, train, val, extraTexts, lmIds), stem)
          : ModelPresets.byName(r.model.preset, null);
      if (r.image.findingLoss > 0) {
        cfg = cfg.withFindingHead(in.headLabels());
      }
      cfg = cfg.withTokenStandardization(r.image.standardizeTokens);
    }
    if (in.hintLabels() != null && cfg.findingLabels() == null) {
      cfg = cfg.withFindingHead(in.hintLabels());
    }
    cfg = cfg.withLora(lora(r.trainable.lora, cfg.lora()));
    if (in.initCfg() != null) {
      EncoderFile.checkFits(in.initCfg(), cfg, in.initFile());
    }
    if (r.image.findingLoss > 0 && cfg.findingLabels() == null) {
      throw new IllegalArgumentException("image.finding_loss needs a model with a finding head (" + cfgFile
          + " has none; start a new run)");
    }
    if (r.image.boxLoss > 0 && cfg.findingLabels() == null) {
      throw new IllegalArgumentException("image.box_loss needs a finding head (image.finding_loss > 0)");
    }
    // the dense head: trained here on the boxes, or carried over with the encoder file's
    List<String> dense = in.boxes() != null ? DenseTargets.labels(in.boxes(), cfg.findingLabels())
        : in.initCfg() != null && in.initCfg().denseLabels() != null
            && Objects.equals(in.initCfg().findingLabels(), cfg.findingLabels()) ? in.initCfg().denseLabels() : null;
    if (in.boxes() != null && dense.isEmpty()) {
      throw new IllegalArgumentException("the ground truth has no finding boxes over the finding head's labels:"
          + " image.box_loss has nothing to learn");
    }
    if (dense != null) {
      cfg = cfg.withDenseLabels(dense);
    }
    AtomicFiles.writeString(cfgFile, cfg.toJsonString());
    return cfg;
  }

  /** The recipe's adapters over the preset's: unset fields take the preset's (or the paper's), r 0 = none. */
  static LoraConfig lora(Recipe.Lora l, LoraConfig preset) {
    if (l.r == null && l.alpha == null && l.dropout == null && l.targetModules == null) {
      return preset;
    }
    LoraConfig base = preset != null ? preset : LoraConfig.paper();
    int rank = l.r != null ? l.r : preset != null ? preset.r() : 0;
    if (rank == 0) {
      return null;
    }
    try {
      return new LoraConfig(rank, l.alpha != null ? l.alpha : base.alpha(), l.dropout != null ? l.dropout
          : base.dropout(), l.targetModules != null ? l.targetModules : base.targetModules());
    } catch (IllegalArgumentException e) {
      throw new RecipeException("trainable.lora", e.getMessage());
    }
  }

  /** The finding-head labels of the training scans, the encoder file's if it has a head (those this set lacks stay 0). */
  static List<String> headLabels(Map<java.nio.file.Path, List<String>> trainLabels, MultimodalConfig initCfg) {
    if (trainLabels == null) {
      return null;
    }
    return initCfg != null && initCfg.findingLabels() != null ? initCfg.findingLabels()
        : FindingLabels.vocabulary(trainLabels.values());
  }
}
