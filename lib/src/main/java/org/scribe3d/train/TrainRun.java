package org.scribe3d.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.data.AtomicFiles;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.Examples;
import org.scribe3d.data.PhantomTruth;
import org.scribe3d.data.PipelineCache;
import org.scribe3d.data.Split;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.multimodal.EncoderFile;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.prompt.Llama3Tokenizer;
import org.scribe3d.prompt.FindingHint;
import org.scribe3d.prompt.PromptBuilder;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.text.FindingLabels;
import org.scribe3d.volume.Pipeline;

/**
 * A complete training run of the multimodal model on a data set (what {@code scribe3d train} and the
 * demo call): data set → examples → tokenizer and (tiny preset) restricted vocabulary → model on the
 * chosen devices → preprocessing cache → {@link Trainer} → final model in {@code RUN/model/}.
 *
 * <p>Run directory: {@code model-config.json} (written first; a resume rebuilds the model from it),
 * {@code train-config.json}, {@code metrics.jsonl}, {@code checkpoints/}, and at the end
 * {@code model/} ({@link MultimodalModel#save}: config.json + model.safetensors) for generation;
 * {@code pipeline.json} records the preprocessing pipeline.
 */
public final class TrainRun {
  public static final String MODEL_CONFIG = "model-config.json";
  public static final String MODEL_DIR = "model";
  /** The preprocessing pipeline the run trained with (generation applies its deterministic steps). */
  public static final String PIPELINE_FILE = "pipeline.json";
  /** Present in blind-control runs (image embeddings zeroed): generation must zero them too. */
  public static final String BLIND_FILE = "blind.json";
  /** Marks a run trained with {@link Options#findingHints}: generation puts the same hints in its prompts. */
  public static final String HINTS_FILE = "finding-hints.json";

  /** Everything a run is configured with. */
  public static final class Options {
    public String preset = "tiny";
    public Path data;
    public Path out;
    public boolean resume;
    public List<String> devices = List.of("cpu");
    public Path cacheDir;
    public Path pipeline;
    public boolean augment = true;
    public boolean blind;
    public Path llm; // pretrained HF Llama directory (paper preset)
    public Path modelConfig; // a MultimodalConfig JSON instead of a preset (custom or test-sized models)
    public DataType dtype = DataType.FLOAT32; // weights' dtype; FLOAT16 on GPUs only (see checkDtype)
    public int valSamples = 64;
    /**
     * Weight of the auxiliary finding head's loss (labels read from the reference reports, see
     * text.FindingLabels) per labelled token; 0 = no head (the paper's recipe).
     */
    public double findingLoss = 0;
    /**
     * The tiny preset's vision stem: ViTConfig.PATCH_STEM (M3D's) or CONV_STEM; null = the stem of the
     * {@link #visionInit} encoder file, else the patch stem.
     */
    public String visionStem;
    /**
     * Epochs of vision pretraining before the main stage: encoder and finding head on the
     * report-derived labels, one sample per scan, language model frozen ({@link FindingTask}); 0 = none.
     */
    public int pretrainEpochs = 0;
    /**
     * Weight of the dense finding head's loss in vision pretraining ({@link DenseTargets}: per-token labels from
     * the boxes of a phantom's ground_truth.json, next to the data set); 0 = none.
     */
    public double boxLoss = 0;
    /**
     * A pretrained image side to start from: an encoder file ({@link EncoderFile}) or a run directory
     * whose vision pretraining wrote {@value #PRETRAIN_DIR}/{@value #ENCODER_FILE}; null = random init.
     */
    public Path visionInit;
    /**
     * Keep the vision encoder fixed in the main stage (projector, finding head and language model still
     * train): the language loss alone otherwise washes a pretrained encoder's image features out.
     */
    public boolean freezeVision;
    /**
     * Standardise the encoder's tokens before the projector against this run's training scans (per grid
     * position and channel; {@link ImageTokenStatistics}), computed when the main stage starts — meant for
     * a frozen encoder (with a trainable one they describe its starting point). A new run records it in its
     * model config; a resume takes it from there (checkpoints hold trainable tensors only, so a resume
     * recomputes the same statistics from the same starting encoder).
     */
    public boolean standardizeTokens;
    /**
     * Standard deviation of Gaussian noise added to the standardised tokens in training (needs {@link
     * #standardizeTokens}; {@link MultimodalTask#withTokenNoise}); 0 = none.
     */
    public double tokenNoise;
    /** Probability per scan and step of zeroing its image embeddings in training ({@link MultimodalTask#withImageDropout}). */
    public double imageDropout;
    /**
     * With {@link #findingHints}: the fraction of training scans whose hint states their reports' findings instead
     * of the head's diagnosis ({@link FindingHints#withTrueHints}); 0 = none.
     */
    public double trueHints;
    /**
     * Give the language model one more image embedding: the finding head's label probabilities through a
     * linear layer ({@link MultimodalConfig#findingToken()}). Needs a trained head: one in the
     * {@link #visionInit} file, or {@link #findingLoss} to train it. With {@link #freezeVision} and no finding
     * loss the head stays as loaded.
     */
    public boolean findingToken;
    /**
     * Pack each micro-batch into one row with every scan's prefix computed once ({@link MultimodalTask#withPacking});
     * the same loss as one padded row per example, on about a third of the positions. Default on.
     */
    public boolean packing = true;
    /**
     * Put the frozen finding head's diagnosis in words in front of every prompt ({@link FindingHint}; PromptMRG's
     * diagnosis-driven prompt). Needs a head loaded from {@link #visionInit} and {@link #freezeVision}; not with
     * {@link #blind} (the hint comes from the image) nor with a finding loss or vision pretraining (the head must
     * not change after the hints are written).
     */
    public boolean findingHints;
    public TrainConfig train = new TrainConfig().epochs(8).microBatch(4).lr(1e-3).warmupFraction(0.1)
        .weightDecay(0.0).maxGradNorm(1.0).checkpointEvery(0).keepLast(2)
        .threads(Runtime.getRuntime().availableProcessors()).groupSamples(true);
  }

  /** What happened. */
  public record Outcome(Trainer.Result result, Path modelDir, int trainExamples, int valExamples, long parameters,
      long trainable) {}

  private TrainRun() {}

  public static Outcome run(Options o, PrintStream console, boolean tty) throws Exception {
    if (o.data == null || o.out == null) {
      throw new IllegalArgumentException("a data set and an output directory are required");
    }
    if (o.findingLoss < 0 || !Double.isFinite(o.findingLoss)) {
      throw new IllegalArgumentException("--finding-loss must be ≥ 0, got " + o.findingLoss);
    }
    if (!(o.tokenNoise >= 0) || !Double.isFinite(o.tokenNoise)) {
      throw new IllegalArgumentException("--token-noise must be ≥ 0, got " + o.tokenNoise);
    }
    if (o.findingHints && (o.blind || !o.freezeVision || o.findingLoss > 0 || o.pretrainEpochs > 0
        || o.visionInit == null)) {
      throw new IllegalArgumentException("--finding-hints needs --vision-init (with a finding head) and --freeze-vision,"
          + " and cannot be combined with --blind, --finding-loss or --pretrain-epochs");
    }
    if (!(o.trueHints >= 0 && o.trueHints <= 1)) {
      throw new IllegalArgumentException("--true-hints must be in [0, 1], got " + o.trueHints);
    }
    if (o.trueHints > 0 && !o.findingHints) {
      throw new IllegalArgumentException("--true-hints needs --finding-hints");
    }
    if (!(o.imageDropout >= 0 && o.imageDropout < 1)) {
      throw new IllegalArgumentException("--image-dropout must be in [0, 1), got " + o.imageDropout);
    }
    if (o.pretrainEpochs < 0) {
      throw new IllegalArgumentException("--pretrain-epochs must be ≥ 0, got " + o.pretrainEpochs);
    }
    if (!(o.boxLoss >= 0) || !Double.isFinite(o.boxLoss)) {
      throw new IllegalArgumentException("--box-loss must be ≥ 0, got " + o.boxLoss);
    }
    if (o.boxLoss > 0 && o.pretrainEpochs == 0) {
      throw new IllegalArgumentException("--box-loss trains the dense finding head in vision pretraining: it needs"
          + " --pretrain-epochs N");
    }
    Dataset ds = DatasetLoader.load(o.data, DatasetLoader.Options.defaults());
    List<Case> trainCases = ds.split(Split.TRAIN);
    List<Case> valCases = ds.split(Split.VALIDATION);
    if (trainCases.isEmpty()) {
      throw new IllegalArgumentException(o.data + ": the data set has no training cases");
    }
    List<TrainingExample> train = Examples.expandAll(trainCases);
    List<TrainingExample> val = Examples.expandAll(valCases);
    Files.createDirectories(o.out);
    Path cfgFile = o.out.resolve(MODEL_CONFIG);
    try (Llama3Tokenizer tok = Llama3Tokenizer.vendored()) {
      TextTokenizer tt = TextTokenizer.of(tok);
      // report-derived labels of the training scans, read once (head vocabulary and targets)
      Map<Path, List<String>> trainLabels = o.findingLoss > 0 || o.pretrainEpochs > 0 ? findingLabels(trainCases) : null;
      Path initFile = o.visionInit == null ? null : encoderFile(o.visionInit);
      EncoderFile.Header init = initFile == null ? null : EncoderFile.header(initFile);
      MultimodalConfig initCfg = init == null ? null : init.config();
      // a head continued from the encoder file keeps its labels (those this data set lacks stay 0)
      List<String> headLabels = trainLabels == null ? null
          : initCfg != null && initCfg.findingLabels() != null ? initCfg.findingLabels()
          : FindingLabels.vocabulary(trainLabels.values());
      List<String> hintLabels = !o.findingHints ? null
          : initCfg != null && initCfg.findingLabels() != null ? initCfg.findingLabels() : null;
      if (o.findingHints && hintLabels == null) {
        throw new IllegalArgumentException("--finding-hints reads a trained finding head, and " + initFile
            + " has none (models/tiny-encoder.safetensors does)");
      }
      List<String> tokenLabels = !o.findingToken ? null
          : initCfg != null && initCfg.findingLabels() != null ? initCfg.findingLabels() : headLabels;
      if (o.findingToken && tokenLabels == null) {
        throw new IllegalArgumentException("--finding-token reads a trained finding head: give --vision-init with a"
            + " file that has one (models/tiny-encoder.safetensors does), or --finding-loss W to train it");
      }
      MultimodalConfig cfg;
      boolean resumedConfig = o.resume && Files.isRegularFile(cfgFile);
      if (resumedConfig) {
        cfg = MultimodalConfig.load(cfgFile);
        if (o.modelConfig == null && !cfg.name().equals(o.preset)) {
          throw new IllegalArgumentException("cannot resume: " + o.out + " holds a '" + cfg.name() + "' run, not '"
              + o.preset + "'");
        }
        if (o.standardizeTokens && !cfg.standardizeTokens()) {
          throw new IllegalArgumentException("cannot resume: " + o.out + " was started without --standardize-tokens");
        }
        if (o.findingToken && !cfg.findingToken()) {
          throw new IllegalArgumentException("cannot resume: " + o.out + " was started without --finding-token");
        }
      } else if (o.modelConfig != null) {
        cfg = MultimodalConfig.load(o.modelConfig);
        if (o.findingLoss > 0 && cfg.findingLabels() == null) {
          cfg = cfg.withFindingHead(headLabels);
        }
        o.preset = cfg.name();
        cfg = cfg.withTokenStandardization(cfg.standardizeTokens() || o.standardizeTokens);
        cfg = withFindingToken(cfg, o, tokenLabels);
        if (hintLabels != null && cfg.findingLabels() == null) {
          cfg = cfg.withFindingHead(hintLabels);
        }
        if (initCfg != null) {
          EncoderFile.checkFits(initCfg, cfg, initFile);
        }
        AtomicFiles.writeString(cfgFile, cfg.toJsonString());
      } else {
        String stem = o.visionStem != null ? o.visionStem
            : initCfg != null ? initCfg.vision().stem() : ViTConfig.PATCH_STEM;
        List<String> extraTexts = hintLabels == null ? List.of() : hintVocabularyTexts(hintLabels, train, val);
        // a Scribe3D language model to start from brings its vocabulary along (its rows are those tokens)
        MultimodalConfig lmCfg = o.llm == null ? null : MultimodalModel.scribe3dConfig(o.llm);
        long[] lmIds = lmCfg == null || lmCfg.vocab() == null ? new long[0] : lmCfg.vocab().originalIds();
        cfg = o.preset.equals("tiny") ? ModelPresets.tiny(corpusVocab(tt, train, val, extraTexts, lmIds), stem)
            : ModelPresets.byName(o.preset, null);
        if (o.findingLoss > 0) {
          cfg = cfg.withFindingHead(headLabels);
        }
        cfg = cfg.withTokenStandardization(o.standardizeTokens);
        cfg = withFindingToken(cfg, o, tokenLabels);
        if (hintLabels != null && cfg.findingLabels() == null) {
          cfg = cfg.withFindingHead(hintLabels);
        }
        if (initCfg != null) {
          EncoderFile.checkFits(initCfg, cfg, initFile);
        }
        AtomicFiles.writeString(cfgFile, cfg.toJsonString());
      }
      if (o.findingLoss > 0 && cfg.findingLabels() == null) {
        throw new IllegalArgumentException("--finding-loss needs a model with a finding head (" + cfgFile
            + " has none; start a new run)");
      }
      if (o.boxLoss > 0 && cfg.findingLabels() == null) {
        throw new IllegalArgumentException("--box-loss needs a finding head (train --finding-loss W)");
      }
      Map<String, List<PhantomTruth.Located>> boxes = o.boxLoss > 0 ? PhantomTruth.readLocated(groundTruth(o.data))
          : null;
      if (!resumedConfig) { // the dense head: trained here on the boxes, or carried over with the encoder file's
        List<String> dense = boxes != null ? DenseTargets.labels(boxes, cfg.findingLabels())
            : initCfg != null && initCfg.denseLabels() != null
                && Objects.equals(initCfg.findingLabels(), cfg.findingLabels()) ? initCfg.denseLabels() : null;
        if (boxes != null && dense.isEmpty()) {
          throw new IllegalArgumentException(groundTruth(o.data) + " has no finding boxes over the finding head's"
              + " labels: --box-loss has nothing to learn");
        }
        if (dense != null) {
          cfg = cfg.withDenseLabels(dense);
          AtomicFiles.writeString(cfgFile, cfg.toJsonString());
        }
      }
      List<Device> devices = parseDevices(o.devices);
      checkDtype(o.dtype, devices);
      List<NDManager> managers = new ArrayList<>();
      try {
        for (Device d : devices) {
          managers.add(NDManager.newBaseManager(d));
        }
        if (o.train.threads > 0) {
          ai.djl.pytorch.jni.JniUtils.setNumThreads(o.train.threads);
        }
        Engine.getInstance().setRandomSeed((int) o.train.seed());
        MultimodalModel model = new MultimodalModel(cfg, managers.get(0), o.dtype, o.train.seed());
        if (o.llm != null) {
          ModuleLoader.Report lm = model.loadLanguageModel(o.llm);
          console.printf(Locale.ROOT, "language model: %d tensors from %s%n", lm.loaded().size(), o.llm);
        } else if (!o.preset.equals("tiny") && o.modelConfig == null) {
          console.println("warning: no --llm given: the " + o.preset + " preset's language model starts from random"
              + " weights");
        }
        ModuleLoader.Report rep = null;
        if (initFile != null) { // a resumed run then overwrites these weights with its checkpoint's
          rep = EncoderFile.load(model, initFile);
          console.printf(Locale.ROOT, "vision init: %d tensors from %s%s%n", rep.loaded().size(), initFile,
              model.hasFindingHead() && rep.loaded().stream().noneMatch(n -> n.startsWith(EncoderFile.HEAD))
                  ? " (the finding head starts fresh: the file has none over these labels)" : "");
        }
        if (o.findingToken && o.findingLoss == 0 && o.pretrainEpochs == 0 && !o.resume
            && (rep == null || rep.loaded().stream().noneMatch(n -> n.startsWith(EncoderFile.HEAD)))) {
          throw new IllegalArgumentException("--finding-token reads a trained finding head, but none is loaded"
              + (initFile == null ? "" : " from " + initFile) + " and none is trained; add --finding-loss W");
        }
        if (o.findingHints && !o.resume
            && (rep == null || rep.loaded().stream().noneMatch(n -> n.startsWith(EncoderFile.HEAD)))) {
          throw new IllegalArgumentException("--finding-hints reads a trained finding head, but none over this model's"
              + " labels is loaded from " + initFile);
        }
        model.setBlind(o.blind);
        List<MultimodalModel> replicas = new ArrayList<>();
        for (int i = 1; i < devices.size(); i++) {
          MultimodalModel r = new MultimodalModel(cfg, managers.get(i), o.dtype, o.train.seed());
          r.setBlind(o.blind);
          replicas.add(r); // weights are copied from the master before the first step
        }
        int[] size = {cfg.vision().depth(), cfg.vision().height(), cfg.vision().width()};
        Pipeline pipeline = choosePipeline(o, initFile, init == null ? null : init.pipelineJson(), size, console);
        Path cacheDir = o.cacheDir != null ? o.cacheDir : defaultCacheDir();
        PipelineCache volumes = new PipelineCache(cacheDir, pipeline);
        if (volumes.dhw()[0] != size[0] || volumes.dhw()[1] != size[1] || volumes.dhw()[2] != size[2]) {
          throw new IllegalArgumentException("the preprocessing pipeline resizes to " + fmt(volumes.dhw())
              + " but the " + cfg.name() + " model takes " + fmt(size));
        }
        checkOrWriteRunOptions(o, pipeline);
        AtomicFiles.writeString(o.out.resolve(PIPELINE_FILE), pipeline.toJson());
        if (o.blind) {
          AtomicFiles.writeString(o.out.resolve(BLIND_FILE), "{\"blind\": true}\n");
        }
        PromptBuilder pb = new PromptBuilder(tt, cfg.imageTokens(), cfg.imageTokenId(), cfg.maxLength());
        long pad = tok.eosId();
        if (o.findingHints) { // the head is frozen and never trained here: the hints are fixed for the whole run
          long h0 = System.nanoTime();
          // which types the hints may name is judged on the training scans (the shipped head never saw them)
          FindingHints.Prepared hinted = FindingHints.prepare(model, volumes, train, val, findingLabels(trainCases),
              o.train.microBatch(), o.trueHints > 0 ? findings(trainCases) : Map.of(), o.trueHints, o.train.seed());
          train = hinted.train();
          val = hinted.val();
          if (cfg.vocab() != null) {
            try {
              for (TrainingExample e : train) {
                cfg.vocab().toCompact(pb.example(e.prompt(), e.answer()).inputIds());
              }
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException("the model's restricted vocabulary cannot write the finding hints ("
                  + e.getMessage() + "): a --model-config for --finding-hints needs the tokens of"
                  + " TrainRun.hintVocabularyTexts", e);
            }
          }
          JsonObject hintFile = FindingHints.toJson(cfg.findingLabels(), hinted.thresholds());
          AtomicFiles.writeString(o.out.resolve(HINTS_FILE), hintFile + "\n");
          console.printf(Locale.ROOT, "finding hints: the head's diagnosis in front of every prompt, %d scans (%.1f s);"
              + " types it may name (those it calls right >= %.0f%% of the time (and >= %d times) at %.1f on the training"
              + " scans): %s; with their"
              + " severity (the head's grade right on >= %.0f%% of them): %s; e.g. \"%s\"%n",
              hinted.scans(), (System.nanoTime() - h0) / 1e9, 100 * FindingHints.MIN_PRECISION,
              FindingHints.MIN_RIGHT_CALLS, FindingHint.THRESHOLD,
              named(hintFile, "type:"), 100 * FindingHints.MIN_SEVERITY_ACCURACY, named(hintFile, "severity:"),
              hinted.example());
          if (hinted.trueHints() > 0) {
            console.printf(Locale.ROOT, "true hints: %d of %d training scans are hinted with their reports' findings"
                + " (--true-hints %s)%n", hinted.trueHints(), trainCases.size(), o.trueHints);
          }
        }
        MultimodalTask task = new MultimodalTask(train, pb, volumes, o.augment, pad, cfg.vocab()).withPacking(o.packing);
        Map<Path, float[]> targets = cfg.findingLabels() != null && trainLabels != null
            ? findingTargets(trainLabels, cfg.findingLabels()) : Map.of();
        if (o.findingLoss > 0) {
          task.withFindingLoss(targets, o.findingLoss);
        }
        if (o.tokenNoise > 0) {
          if (!cfg.standardizeTokens()) {
            throw new IllegalArgumentException("--token-noise is in units of the standardised tokens: it needs"
                + " --standardize-tokens");
          }
          task.withTokenNoise(o.tokenNoise, cfg.vision().numPatches() * cfg.vision().hidden());
        }
        if (o.imageDropout > 0) {
          task.withImageDropout(o.imageDropout);
        }
        double pretrainSeconds = 0;
        if (o.pretrainEpochs > 0) {
          if (targets.isEmpty()) {
            throw new IllegalArgumentException("--pretrain-epochs needs a finding head (train --finding-loss W)");
          }
          FindingTask pretrain = new FindingTask(targets, volumes, o.augment);
          if (o.boxLoss > 0) {
            long t0 = System.nanoTime();
            pretrain.withDenseTargets(DenseTargets.compute(trainCases, boxes, volumes, cfg.vision(), cfg.denseLabels()),
                o.boxLoss);
            console.printf(Locale.ROOT, "dense finding head: %d labels per token from the ground-truth boxes of %d"
                + " scans (%.1f s)%n", cfg.denseLabels().size(), pretrain.size(), (System.nanoTime() - t0) / 1e9);
          }
          pretrainSeconds = pretrainVision(o, model, replicas, pretrain, pipeline, console, tty).seconds();
        }
        if (cfg.standardizeTokens() && !o.blind) { // after pretraining: the statistics of the encoder that follows
          List<Path> scans = new ArrayList<>(new java.util.LinkedHashSet<>(train.stream().map(TrainingExample::image)
              .toList()));
          ImageTokenStatistics.Result st = ImageTokenStatistics.compute(model, volumes, scans, o.train.microBatch());
          console.printf(Locale.ROOT, "image tokens: standardised with the statistics of %d training scans (%.1f s)%n",
              st.scans(), st.seconds());
        }
        if (o.freezeVision) { // after pretraining, which trains the encoder whatever this flag says
          model.vision().setTrainable(false);
          replicas.forEach(r -> r.vision().setTrainable(false));
          if (o.findingLoss == 0 && model.findingHead() != null) { // a loaded head is part of the image side
            model.findingHead().setTrainable(false);
            replicas.forEach(r -> r.findingHead().setTrainable(false));
          }
        }
        if (model.findingDenseHead() != null) { // only vision pretraining has a loss for it
          model.findingDenseHead().setTrainable(false);
          replicas.forEach(r -> r.findingDenseHead().setTrainable(false));
        }
        TrainConfig mainStage = o.train;
        if (pretrainSeconds > 0 && mainStage.maxMinutes > 0) { // one wall-clock budget for both stages
          mainStage = copy(mainStage).maxMinutes(Math.max(1e-3, mainStage.maxMinutes - pretrainSeconds / 60));
        }
        Trainer<MultimodalTask.Batch> trainer = new Trainer<>(model, task, task, mainStage, o.out)
            .replicas(replicas).console(console, tty);
        List<TrainingExample> valUsable = usable(val, pb, cfg.vocab());
        if (!valUsable.isEmpty() && o.valSamples > 0) {
          MultimodalTask valTask = new MultimodalTask(valUsable, pb, volumes, false, pad, cfg.vocab())
              .withPacking(o.packing);
          if (cfg.findingLabels() != null) { // head AUC on validation scans; no loss term there
            valTask.withFindingLoss(findingTargets(findingLabels(valCases), cfg.findingLabels()), 0);
          }
          trainer.validator(new MultimodalValidator(valTask, tt, o.train.microBatch(), o.valSamples, o.train.seed()));
        }
        console.printf(Locale.ROOT, "train: %s preset, %d parameters (%d trainable), %d training examples from %d"
                + " cases, %d validation examples, %d steps, devices %s%n", cfg.name(), model.parameterCount(),
            model.trainableParameters().values().stream().mapToLong(p -> p.array().getShape().size()).sum(),
            train.size(), trainCases.size(), val.size(), o.train.totalSteps(train.size()), devices);
        Trainer.Result r = trainer.fit(o.resume);
        Path modelDir = o.out.resolve(MODEL_DIR);
        model.save(modelDir);
        return new Outcome(r, modelDir, train.size(), val.size(), model.parameterCount(),
            model.trainableParameters().values().stream().mapToLong(p -> p.array().getShape().size()).sum());
      } finally {
        for (int i = managers.size() - 1; i >= 0; i--) {
          managers.get(i).close();
        }
      }
    }
  }

  /**
   * The tiny preset's restricted vocabulary: every token of the training prompts and answers, the
   * validation prompts (questions and options, so they can be asked), and BOS, EOS, EOT and the image
   * placeholder. Validation answers are not looked at.
   */
  public static VocabMap corpusVocab(TextTokenizer tt, List<TrainingExample> train, List<TrainingExample> val) {
    return corpusVocab(tt, train, val, List.of());
  }

  /**
   * Texts whose tokens a restricted vocabulary needs for {@link Options#findingHints}: every hint word over the
   * head's labels, and each prompt after a hint (its first word then follows a space: " Describe").
   */
  public static List<String> hintVocabularyTexts(List<String> headLabels, List<TrainingExample> train,
      List<TrainingExample> val) {
    List<String> out = new ArrayList<>(FindingHint.vocabularyTexts(headLabels));
    java.util.stream.Stream.concat(train.stream(), val.stream()).map(TrainingExample::prompt).distinct()
        .forEach(p -> out.add(FindingHint.prepend(FindingHint.PREFIX + " none.", p)));
    return out;
  }

  /** {@link #corpusVocab(TextTokenizer, List, List)} plus the tokens of {@code extraTexts} (e.g. hint words). */
  public static VocabMap corpusVocab(TextTokenizer tt, List<TrainingExample> train, List<TrainingExample> val,
      List<String> extraTexts) {
    return corpusVocab(tt, train, val, extraTexts, new long[0]);
  }

  /** The same plus the tokens {@code extraIds} (a pretrained language model's vocabulary). */
  static VocabMap corpusVocab(TextTokenizer tt, List<TrainingExample> train, List<TrainingExample> val,
      List<String> extraTexts, long[] extraIds) {
    VocabMap.Builder b = new VocabMap.Builder();
    b.add(extraIds);
    for (String t : extraTexts) {
      b.add(tt.encodeNoBos(t));
      b.add(tt.encodeNoBos(" " + t));
    }
    b.add(ModelPresets.BOS, ModelPresets.EOS, ModelPresets.EOT, MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID);
    for (TrainingExample e : train) {
      b.add(tt.encodeNoBos(e.prompt()));
      b.add(tt.encodeNoBos(" " + e.answer().strip()));
    }
    for (TrainingExample e : val) {
      b.add(tt.encodeNoBos(e.prompt()));
    }
    return b.build();
  }

  /** The flags beyond the Trainer's own config that a resume must repeat (see {@link #checkOrWriteRunOptions}). */
  public static final String RUN_OPTIONS_FILE = "run-options.json";

  /**
   * A resume continues the saved schedule, so every flag that shapes the objective or the data must be
   * the same as at the start; the Trainer checks its own config, this checks the rest (finding loss,
   * vision pretraining, blind, augmentation, pipeline, vision init, frozen vision). A fresh start records them.
   */
  static void checkOrWriteRunOptions(Options o, Pipeline pipeline) throws IOException {
    JsonObject now = new JsonObject();
    now.addProperty("finding_loss", o.findingLoss);
    now.addProperty("pretrain_epochs", o.pretrainEpochs);
    now.addProperty("box_loss", o.boxLoss);
    now.addProperty("blind", o.blind);
    now.addProperty("augment", o.augment);
    now.add("pipeline", JsonParser.parseString(pipeline.toJson()));
    now.addProperty("freeze_vision", o.freezeVision);
    now.addProperty("token_noise", o.tokenNoise);
    now.addProperty("finding_token", o.findingToken);
    now.addProperty("image_dropout", o.imageDropout);
    now.addProperty("packing", o.packing);
    now.addProperty("finding_hints", o.findingHints);
    now.addProperty("true_hints", o.trueHints);
    now.addProperty("vision_init", o.visionInit == null ? null : o.visionInit.toAbsolutePath().normalize().toString());
    Path file = o.out.resolve(RUN_OPTIONS_FILE);
    if (o.resume && Files.isRegularFile(file)) {
      JsonObject saved = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
      List<String> diffs = new ArrayList<>();
      for (String k : now.keySet()) {
        boolean laterFlagOff = !saved.has(k) && now.get(k).isJsonPrimitive() && isOff(now.get(k).getAsJsonPrimitive());
        if (!laterFlagOff && !Objects.equals(saved.get(k), now.get(k))) {
          diffs.add(k + " " + (k.equals("pipeline") ? "differs" : saved.get(k) + " (now " + now.get(k) + ")"));
        }
      }
      if (!diffs.isEmpty()) {
        throw new IllegalArgumentException("cannot resume " + o.out + ": it was started with other flags: "
            + String.join(", ", diffs) + "; resume with the same flags");
      }
      return;
    }
    AtomicFiles.writeString(file, now + "\n");
  }

  /** {@code cfg} with the finding token (and its head over {@code labels}) when {@code o.findingToken}. */
  private static MultimodalConfig withFindingToken(MultimodalConfig cfg, Options o, List<String> labels) {
    if (!o.findingToken || cfg.findingToken()) {
      return cfg;
    }
    return (cfg.findingLabels() == null ? cfg.withFindingHead(labels) : cfg).withFindingToken(true);
  }

  /** A flag added since a run started is unused when false or 0. */
  private static boolean isOff(com.google.gson.JsonPrimitive p) {
    return p.isBoolean() ? !p.getAsBoolean() : p.isNumber() && p.getAsDouble() == 0;
  }

  /**
   * The run's preprocessing: {@code --pipeline}; else the pipeline {@code theirs} (JSON, or null) that
   * the {@code --vision-init} encoder in {@code initFile} was pretrained on (its features mean something
   * only on inputs prepared that way); else M3D's. A given pipeline that differs from the encoder's is
   * used, with a warning.
   */
  static Pipeline choosePipeline(Options o, Path initFile, String theirs, int[] size, PrintStream console)
      throws IOException {
    Pipeline encoders = theirs == null ? null : Pipeline.parse(theirs, initFile + " (metadata)");
    if (o.pipeline != null) {
      Pipeline given = Pipeline.load(o.pipeline);
      if (encoders != null && !encoders.toJson().equals(given.toJson())) {
        console.println("warning: " + o.pipeline + " differs from the pipeline the encoder in " + initFile
            + " was pretrained on; its features may not carry over");
      }
      return given;
    }
    if (encoders != null) {
      console.println("pipeline: the one " + initFile + " was pretrained on");
      return encoders;
    }
    return o.augment ? Pipeline.training(size, null) : Pipeline.defaults(size, null, true, true);
  }

  /** Where the vision-pretraining stage keeps its checkpoints and metrics inside the run directory. */
  public static final String PRETRAIN_DIR = "pretrain";
  /** The image side the vision-pretraining stage ends with, inside {@value #PRETRAIN_DIR}/ (see {@link EncoderFile}). */
  public static final String ENCODER_FILE = "encoder.safetensors";

  /** {@code --vision-init}'s argument as a file: itself, or a run directory's pretrained encoder. */
  static Path encoderFile(Path p) {
    if (Files.isDirectory(p)) {
      Path f = p.resolve(PRETRAIN_DIR).resolve(ENCODER_FILE);
      if (!Files.isRegularFile(f)) {
        throw new IllegalArgumentException(p + " has no " + PRETRAIN_DIR + "/" + ENCODER_FILE
            + " (a run writes it when trained with --pretrain-epochs)");
      }
      return f;
    }
    return p;
  }

  /**
   * The vision-pretraining stage ({@link Options#pretrainEpochs}): the encoder and the finding head
   * train, the language model (and any adapters) and the projector stay frozen; one image per sample;
   * its own checkpoints and metrics in {@value #PRETRAIN_DIR}/ (so a resumed run skips a finished stage
   * and continues an unfinished one).
   */
  static Trainer.Result pretrainVision(Options o, MultimodalModel model, List<MultimodalModel> replicas,
      FindingTask task, Pipeline pipeline, PrintStream console, boolean tty) throws Exception {
    List<MultimodalModel> all = new ArrayList<>(replicas);
    all.add(0, model);
    List<Map<String, Boolean>> flags = new ArrayList<>();
    for (MultimodalModel m : all) {
      Map<String, Boolean> f = new LinkedHashMap<>();
      m.namedParameters().forEach((k, p) -> f.put(k, p.trainable()));
      flags.add(f);
      m.llm().setTrainable(false);
      m.projector().setTrainable(false); // the head reads the encoder's tokens: no gradient reaches it
    }
    try {
      TrainConfig c = copy(o.train).epochs(o.pretrainEpochs).maxSteps(0).validateEvery(0).groupSamples(false);
      console.printf(Locale.ROOT, "pretrain: vision encoder + finding head on %d scans, %d labels, %d"
          + " steps%n", task.size(), model.config().findingLabels().size(), c.totalSteps(task.size()));
      Trainer.Result r = new Trainer<>(model, task, task, c, o.out.resolve(PRETRAIN_DIR)).replicas(replicas)
          .console(console, tty).fit(o.resume);
      Map<String, String> provenance = new LinkedHashMap<>();
      provenance.put("scribe3d_pretrained_on", o.data.toAbsolutePath().normalize().toString());
      provenance.put("scribe3d_pretrain_scans", Integer.toString(task.size()));
      provenance.put("scribe3d_pretrain_epochs", Integer.toString(o.pretrainEpochs));
      provenance.put("scribe3d_pretrain_steps", Long.toString(r.startStep() + r.steps()));
      provenance.put("scribe3d_pretrain_lr", Double.toString(c.lr()));
      provenance.put("scribe3d_pretrain_seed", Long.toString(c.seed()));
      provenance.put(EncoderFile.PIPELINE_KEY, pipeline.toJson());
      EncoderFile.save(model, o.out.resolve(PRETRAIN_DIR).resolve(ENCODER_FILE), provenance);
      return r;
    } finally {
      for (int i = 0; i < all.size(); i++) {
        Map<String, Boolean> f = flags.get(i);
        all.get(i).namedParameters().forEach((k, p) -> p.setTrainable(f.get(k)));
      }
    }
  }

  private static TrainConfig copy(TrainConfig c) {
    return TrainConfig.fromJson(c.toJson());
  }

  /** Each image's 0/1 target vector over the head's {@code vocabulary} (see {@link FindingLabels#targets}). */
  static Map<Path, float[]> findingTargets(Map<Path, List<String>> labels, List<String> vocabulary) {
    Map<Path, float[]> out = new LinkedHashMap<>();
    labels.forEach((image, l) -> out.put(image, FindingLabels.targets(l, vocabulary)));
    return out;
  }

  /** The phantom ground truth next to a data set ({@code --data} is dataset.json or its directory). */
  static Path groundTruth(Path data) {
    Path dir = Files.isDirectory(data) ? data : data.toAbsolutePath().getParent();
    Path gt = dir.resolve("ground_truth.json");
    if (!Files.isRegularFile(gt)) {
      throw new IllegalArgumentException("--box-loss reads the finding boxes of a phantom data set, and " + dir
          + " has no ground_truth.json");
    }
    return gt;
  }

  /** Each case's positive findings, as the finding extractor reads them from its reports. */
  static Map<Path, List<org.scribe3d.data.Finding>> findings(List<Case> cases) {
    Map<Path, List<org.scribe3d.data.Finding>> out = new LinkedHashMap<>();
    for (Case c : cases) {
      out.put(c.image(), org.scribe3d.text.FindingExtractor.extractPositive(c.findings()));
    }
    return out;
  }

  /** The report-derived finding labels of each case's image (see {@link FindingLabels}). */
  static Map<Path, List<String>> findingLabels(List<Case> cases) {
    Map<Path, List<String>> out = new LinkedHashMap<>();
    for (Case c : cases) {
      out.put(c.image(), FindingLabels.of(c.findings()));
    }
    return out;
  }

  /** Validation examples whose prompt and answer the (restricted) vocabulary can express. */
  static List<TrainingExample> usable(List<TrainingExample> val, PromptBuilder pb, VocabMap vocab) {
    List<TrainingExample> out = new ArrayList<>();
    for (TrainingExample e : val) {
      if (vocab == null) {
        out.add(e);
        continue;
      }
      try {
        vocab.toCompact(pb.example(e.prompt(), e.answer()).inputIds());
        out.add(e);
      } catch (IllegalArgumentException ex) {
        // an answer token never seen in training: the validation loss cannot score it
      }
    }
    return out;
  }

  public static List<Device> parseDevices(List<String> names) {
    List<Device> out = new ArrayList<>();
    for (String n : names) {
      String s = n.trim().toLowerCase(Locale.ROOT);
      if (s.isEmpty()) {
        continue;
      }
      Device d;
      if (s.equals("cpu")) {
        d = Device.cpu();
      } else if (s.matches("gpu\\d+|cuda:?\\d+")) {
        d = Device.gpu(Integer.parseInt(s.replaceAll("\\D", "")));
        if (d.getDeviceId() >= Engine.getInstance().getGpuCount()) {
          throw new IllegalArgumentException("device " + n + " is not available (" + Engine.getInstance().getGpuCount()
              + " GPU(s) visible)");
        }
      } else {
        throw new IllegalArgumentException("unknown device '" + n + "' (expected cpu or gpuN)");
      }
      out.add(d); // DJL has one CPU device: "cpu,cpu" = a replica on the same device (no speed-up)
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no devices given");
    }
    return out;
  }

  /**
   * The weight dtypes a run may use: float32 anywhere; float16 only on GPUs (CPU kernels for half are
   * slow or missing, and the CPU gains nothing from it); bfloat16 nowhere, because DJL 0.36's PyTorch
   * engine aborts the JVM on bfloat16 tensors. float16 here is pure half-precision weights (AdamW
   * moments stay float32), not mixed precision with float32 master weights.
   */
  public static void checkDtype(DataType dtype, List<Device> devices) {
    if (dtype == DataType.BFLOAT16) {
      throw new IllegalArgumentException("bfloat16 weights are not supported: DJL 0.36's PyTorch engine aborts the"
          + " JVM on bfloat16 tensors; use float16 on GPUs or float32");
    }
    if (dtype == DataType.FLOAT16) {
      for (Device d : devices) {
        if (!d.isGpu()) {
          throw new IllegalArgumentException("float16 weights need GPU devices (--devices gpu0,...), not " + d
              + "; train in float32 on the CPU");
        }
      }
    } else if (dtype != DataType.FLOAT32) {
      throw new IllegalArgumentException("unsupported weight dtype " + dtype + " (expected float32 or float16)");
    }
  }

  static Path defaultCacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
    return base.resolve("scribe3d").resolve("volumes");
  }

  private static String fmt(int[] s) {
    return s[0] + "×" + s[1] + "×" + s[2];
  }

  /** The finding types whose labels with this prefix a hints file names ("severity:" → the graded types). */
  private static java.util.Set<String> named(JsonObject hintFile, String prefix) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (String label : hintFile.getAsJsonObject("thresholds").keySet()) {
      if (label.startsWith(prefix)) {
        String rest = label.substring(prefix.length());
        out.add(rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest);
      }
    }
    return out;
  }
}
