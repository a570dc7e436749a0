package org.scribe3d.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.M3dLamed;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.prompt.HintThresholds;
import org.scribe3d.prompt.Llama3Tokenizer;
import org.scribe3d.prompt.PromptBuilder;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.run.RunDirectory;
import org.scribe3d.volume.Pipeline;

/**
 * A model opened for generation, with everything its prompts and scans need: either a trained run directory
 * ({@link #open}: its model ({@link RunDirectory#model()}), the vendored Llama-3 tokenizer, the prompt layout the
 * run trained with (BOS, image placeholders, prompt text), its preprocessing, whether its image embeddings are
 * zeroed (a blind-control run, or asked for) and, for runs trained with finding hints
 * ({@link RunDirectory#findingHints()}), the thresholds at which its hints name a finding) or a released M3D-LaMed
 * directory ({@link #openLamed}: its own tokenizer and M3D's prompt text {@code "<im_patch>" × K + prompt}, M3D's
 * data preparation at the model's input size). Both splice the image features over positions 1..K after any left
 * padding, which is M3D's {@code cat(emb[:, :1], image_features, emb[:, K+1:])}. Owns the model's and the
 * tokenizer's native memory.
 */
final class LoadedModel implements AutoCloseable {
  private final Path dir;
  private final boolean lamed;
  private final NDManager manager;
  private final MultimodalModel model;
  private final Llama3Tokenizer tokenizer;
  private final TextTokenizer text;
  private final PromptBuilder prompts;
  private final ScanPreprocessor preprocessor;
  /** Per finding-head label, the probability at which a hint names it (NaN: never); null without hints. */
  private final double[] hintThresholds;

  private LoadedModel(Path dir, boolean lamed, NDManager manager, MultimodalModel model,
      Llama3Tokenizer tokenizer, ScanPreprocessor preprocessor, double[] hintThresholds) {
    this.dir = dir;
    this.lamed = lamed;
    this.manager = manager;
    this.model = model;
    this.tokenizer = tokenizer;
    this.text = TextTokenizer.of(tokenizer);
    MultimodalConfig cfg = model.config();
    this.prompts = new PromptBuilder(text, cfg.imageTokens(), cfg.imageTokenId(), cfg.maxLength());
    this.preprocessor = preprocessor;
    this.hintThresholds = hintThresholds;
  }

  /**
   * Opens {@code run}: loads its model and preprocessing, notes on {@code log} what it falls back to or
   * detects (no recorded pipeline; a blind-control run).
   *
   * @param blind zero the image embeddings even if the run is not a blind control
   * @param cacheDir on-disk cache of preprocessed volumes, or null
   * @param threads torch intra-op threads (process-wide), or null to leave them as they are
   * @throws IllegalArgumentException if the directory, its model, its pipeline or its hints file is missing or unusable
   */
  static LoadedModel open(Path run, boolean blind, Path cacheDir, Integer threads, PrintStream log) throws IOException {
    if (!Files.isDirectory(run)) {
      throw new IllegalArgumentException("run directory " + run + " does not exist");
    }
    RunDirectory dir = RunDirectory.of(run);
    Path modelDir = dir.model();
    if (!Files.isRegularFile(modelDir.resolve(MultimodalModel.CONFIG_FILE))
        || !Files.isRegularFile(modelDir.resolve(MultimodalModel.WEIGHTS_FILE))) {
      throw new IllegalArgumentException(run + " has no trained model (" + modelDir + "/" + MultimodalModel.CONFIG_FILE
          + " and " + MultimodalModel.WEIGHTS_FILE + "; they are written when training ends)");
    }
    MultimodalConfig cfg = MultimodalConfig.load(modelDir.resolve(MultimodalModel.CONFIG_FILE));
    int[] dhw = {cfg.vision().depth(), cfg.vision().height(), cfg.vision().width()};
    Recipe recipe = Files.isRegularFile(dir.recipe()) ? dir.readRecipe() : null; // read once: pipeline and blindness
    ScanPreprocessor preprocessor = new ScanPreprocessor(dir, recipe, dhw, cacheDir, log);
    boolean blindRun = recipe != null && recipe.image.blind;
    if (blindRun) {
      log.println("note: " + run + " is a blind-control run: image embeddings are zeroed, as in its training");
    }
    NDManager m = NDManager.newBaseManager(); // loads the engine (its native library) first
    Llama3Tokenizer tok = null;
    try {
      if (threads != null) {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
      }
      MultimodalModel model = MultimodalModel.load(modelDir, m, DataType.FLOAT32);
      model.setBlind(blind || blindRun);
      tok = Llama3Tokenizer.vendored();
      return new LoadedModel(run, false, m, model, tok, preprocessor, hintThresholds(dir, model));
    } catch (RuntimeException | IOException e) {
      if (tok != null) {
        tok.close();
      }
      m.close();
      throw e;
    }
  }

  /**
   * Opens a released M3D-LaMed directory ({@link M3dLamed}) with its own tokenizer; NIfTI scans get M3D's data
   * preparation (reorient, min-max normalise, crop the foreground, resize to the model's input), {@code .npy}
   * inputs are taken as preprocessed.
   *
   * @param weights the language model's weight type in memory (vision and projector stay float32)
   * @throws IllegalArgumentException if the directory, its config, its tokenizer or its tensors are not as M3D
   *     publishes them
   */
  static LoadedModel openLamed(Path dir, DataType weights, boolean blind, Path cacheDir, Integer threads,
      PrintStream log) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("model directory " + dir + " does not exist");
    }
    if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
      throw new IllegalArgumentException(dir + " has no tokenizer.json (M3D-LaMed directories ship their tokenizer)");
    }
    NDManager m = NDManager.newBaseManager();
    Llama3Tokenizer tok = null;
    try {
      if (threads != null) {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
      }
      tok = Llama3Tokenizer.load(dir);
      long image = tok.tokenId(M3dLamed.IMAGE_TOKEN);
      if (image < 0) {
        throw new IllegalArgumentException(dir.resolve("tokenizer.json") + " has no " + M3dLamed.IMAGE_TOKEN
            + " token (M3D adds it to the tokenizer it releases)");
      }
      MultimodalConfig cfg = M3dLamed.config(dir, image);
      int[] dhw = {cfg.vision().depth(), cfg.vision().height(), cfg.vision().width()};
      ScanPreprocessor preprocessor = new ScanPreprocessor(Pipeline.defaults(dhw, null, true, true), dhw, cacheDir);
      MultimodalModel model = M3dLamed.load(dir, cfg, m, weights, log);
      model.setBlind(blind);
      return new LoadedModel(dir, true, m, model, tok, preprocessor, null);
    } catch (RuntimeException | IOException e) {
      if (tok != null) {
        tok.close();
      }
      m.close();
      throw e;
    }
  }

  /** Whether this is a released M3D-LaMed model (its prompt text and conventions), not a Scribe3D run. */
  boolean lamed() {
    return lamed;
  }

  /**
   * The hint thresholds of a run trained with finding hints, or null: a run without a hints file, or a blind
   * run (hints come from the image).
   */
  private static double[] hintThresholds(RunDirectory dir, MultimodalModel model) throws IOException {
    Path file = dir.findingHints();
    if (!Files.isRegularFile(file) || model.isBlind()) {
      return null;
    }
    if (!model.hasFindingHead()) {
      throw new IllegalArgumentException(dir.dir() + " was trained with finding hints (" + file.getFileName()
          + ") but its model has no finding head");
    }
    return HintThresholds.read(file, model.config().findingLabels());
  }

  Path dir() {
    return dir;
  }

  MultimodalModel model() {
    return model;
  }

  MultimodalConfig config() {
    return model.config();
  }

  /** The base manager that owns the model; per-call work runs in sub-managers of it. */
  NDManager manager() {
    return manager;
  }

  TextTokenizer text() {
    return text;
  }

  /** The model's own tokenizer (original, unrestricted ids). */
  Llama3Tokenizer tokenizer() {
    return tokenizer;
  }

  PromptBuilder prompts() {
    return prompts;
  }

  ScanPreprocessor preprocessor() {
    return preprocessor;
  }

  /** Whether prompts carry the finding head's hint, as in the run's training. */
  boolean hints() {
    return hintThresholds != null;
  }

  /** Per finding-head label, the probability at which a hint names it (NaN: never); null without hints. */
  double[] hintThresholds() {
    return hintThresholds;
  }

  /**
   * Prompt text → model ids: BOS, image placeholders, prompt tokens for a run; for an M3D-LaMed model, its
   * tokenizer's ids of {@code "<im_patch>" × K + prompt} (BOS as its tokenizer_config says).
   */
  long[] toModelIds(String prompt) {
    if (lamed) {
      MultimodalConfig c = model.config();
      long[] ids = tokenizer.encodeAsModel(M3dLamed.IMAGE_TOKEN.repeat(c.imageTokens()) + prompt);
      if (ids.length > c.maxLength() - 1) {
        throw new IllegalArgumentException("prompt of " + ids.length + " tokens leaves no room to generate within the"
            + " model's " + c.maxLength() + " positions: " + prompt);
      }
      return ids;
    }
    long[] original = prompts.prompt(prompt);
    VocabMap vocab = model.config().vocab();
    if (vocab == null) {
      return original;
    }
    try {
      return vocab.toCompact(original);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("prompt '" + prompt + "' cannot be given to this model: " + e.getMessage()
          + " (the run's vocabulary holds only the tokens of its training corpus)", e);
    }
  }

  /** {@link #toModelIds} of each prompt. */
  List<long[]> toModelIds(List<String> texts) {
    List<long[]> out = new ArrayList<>();
    for (String t : texts) {
      out.add(toModelIds(t));
    }
    return out;
  }

  /** Generated tokens (model ids) as text, stripped. */
  String decode(long[] tokens) {
    VocabMap vocab = model.config().vocab();
    return text.decode(vocab == null ? tokens : vocab.toOriginal(tokens)).strip();
  }

  /**
   * Token embeddings of {@code flat} [b, t] (model ids) with row i's image embeddings [K, H] spliced over
   * its K placeholders starting at {@code imageStart[i]} (the prompt layout: right after BOS), owned by
   * {@code cm}.
   */
  NDArray embedWithImages(long[] flat, int b, int t, NDArray[] rowImages, int[] imageStart, NDManager cm) {
    try (NDScope scope = new NDScope()) {
      NDArray embeds = MultimodalModel.splice(model.llm().embed(cm.create(flat, new Shape(b, t))),
          NDArrays.stack(new NDList(rowImages)), imageStart);
      embeds.attach(cm);
      NDScope.unregister(embeds);
      return embeds;
    }
  }

  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
