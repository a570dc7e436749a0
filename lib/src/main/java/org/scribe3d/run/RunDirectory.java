package org.scribe3d.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.recipe.RecipeFiles;

/**
 * A training run's directory and the one place its file names are spelled. A run holds its resolved recipe
 * ({@link #recipe()}), the model config it was built with, the trainer's state (metrics, checkpoints), the
 * finished model, the finding-hint vocabulary it computed, an optional vision-pretraining stage, and its
 * evaluations.
 */
public record RunDirectory(Path dir) {
  public RunDirectory {
    if (dir == null) {
      throw new IllegalArgumentException("a run directory is required");
    }
  }

  public static RunDirectory of(Path dir) {
    return new RunDirectory(dir);
  }

  /** The recipe the run was trained with, every default resolved ({@code recipe.json}). */
  public Path recipe() {
    return dir.resolve("recipe.json");
  }

  /** The model's architecture, written first so that a resume rebuilds the same model. */
  public Path modelConfig() {
    return dir.resolve("model-config.json");
  }

  /** The trainer's schedule and step counts (a resume checks it). */
  public Path trainConfig() {
    return dir.resolve("train-config.json");
  }

  /** One JSON line per logged step and validation. */
  public Path metrics() {
    return dir.resolve("metrics.jsonl");
  }

  /** Atomic checkpoints of the trainable tensors and optimizer state, the last few kept. */
  public Path checkpoints() {
    return dir.resolve("checkpoints");
  }

  /** The finished model (config.json + model.safetensors) for generation. */
  public Path model() {
    return dir.resolve("model");
  }


  /** Which finding types (and severities) the run's hints may name, judged on its training scans. */
  public Path findingHints() {
    return dir.resolve("finding-hints.json");
  }


  /** The vision-pretraining stage's own trainer directory. */
  public Path pretrainDir() {
    return dir.resolve("pretrain");
  }

  /** The image side the vision-pretraining stage ends with. */
  public Path pretrainedEncoder() {
    return pretrainDir().resolve("encoder.safetensors");
  }

  /** Where {@code evaluate --run} writes by default. */
  public Path evalDir() {
    return dir.resolve("eval");
  }

  /** The predictions {@code evaluate --run} generates, inside {@code evalDir}. */
  public static Path predictions(Path evalDir) {
    return evalDir.resolve("predictions.jsonl");
  }

  /** The scores {@code evaluate} writes, inside {@code evalDir}. */
  public static Path evalJson(Path evalDir) {
    return evalDir.resolve("eval.json");
  }

  /** The run's resolved recipe; a directory without one is not a Scribe3D training run. */
  public Recipe readRecipe() throws IOException {
    if (!Files.isRegularFile(recipe())) {
      throw new IllegalArgumentException(dir + " has no recipe.json: not a run that scribe3d train wrote");
    }
    return RecipeFiles.read(recipe());
  }

  /** Whether the run is a blind control (image embeddings zeroed in training, so in generation too). */
  public boolean isBlind() throws IOException {
    return Files.isRegularFile(recipe()) && readRecipe().image.blind;
  }
}
