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
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.prompt.HintThresholds;
import org.scribe3d.prompt.Llama3Tokenizer;
import org.scribe3d.prompt.PromptBuilder;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.run.RunDirectory;

/**
 * A trained run directory opened for generation: its model ({@link RunDirectory#model()}), the vendored
 * Llama-3 tokenizer and the prompt layout the run trained with (BOS, image placeholders, prompt text), its
 * preprocessing ({@link ScanPreprocessor}), whether its image embeddings are zeroed (a blind-control run, or
 * asked for), and — for runs trained with finding hints ({@link RunDirectory#findingHints()}) — the
 * thresholds at which its hints name a finding. Owns the model's and the tokenizer's native memory.
 */
final class LoadedRun implements AutoCloseable {
  private final RunDirectory dir;
  private final NDManager manager;
  private final MultimodalModel model;
  private final Llama3Tokenizer tokenizer;
  private final TextTokenizer text;
  private final PromptBuilder prompts;
  private final ScanPreprocessor preprocessor;
  /** Per finding-head label, the probability at which a hint names it (NaN: never); null without hints. */
  private final double[] hintThresholds;

  private LoadedRun(RunDirectory dir, NDManager manager, MultimodalModel model, Llama3Tokenizer tokenizer,
      ScanPreprocessor preprocessor, double[] hintThresholds) {
    this.dir = dir;
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
  static LoadedRun open(Path run, boolean blind, Path cacheDir, Integer threads, PrintStream log) throws IOException {
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
      return new LoadedRun(dir, m, model, tok, preprocessor, hintThresholds(dir, model));
    } catch (RuntimeException | IOException e) {
      if (tok != null) {
        tok.close();
      }
      m.close();
      throw e;
    }
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
    return dir.dir();
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

  /** Prompt text → BOS, image placeholders, prompt tokens, in model ids. */
  long[] toModelIds(String prompt) {
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
