package org.scribe3d.recipe;

import java.util.List;
import java.util.Locale;

/** The value checks of a {@link Recipe}: ranges, names, and combinations that cannot work together. */
final class RecipeChecks {
  static final List<String> PRESETS = List.of("tiny", "paper", "paper-reduced");

  private RecipeChecks() {}

  static void check(Recipe r) {
    if (r.model == null || r.init == null || r.trainable == null || r.image == null || r.prompts == null
        || r.data == null || r.optim == null || r.validation == null || r.decoding == null) {
      throw new RecipeException("recipe", "a section is null; leave it out to take the defaults");
    }
    r.model.preset = r.model.preset == null ? "tiny" : r.model.preset.toLowerCase(Locale.ROOT);
    if (!PRESETS.contains(r.model.preset)) {
      throw new RecipeException("model.preset", "must be one of " + PRESETS + ", got '" + r.model.preset + "'");
    }
    if (r.model.visionStem != null) {
      r.model.visionStem = r.model.visionStem.toLowerCase(Locale.ROOT);
      if (!r.model.visionStem.equals("patch") && !r.model.visionStem.equals("conv")) {
        throw new RecipeException("model.vision_stem", "must be patch or conv, got '" + r.model.visionStem + "'");
      }
      if (r.model.visionStem.equals("conv") && (!r.model.preset.equals("tiny") || r.model.config != null)) {
        throw new RecipeException("model.vision_stem", "conv applies to the tiny preset only (the paper's encoder is"
            + " M3D-CLIP's; a model.config states its own stem)");
      }
    }
    if (!Recipe.FULL.equals(r.trainable.vision) && !Recipe.FROZEN.equals(r.trainable.vision)) {
      throw new RecipeException("trainable.vision", "must be full or frozen, got '" + r.trainable.vision + "'");
    }
    Recipe.Lora l = r.trainable.lora;
    if (l == null) {
      throw new RecipeException("trainable.lora", "leave it out to take the preset's adapters");
    }
    if (l.r != null && l.r < 0) {
      throw new RecipeException("trainable.lora.r", "must be >= 0 (0: no adapters), got " + l.r);
    }
    if (l.alpha != null && !(l.alpha > 0)) {
      throw new RecipeException("trainable.lora.alpha", "must be > 0, got " + l.alpha);
    }
    if (l.dropout != null && !(l.dropout >= 0 && l.dropout < 1)) {
      throw new RecipeException("trainable.lora.dropout", "must be in [0, 1), got " + l.dropout);
    }
    if (l.targetModules != null && l.targetModules.isEmpty()) {
      throw new RecipeException("trainable.lora.target_modules", "is empty");
    }
    nonNegative("image.finding_loss", r.image.findingLoss);
    nonNegative("image.box_loss", r.image.boxLoss);
    if (r.image.pretrainEpochs < 0) {
      throw new RecipeException("image.pretrain_epochs", "must be >= 0, got " + r.image.pretrainEpochs);
    }
    if (r.image.boxLoss > 0 && r.image.pretrainEpochs == 0) {
      throw new RecipeException("image.box_loss", "trains the dense finding head in vision pretraining: it needs"
          + " image.pretrain_epochs > 0");
    }
    if (!(r.prompts.trueHints >= 0 && r.prompts.trueHints <= 1)) {
      throw new RecipeException("prompts.true_hints", "must be in [0, 1], got " + r.prompts.trueHints);
    }
    if (r.prompts.trueHints > 0 && !r.prompts.findingHints) {
      throw new RecipeException("prompts.true_hints", "needs prompts.finding_hints");
    }
    if (r.prompts.hintThresholds != null && !r.prompts.findingHints) {
      throw new RecipeException("prompts.hint_thresholds", "needs prompts.finding_hints");
    }
    if (r.prompts.findingHints && (r.image.blind || !r.freezeVision() || r.image.findingLoss > 0
        || r.image.pretrainEpochs > 0 || r.init.vision == null)) {
      throw new RecipeException("prompts.finding_hints", "needs init.vision (with a finding head) and trainable.vision"
          + " frozen, and cannot be combined with image.blind, image.finding_loss or image.pretrain_epochs");
    }
    Recipe.Optim o = r.optim;
    if (o.lr != null && !(o.lr > 0 && Double.isFinite(o.lr))) {
      throw new RecipeException("optim.lr", "must be a positive number, got " + o.lr);
    }
    if (!"cosine".equals(o.schedule) && !"constant".equals(o.schedule)) {
      throw new RecipeException("optim.schedule", "must be cosine or constant, got '" + o.schedule + "'");
    }
    if (!(o.warmup >= 0 && o.warmup <= 1)) {
      throw new RecipeException("optim.warmup", "must be in [0, 1], got " + o.warmup);
    }
    if (o.epochs < 0) { // 0: no training step; the run is its init weights (hints and statistics still judged)
      throw new RecipeException("optim.epochs", "must be >= 0 (0: no training, the run keeps its init weights), got "
          + o.epochs);
    }
    atLeastOne("optim.batch", o.batch);
    atLeastOne("optim.accumulation", o.accumulation);
    if (o.maxSteps < 0) {
      throw new RecipeException("optim.max_steps", "must be >= 0 (0: the epochs decide), got " + o.maxSteps);
    }
    nonNegative("optim.max_grad_norm", o.maxGradNorm);
    nonNegative("optim.weight_decay", o.weightDecay);
    if (r.validation.samples < 0) {
      throw new RecipeException("validation.samples", "must be >= 0, got " + r.validation.samples);
    }
    if (r.validation.every < 0) {
      throw new RecipeException("validation.every", "must be >= 0, got " + r.validation.every);
    }
  }

  private static void nonNegative(String key, double v) {
    if (!(v >= 0) || !Double.isFinite(v)) {
      throw new RecipeException(key, "must be a finite number >= 0, got " + v);
    }
  }

  private static void atLeastOne(String key, long v) {
    if (v < 1) {
      throw new RecipeException(key, "must be at least 1, got " + v);
    }
  }
}
