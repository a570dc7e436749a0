package org.scribe3d.model.multimodal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.Placeholders;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.checkpoint.VisionNames;
import org.scribe3d.generate.GenerationConfig;
import org.scribe3d.generate.GenerationResult;
import org.scribe3d.generate.Generator;
import org.scribe3d.generate.LogitsSource;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.llama.LlamaForCausalLM;
import org.scribe3d.model.lora.LoraLinear;
import org.scribe3d.prompt.FindingHint;
import org.scribe3d.prompt.PromptBuilder;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.model.lora.LoraAdapters;
import org.scribe3d.model.nn.Linear;
import org.scribe3d.model.nn.Module;
import org.scribe3d.model.projector.SpatialPoolingProjector;
import org.scribe3d.model.vision.ViT3D;

/**
 * ViT3D → spatial-pooling projector → Llama (+ LoRA), M3D style: the prompt holds K image placeholder
 * tokens right after BOS and their embeddings are replaced by the K image embeddings.
 *
 * <p>Parameter names: {@code vision_tower.*} (bare ViT names), {@code mm_projector.projector.{0,2}.*},
 * {@code llm.*} (Hugging Face Llama names; adapters {@code llm.<layer>.lora.A/B}). Token ids given to
 * the model are model ids — compact ids when the config has a restricted vocabulary.
 *
 * <p>Trainable set as in the paper: ViT and projector in full; the language model through LoRA when
 * the config has adapters (base frozen), else in full.
 *
 * <p>Blind control ({@link #setBlind}): the image embeddings are zeros, so nothing about the image
 * reaches the language model; the encoder is then not run at all (its output would be discarded).
 */
public final class MultimodalModel extends Module {
  public static final String CONFIG_FILE = "config.json";
  public static final String WEIGHTS_FILE = "model.safetensors";

  private final MultimodalConfig config;
  private final ViT3D vision;
  private final SpatialPoolingProjector projector;
  private final LlamaForCausalLM llm;
  private final LoraAdapters lora;
  private final Linear findingHead;
  private final Linear findingDense;
  private final long imageTokenId;
  private boolean blind;

  /** A randomly initialised model (seeded), adapters attached if the config has LoRA. */
  public MultimodalModel(MultimodalConfig config, NDManager manager, DataType dtype, long seed) {
    this(config, null, manager, dtype, seed);
  }

  /**
   * A model around an existing language model (e.g. {@link LlamaForCausalLM#load} of
   * Asclepius-Llama3-8B, so its 8B weights are not first allocated at random); vision and projector
   * are random (seeded), adapters attached if the config has LoRA. {@code llm} null = random.
   */
  public MultimodalModel(MultimodalConfig config, LlamaForCausalLM llm, NDManager manager, DataType dtype, long seed) {
    if (llm != null && !llm.config().equals(config.llm())) {
      throw new IllegalArgumentException("the language model's config does not match the multimodal config's llm");
    }
    this.config = config;
    this.vision = child("vision_tower", new ViT3D(config.vision(), manager, dtype, seed));
    this.projector = child("mm_projector", new SpatialPoolingProjector(config.projector(), manager, dtype));
    this.llm = child("llm", llm != null ? llm : new LlamaForCausalLM(config.llm(), manager, dtype, seed + 1));
    this.lora = config.lora() == null ? null : LoraAdapters.attach(this.llm, config.lora(), manager, dtype, seed + 2);
    this.findingHead = config.findingLabels() == null ? null
        : child("finding_head", new Linear(manager, config.vision().hidden(), config.findingLabels().size(), true,
            dtype));
    this.findingDense = config.denseLabels() == null ? null
        : child("finding_dense", new Linear(manager, config.vision().hidden(), config.denseLabels().size(), true,
            dtype));
    if (findingDense != null) { // RetinaNet's prior: start every token at p = 0.01, as rare as lesions are
      findingDense.bias().array().muli(0).addi(-Math.log(99));
    }
    this.imageTokenId = config.modelImageTokenId();
  }

  public MultimodalConfig config() {
    return config;
  }

  public ViT3D vision() {
    return vision;
  }

  public SpatialPoolingProjector projector() {
    return projector;
  }

  public LlamaForCausalLM llm() {
    return llm;
  }

  /** The LoRA adapters of the language model, or null. */
  public LoraAdapters lora() {
    return lora;
  }

  /** True when the config has an auxiliary finding head ({@link #findingLogits}). */
  public boolean hasFindingHead() {
    return findingHead != null;
  }

  /**
   * The finding head: the encoder's patch tokens [B, N, C] (after its final norm, before the
   * projector) → logits [B, L] over {@code config().findingLabels()}. Each channel is max-pooled over
   * the N tokens, then one linear layer scores the labels (a CNN's global max pool): a lesion shows in
   * one or two tokens, and a mean would dilute it N-fold. The max is taken before the linear layer, not
   * over per-token label scores: with the max over scores, the winning token at initialisation is the
   * same background token in every scan, only it receives gradient, and the head settles on the label
   * prior without the encoder learning anything (a PyTorch twin of the conv stem alone sat at validation
   * AUC 0.50 that way and reached 0.73 with this order; docs/experiments.md). The head reads the
   * encoder, not the projector's output: behind the projector's 2×2×2 average pool and MLP the same
   * twin did not learn (train AUC 0.54 at epoch 7 against 0.67 straight from the tokens; with the MLP
   * but no pool 0.68 — the average pool hides the findings; docs/experiments.md).
   */
  public NDArray findingLogits(NDArray visionTokens) {
    if (findingHead == null) {
      throw new IllegalStateException("this model has no finding head");
    }
    return findingHead.forward(visionTokens.max(new int[] {1}));
  }

  /** Images [B, C, D, H, W] → finding-head logits [B, L] (the encoder and the head; no projector). */
  public NDArray findingLogitsOfImages(NDArray images) {
    return findingLogits(vision.forward(images));
  }

  /** True when the config has a dense (per-token) finding head ({@link #denseFindingLogits}). */
  public boolean hasDenseFindingHead() {
    return findingDense != null;
  }

  /**
   * The dense finding head: the encoder's tokens [B, N, C] → logits [B, N, Ld] over
   * {@code config().denseLabels()}, one linear layer applied to every token. Trained where the findings'
   * boxes are known, so each token learns whether a finding lies in it; the image-level max of the global
   * head's docs (one winning background token at initialisation) does not apply, every token has a target.
   */
  public NDArray denseFindingLogits(NDArray visionTokens) {
    if (findingDense == null) {
      throw new IllegalStateException("this model has no dense finding head");
    }
    return findingDense.forward(visionTokens);
  }

  /**
   * Label probabilities [B, L] over {@code config().findingLabels()} from the encoder's tokens: the finding
   * head's, except that each label the dense head also predicts takes its most confident token's probability.
   */
  public NDArray findingProbabilities(NDArray visionTokens) {
    return findingProbabilities(visionTokens, findingDense == null ? null
        : ai.djl.nn.Activation.sigmoid(denseFindingLogits(visionTokens)));
  }

  /** {@link #findingProbabilities(NDArray)} given the dense head's token probabilities [B, N, Ld] (null: none). */
  private NDArray findingProbabilities(NDArray visionTokens, NDArray denseTokens) {
    NDArray p = ai.djl.nn.Activation.sigmoid(findingLogits(visionTokens));
    if (denseTokens == null) {
      return p;
    }
    NDArray dense = denseTokens.max(new int[] {1}); // [B, Ld]
    List<String> all = config.findingLabels();
    List<String> sub = config.denseLabels();
    float[] place = new float[sub.size() * all.size()]; // [Ld, L]: dense label i sits in column all.indexOf(i)
    float[] keep = new float[all.size()];
    Arrays.fill(keep, 1f);
    for (int i = 0; i < sub.size(); i++) {
      int col = all.indexOf(sub.get(i));
      place[i * all.size() + col] = 1f;
      keep[col] = 0f;
    }
    NDManager m = p.getManager();
    NDArray placeArr = m.create(place, new Shape(sub.size(), all.size())).toType(dense.getDataType(), false);
    NDArray keepArr = m.create(keep, new Shape(1, all.size())).toType(p.getDataType(), false);
    return p.mul(keepArr).add(dense.matMul(placeArr));
  }

  /** Images [B, C, D, H, W] → label probabilities [B, L] ({@link #findingProbabilities}). */
  public NDArray findingProbabilitiesOfImages(NDArray images) {
    return findingProbabilities(vision.forward(images));
  }

  /** What finding hints read from this model: the heads' labels and the dense head's token grid. */
  public FindingHint.Heads findingHeads() {
    org.scribe3d.model.vision.ViTConfig v = config.vision();
    return new FindingHint.Heads(config.findingLabels(), config.denseLabels(),
        findingDense == null ? null : new int[] {v.gridD(), v.gridH(), v.gridW()});
  }

  /**
   * Per image of the batch, the heads' outputs as plain arrays: {@link #findingProbabilities} and, with a dense
   * head, its per-token probabilities (tokens × dense labels).
   */
  public FindingHint.Scores[] findingScores(NDArray visionTokens) {
    int b = (int) visionTokens.getShape().get(0);
    int labels = config.findingLabels().size();
    NDArray denseTokens = findingDense == null ? null : ai.djl.nn.Activation.sigmoid(denseFindingLogits(visionTokens));
    float[] p = findingProbabilities(visionTokens, denseTokens).toType(DataType.FLOAT32, false).toFloatArray();
    float[] d = denseTokens == null ? null : denseTokens.toType(DataType.FLOAT32, false).toFloatArray();
    int per = d == null ? 0 : d.length / b;
    FindingHint.Scores[] out = new FindingHint.Scores[b];
    for (int i = 0; i < b; i++) {
      out[i] = new FindingHint.Scores(Arrays.copyOfRange(p, i * labels, (i + 1) * labels),
          d == null ? null : Arrays.copyOfRange(d, i * per, (i + 1) * per));
    }
    return out;
  }

  /** The dense finding head's linear layer, or null without one. */
  public Module findingDenseHead() {
    return findingDense;
  }

  /** The encoder's tokens and the projector's image embeddings of a batch of images. */
  public record ImageFeatures(NDArray visionTokens, NDArray embeddings) {}

  /**
   * Images [B, C, D, H, W] → the encoder's tokens [B, N, C] and the image embeddings [B, K, llm hidden];
   * blind: tokens null and embeddings zeros.
   */
  public ImageFeatures encodeImages(NDArray images, int batch, NDManager manager) {
    if (blind) {
      return new ImageFeatures(null,
          manager.zeros(new Shape(batch, config.imageTokens(), config.llm().hiddenSize()), llm.activationType()));
    }
    if (images == null) {
      throw new IllegalArgumentException("images are required unless the model is blind");
    }
    if (images.getShape().get(0) != batch) {
      throw new IllegalArgumentException(images.getShape().get(0) + " images for a batch of " + batch + " prompts");
    }
    NDArray tokens = vision.forward(images);
    return new ImageFeatures(tokens, embeddingsOfTokens(tokens));
  }

  /** The encoder's tokens [B, N, C] → the projector's image embeddings [B, K, llm hidden]. */
  public NDArray embeddingsOfTokens(NDArray tokens) {
    return projector.forward(tokens);
  }

  /** The finding head's linear layer (part of the pretrained image side), or null without a head. */
  public Module findingHead() {
    return findingHead;
  }

  /** Blind control: image embeddings replaced by zeros (what the language model learns without the image). */
  public void setBlind(boolean on) {
    this.blind = on;
  }

  public boolean isBlind() {
    return blind;
  }

  /** Images [B, C, D, H, W] → image embeddings [B, K, llm hidden] (zeros when blind). */
  public NDArray imageEmbeddings(NDArray images, int batch, NDManager manager) {
    return encodeImages(images, batch, manager).embeddings();
  }

  /**
   * Where each row's image placeholders start: the first placeholder id of every row must begin a run
   * of K consecutive placeholders (right after BOS, after left padding, …). Placeholder ids after that
   * run (e.g. a token the model generated) are ordinary tokens.
   */
  public int[] imageStarts(long[] ids, int batch, int len) {
    int k = config.imageTokens();
    int[] starts = new int[batch];
    for (int b = 0; b < batch; b++) {
      int first = -1;
      for (int t = 0; t < len && first < 0; t++) {
        if (ids[b * len + t] == imageTokenId) {
          first = t;
        }
      }
      int run = 0;
      while (first >= 0 && first + run < len && ids[b * len + first + run] == imageTokenId) {
        run++;
      }
      if (first < 0 || run < k) {
        throw new IllegalArgumentException("prompt row " + b + " has " + (first < 0 ? "no" : "a run of " + run)
            + " image placeholder tokens (id " + imageTokenId + "), expected " + k + " in a row");
      }
      starts[b] = first;
    }
    return starts;
  }

  /**
   * Input embeddings [B, T, H]: token embeddings of {@code ids} [B, T] with the K placeholder positions
   * of each row replaced by that row's image embeddings.
   */
  public NDArray inputEmbeddings(NDArray ids, NDArray images) {
    Shape s = ids.getShape();
    if (s.dimension() != 2) {
      throw new IllegalArgumentException("ids must be [B, T], got " + s);
    }
    int b = (int) s.get(0);
    int t = (int) s.get(1);
    int[] starts = imageStarts(ids.toType(DataType.INT64, false).toLongArray(), b, t);
    NDArray tok = llm.embed(ids);
    NDArray img = imageEmbeddings(images, b, ids.getManager());
    return splice(tok, img, starts);
  }

  /**
   * Token embeddings {@code tok} [B, T, H] with tok[b, starts[b] : starts[b] + K] replaced by the image
   * embeddings {@code img}[b] ([B, K, H], cast to tok's type): the one splice training, generation and
   * option scoring use.
   */
  public static NDArray splice(NDArray tok, NDArray img, int[] starts) {
    int k = (int) img.getShape().get(1);
    if (img.getDataType() != tok.getDataType()) {
      img = img.toType(tok.getDataType(), false);
    }
    boolean same = Arrays.stream(starts).allMatch(x -> x == starts[0]);
    if (same) {
      return splice1(tok, img, starts[0], k);
    }
    NDList rows = new NDList();
    for (int b = 0; b < starts.length; b++) {
      rows.add(splice1(tok.get(new NDIndex("{}:{}", b, b + 1)), img.get(new NDIndex("{}:{}", b, b + 1)), starts[b], k));
    }
    return NDArrays.concat(rows, 0);
  }

  private static NDArray splice1(NDArray tok, NDArray img, int s, int k) {
    long t = tok.getShape().get(1);
    NDList parts = new NDList();
    if (s > 0) {
      parts.add(tok.get(new NDIndex(":, 0:{}, :", s)));
    }
    parts.add(img);
    if (s + k < t) {
      parts.add(tok.get(new NDIndex(":, {}:, :", s + k)));
    }
    return parts.size() == 1 ? img : NDArrays.concat(parts, 1);
  }

  /**
   * Training forward: logits [B, T, V] for ids [B, T] (model ids, right padding), images
   * [B, C, D, H, W] (ignored when blind) and attention mask [B, T] (1 = real; null = all real).
   */
  public NDArray forward(NDArray ids, NDArray images, NDArray attentionMask) {
    return llm.forward(inputEmbeddings(ids, images), attentionMask, null, null);
  }

  /**
   * The generation hook: decoding steps are plain token embeddings, so the language model itself is
   * the {@link LogitsSource}; the image prefix goes into the prompt embeddings
   * ({@link #inputEmbeddings}) that are passed to {@link Generator#generate(LogitsSource, NDArray,
   * NDArray, GenerationConfig)}.
   */
  public LogitsSource logitsSource() {
    return LogitsSource.of(llm);
  }

  /**
   * Generates continuations of prompts (model ids, each with its K placeholders; lengths may differ:
   * rows are left-padded with {@code cfg.padId()}) for images [B, C, D, H, W]. Returned ids are model
   * ids (map back with the config's vocabulary).
   */
  public GenerationResult generate(NDArray images, List<long[]> prompts, GenerationConfig cfg) {
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("no prompts");
    }
    int b = prompts.size();
    int t = prompts.stream().mapToInt(p -> p.length).max().getAsInt();
    long[] ids = new long[b * t];
    float[] mask = new float[b * t];
    Arrays.fill(ids, cfg.padId());
    for (int i = 0; i < b; i++) {
      long[] p = prompts.get(i);
      System.arraycopy(p, 0, ids, i * t + t - p.length, p.length);
      Arrays.fill(mask, i * t + t - p.length, (i + 1) * t, 1f);
    }
    NDManager base = images != null ? images.getManager() : llm.embedTokens().weight().array().getManager();
    try (NDManager m = base.newSubManager()) {
      NDArray maskArr = m.create(mask, new Shape(b, t));
      NDArray embeds;
      try (NDScope scope = new NDScope()) {
        embeds = inputEmbeddings(m.create(ids, new Shape(b, t)), images);
        embeds.attach(m);
        NDScope.unregister(embeds);
      }
      return Generator.generate(logitsSource(), embeds, maskArr, cfg);
    }
  }

  /** Greedy decoding config that stops at the language model's EOS ids (model ids). */
  public GenerationConfig greedy(int maxNewTokens) {
    return GenerationConfig.greedy(maxNewTokens, eosIds());
  }

  /** The language model's stop tokens in model ids (compact when the vocabulary is restricted). */
  public Set<Long> eosIds() {
    Set<Long> s = new LinkedHashSet<>();
    config.llm().eosTokenIds().forEach(i -> s.add(i.longValue()));
    return s;
  }

  /**
   * Text in, text out: builds each prompt (BOS, K placeholders, prompt text), maps it into the model's
   * vocabulary, generates for the matching image and decodes the new tokens with the original ids.
   *
   * @param images [B, C, D, H, W], one per prompt (ignored when blind)
   * @param cfg decoding settings in model ids (see {@link #greedy})
   * @throws IllegalArgumentException if a prompt uses a token outside a restricted vocabulary
   */
  public List<String> generateText(NDArray images, List<String> prompts, TextTokenizer tokenizer,
      GenerationConfig cfg) {
    PromptBuilder pb = new PromptBuilder(tokenizer, config.imageTokens(), config.imageTokenId(), config.maxLength());
    VocabMap vocab = config.vocab();
    List<long[]> ids = new ArrayList<>();
    for (String p : prompts) {
      long[] original = pb.prompt(p);
      try {
        ids.add(vocab == null ? original : vocab.toCompact(original));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("prompt '" + p + "' cannot be given to this model: " + e.getMessage(), e);
      }
    }
    GenerationResult r = generate(images, ids, cfg);
    List<String> out = new ArrayList<>();
    for (long[] t : r.tokens()) {
      out.add(tokenizer.decode(vocab == null ? t : vocab.toOriginal(t)));
    }
    return out;
  }

  // ---- pretrained weights ----

  /** Loads encoder weights from an M3D-CLIP, M3D-LaMed or bare checkpoint (other tensors ignored). */
  public ModuleLoader.Report loadVisionWeights(TensorSource source) {
    return vision.loadWeights(source);
  }

  /** Loads projector weights ({@code model.mm_projector.projector.*} or bare {@code projector.*}). */
  public ModuleLoader.Report loadProjectorWeights(TensorSource source) {
    return projector.loadWeights(source);
  }

  /**
   * Loads a Hugging Face Llama directory (e.g. Asclepius-Llama3-8B, or an M3D-LaMed directory whose
   * vision-tower and projector tensors are skipped here) or a Scribe3D model directory (a trained run's
   * {@code model/}) into the language model ({@link LanguageModelInit}); LoRA adapters keep their values.
   */
  public ModuleLoader.Report loadLanguageModel(Path hfDir) {
    return LanguageModelInit.load(this, hfDir);
  }

  /** The config of a Scribe3D model directory, or null for another kind of directory ({@link LanguageModelInit}). */
  public static MultimodalConfig scribe3dConfig(Path dir) {
    return LanguageModelInit.scribe3dConfig(dir);
  }

  // ---- Scribe3D's own checkpoint: config.json + model.safetensors (module names), both atomic ----

  /**
   * Writes {@value #CONFIG_FILE} (the config, restricted vocabulary included) and {@value #WEIGHTS_FILE}
   * (every parameter under its module name; adapters unmerged) into {@code dir}.
   */
  public void save(Path dir) {
    boolean merged = lora != null && lora.adapters().values().stream().anyMatch(a -> a.merged());
    if (merged) {
      lora.unmerge();
    }
    try {
      Files.createDirectories(dir);
      Safetensors.write(dir.resolve(WEIGHTS_FILE), ModuleLoader.stateDict(this), Map.of("format", "pt"));
      AtomicFiles.writeString(dir.resolve(CONFIG_FILE), config.toJsonString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model to " + dir + ": " + e.getMessage(), e);
    } finally {
      if (merged) {
        lora.merge();
      }
    }
  }

  /** Reads a directory written by {@link #save}. */
  public static MultimodalModel load(Path dir, NDManager manager, DataType dtype) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no model directory " + dir);
    }
    MultimodalConfig cfg = MultimodalConfig.load(dir.resolve(CONFIG_FILE));
    // every parameter is loaded next: skip random initialisation (matters for the 8B preset)
    MultimodalModel m = new MultimodalModel(cfg, Placeholders.manager(manager), dtype, 0);
    try (TensorSource src = Safetensors.open(dir.resolve(WEIGHTS_FILE))) {
      ModuleLoader.load(m, src);
    }
    return m;
  }
}
