package org.scribe3d.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.scribe3d.checkpoint.CheckpointException;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.Examples;
import org.scribe3d.data.PhantomTruth;
import org.scribe3d.data.PipelineCache;
import org.scribe3d.data.Split;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.model.multimodal.EncoderFile;
import org.scribe3d.model.multimodal.M3dClip;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.prompt.FindingHint;
import org.scribe3d.prompt.HintThresholds;
import org.scribe3d.prompt.Llama3Tokenizer;
import org.scribe3d.prompt.PromptBuilder;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.recipe.RecipeFiles;
import org.scribe3d.run.RunDirectory;
import org.scribe3d.volume.Pipeline;

/**
 * A training run of the multimodal model on a data set, as a recipe describes it (what {@code scribe3d train}, the
 * demo and the notebooks call). In named steps: resolve the recipe (a resume reads the run's), read the data, build
 * the model config, build the model and load its initialisations, choose the preprocessing, record the resolved
 * recipe, write the finding hints, pretrain the image side, standardise its tokens, freeze what the recipe freezes,
 * then the main stage ({@link Trainer}) and the final model. The run's files are {@link RunDirectory}'s.
 */
public final class TrainRun {
  /** How and where a run executes, beside its recipe (nothing here changes what is learnt, except the time cap). */
  public static final class Settings {
    public Path data;
    public Path out;
    public boolean resume;
    public List<String> devices = List.of("cpu");
    public DataType dtype = DataType.FLOAT32; // weights' dtype; FLOAT16 on GPUs only (see Devices.checkDtype)
    /** Torch intra-op threads; 0 = all cores. Keep equal across a resume for bit-identical results. */
    public int threads;
    /** Wall-clock limit in minutes (0 = none); a checkpoint is saved when it is hit. */
    public double minutes;
    public int checkpointEvery;
    public int keep = 2;
    public double progressSeconds = 10;
    /** Told of every step and validation, besides the console line (a notebook's live monitor). */
    public TrainListener listener = TrainListener.NONE;

    public Settings data(Path p) { data = p; return this; }
    public Settings out(Path p) { out = p; return this; }
    public Settings resume(boolean b) { resume = b; return this; }
    public Settings threads(int n) { threads = n; return this; }
    public Settings minutes(double m) { minutes = m; return this; }
    public Settings progressSeconds(double s) { progressSeconds = s; return this; }
    public Settings listener(TrainListener l) { listener = l; return this; }
  }

  /** What happened. */
  public record Outcome(Trainer.Result result, Path modelDir, int trainExamples, int valExamples, long parameters,
      long trainable, Recipe recipe) {}

  private TrainRun() {}

  public static Outcome run(Recipe recipe, Settings s, PrintStream console, boolean tty) throws Exception {
    if (s.data == null || s.out == null) {
      throw new IllegalArgumentException("a data set and an output directory are required");
    }
    RunDirectory run = RunDirectory.of(s.out);
    Recipe r = recipeToRun(recipe, run, s.resume);
    RecipeFiles.checkPaths(r);
    List<Device> devices = Devices.parse(s.devices);
    Devices.checkDtype(s.dtype, devices);
    Dataset ds = DatasetLoader.load(s.data, DatasetLoader.Options.defaults());
    List<Case> trainCases = ds.split(Split.TRAIN);
    List<Case> valCases = ds.split(Split.VALIDATION);
    if (trainCases.isEmpty()) {
      throw new IllegalArgumentException(s.data + ": the data set has no training cases");
    }
    List<TrainingExample> train = Examples.expandAll(trainCases);
    List<TrainingExample> val = Examples.expandAll(valCases);
    Files.createDirectories(s.out);
    TrainConfig optim = trainConfig(r, s);
    try (Llama3Tokenizer tok = Llama3Tokenizer.vendored()) {
      TextTokenizer tt = TextTokenizer.of(tok);
      boolean needLabels = r.image.findingLoss > 0 || r.image.pretrainEpochs > 0;
      Map<Path, List<String>> trainLabels = needLabels ? RunLabels.labels(trainCases) : null;
      Path initFile = r.init.vision == null ? null : encoderFile(Path.of(r.init.vision));
      boolean clip = initFile != null && M3dClip.isRelease(initFile); // M3D-CLIP as released: its vision tower only
      EncoderFile.Header init = initFile == null || clip ? null : EncoderFile.header(initFile);
      MultimodalConfig initCfg = init == null ? null : init.config();
      List<String> hintLabels = !r.prompts.findingHints || initCfg == null ? null : initCfg.findingLabels();
      if (r.prompts.findingHints && hintLabels == null) {
        throw new IllegalArgumentException("prompts.finding_hints reads a trained finding head, and " + initFile
            + " has none (models/tiny-encoder.safetensors does)");
      }
      Map<String, List<PhantomTruth.Located>> boxes = r.image.boxLoss > 0
          ? PhantomTruth.readLocated(RunLabels.groundTruth(s.data)) : null;
      MultimodalConfig cfg = RunModelConfig.resolve(r, run, s.resume, new RunModelConfig.Inputs(initFile, initCfg,
          RunModelConfig.headLabels(trainLabels, initCfg), hintLabels, boxes), tt, train, val);

      List<NDManager> managers = new ArrayList<>();
      try {
        for (Device d : devices) {
          managers.add(NDManager.newBaseManager(d));
        }
        if (optim.threads > 0) {
          ai.djl.pytorch.jni.JniUtils.setNumThreads(optim.threads);
        }
        Engine.getInstance().setRandomSeed((int) optim.seed());
        MultimodalModel model = buildModel(r, cfg, managers.get(0), s, initFile, console);
        List<MultimodalModel> replicas = new ArrayList<>();
        for (int i = 1; i < devices.size(); i++) {
          MultimodalModel rep = new MultimodalModel(cfg, managers.get(i), s.dtype, optim.seed());
          rep.setBlind(r.image.blind);
          replicas.add(rep); // weights are copied from the master before the first step
        }
        int[] size = {cfg.vision().depth(), cfg.vision().height(), cfg.vision().width()};
        Pipeline pipeline = choosePipeline(r, initFile, init == null ? null : init.pipelineJson(), size, console);
        PipelineCache volumes = new PipelineCache(r.data.cache != null ? Path.of(r.data.cache) : defaultCacheDir(),
            pipeline);
        if (volumes.dhw()[0] != size[0] || volumes.dhw()[1] != size[1] || volumes.dhw()[2] != size[2]) {
          throw new IllegalArgumentException("the preprocessing pipeline resizes to " + fmt(volumes.dhw())
              + " but the " + cfg.name() + " model takes " + fmt(size));
        }
        Recipe resolved = resolved(r, cfg, pipeline);
        recordRecipe(resolved, run, s.resume);

        PromptBuilder pb = new PromptBuilder(tt, cfg.imageTokens(), cfg.imageTokenId(), cfg.maxLength());
        long pad = tok.eosId();
        if (r.prompts.findingHints) { // the head is frozen and never trained here: the hints are fixed for the run
          FindingHints.Prepared hinted = writeHints(r, run, cfg, model, volumes, pb, train, val, trainCases, optim,
              console);
          train = hinted.train();
          val = hinted.val();
        }
        MultimodalTask task = new MultimodalTask(train, pb, volumes, r.data.augment, pad, cfg.vocab())
            .withPacking(r.data.packing);
        Map<Path, float[]> targets = cfg.findingLabels() != null && trainLabels != null
            ? RunLabels.targets(trainLabels, cfg.findingLabels()) : Map.of();
        if (r.image.findingLoss > 0) {
          task.withFindingLoss(targets, r.image.findingLoss);
        }
        double pretrainSeconds = 0;
        if (r.image.pretrainEpochs > 0) {
          pretrainSeconds = pretrain(r, run, s, cfg, model, replicas, targets, boxes, trainCases, volumes, pipeline,
              optim, console, tty);
        }
        if (cfg.standardizeTokens() && !r.image.blind && r.init.projector != null) {
          console.println("image tokens: standardised with the statistics stored with the projector of "
              + r.init.projector);
        } else if (cfg.standardizeTokens() && !r.image.blind) { // after pretraining: the statistics of the encoder that follows
          List<Path> scans = new ArrayList<>(new LinkedHashSet<>(train.stream().map(TrainingExample::image).toList()));
          ImageTokenStatistics.Result st = ImageTokenStatistics.compute(model, volumes, scans, optim.microBatch());
          console.printf(Locale.ROOT, "image tokens: standardised with the statistics of %d training scans (%.1f s)%n",
              st.scans(), st.seconds());
        }
        freeze(r, model, replicas);
        TrainConfig mainStage = optim;
        if (pretrainSeconds > 0 && mainStage.maxMinutes > 0) { // one wall-clock budget for both stages
          mainStage = TrainConfig.fromJson(optim.toJson())
              .maxMinutes(Math.max(1e-3, mainStage.maxMinutes - pretrainSeconds / 60));
        }
        Trainer<MultimodalTask.Batch> trainer = new Trainer<>(model, task, task, mainStage, s.out)
            .replicas(replicas).console(console, tty).listener(s.listener);
        List<TrainingExample> valUsable = usable(val, pb, cfg.vocab());
        if (!valUsable.isEmpty() && r.validation.samples > 0) {
          MultimodalTask valTask = new MultimodalTask(valUsable, pb, volumes, false, pad, cfg.vocab())
              .withPacking(r.data.packing);
          if (cfg.findingLabels() != null) { // head AUC on validation scans; no loss term there
            valTask.withFindingLoss(RunLabels.targets(RunLabels.labels(valCases), cfg.findingLabels()), 0);
          }
          trainer.validator(new MultimodalValidator(valTask, tt, optim.microBatch(), r.validation.samples,
              optim.seed()));
        }
        long trainable = model.trainableParameters().values().stream().mapToLong(p -> p.array().getShape().size())
            .sum();
        console.printf(Locale.ROOT, "train: %s preset, %d parameters (%d trainable), %d training examples from %d"
                + " cases, %d validation examples, %d steps, devices %s%n", cfg.name(), model.parameterCount(),
            trainable, train.size(), trainCases.size(), val.size(), r.optim.epochs == 0 ? 0 : optim.totalSteps(train.size()),
            devices);
        Trainer.Result result;
        if (r.optim.epochs == 0) { // the run is its init weights, with the hints and statistics judged above
          console.println("train: optim.epochs is 0: no training step; the model keeps its init weights");
          result = new Trainer.Result(0, 0, 0, Double.NaN, 0, false, 0, null);
          s.listener.finished(result);
        } else {
          result = trainer.fit(s.resume);
        }
        model.save(run.model());
        return new Outcome(result, run.model(), train.size(), val.size(), model.parameterCount(), trainable, resolved);
      } finally {
        for (int i = managers.size() - 1; i >= 0; i--) {
          managers.get(i).close();
        }
      }
    }
  }

  /**
   * The recipe a run trains with. A resume continues the saved schedule, so it takes the run's recorded recipe; a
   * recipe given with it must say the same (the time cap and other settings may change).
   */
  static Recipe recipeToRun(Recipe given, RunDirectory run, boolean resume) throws IOException {
    if (given == null && resume && Files.isRegularFile(run.recipe())) {
      return RecipeFiles.read(run.recipe());
    }
    return given; // a given recipe is compared with the recorded one once resolved (recordRecipe)
  }

  /** The recipe as this run resolved it: the learning rate, the vision stem, the adapters and the pipeline. */
  static Recipe resolved(Recipe r, MultimodalConfig cfg, Pipeline pipeline) {
    Recipe out = RecipeFiles.withOverrides(r, List.of());
    out.optim.lr = r.lr();
    out.model.visionStem = cfg.vision().stem();
    Recipe.Lora l = new Recipe.Lora();
    l.r = cfg.lora() == null ? 0 : cfg.lora().r();
    if (cfg.lora() != null) {
      l.alpha = cfg.lora().alpha();
      l.dropout = cfg.lora().dropout();
      l.targetModules = cfg.lora().targetModules();
    }
    out.trainable.lora = l;
    out.data.pipeline = JsonParser.parseString(pipeline.toJson());
    return out;
  }

  /** A fresh run records its resolved recipe; a resume checks that it trains the recipe it started with. */
  static void recordRecipe(Recipe resolved, RunDirectory run, boolean resume) throws IOException {
    if (resume && Files.isRegularFile(run.recipe())) {
      Recipe recorded = RecipeFiles.read(run.recipe());
      List<String> diffs = RecipeFiles.differences(recorded, resolved);
      diffs.removeIf(d -> d.startsWith("data.cache ") || d.startsWith("name ") || d.startsWith("description "));
      if (!diffs.isEmpty()) {
        throw new IllegalArgumentException("cannot resume " + run.dir() + ": it was started with another recipe: "
            + String.join(", ", diffs) + "; resume with the same recipe (or none: the run's recipe.json is used)");
      }
      return;
    }
    RecipeFiles.write(resolved, run.recipe());
  }

  /** The Trainer's settings: the recipe's optimisation and validation, and the run's execution settings. */
  static TrainConfig trainConfig(Recipe r, Settings s) {
    Recipe.Optim o = r.optim;
    // optim.epochs 0 never reaches the Trainer (see run); its config still describes the run's batches
    TrainConfig c = new TrainConfig().epochs(Math.max(1, o.epochs)).maxSteps(o.maxSteps).microBatch(o.batch)
        .accumulation(o.accumulation).lr(r.lr()).warmupFraction(o.warmup).schedule(o.schedule)
        .weightDecay(o.weightDecay).maxGradNorm(o.maxGradNorm).seed(o.seed).validateEvery(r.validation.every)
        .groupSamples(r.data.grouped).checkpointEvery(s.checkpointEvery).keepLast(s.keep).maxMinutes(s.minutes)
        .progressSeconds(s.progressSeconds);
    return c.threads(s.threads > 0 ? s.threads : Runtime.getRuntime().availableProcessors());
  }

  /** The model on the master device, with the recipe's language model and image side loaded. */
  private static MultimodalModel buildModel(Recipe r, MultimodalConfig cfg, NDManager manager, Settings s,
      Path initFile, PrintStream console) throws IOException {
    MultimodalModel model = new MultimodalModel(cfg, manager, s.dtype, r.optim.seed);
    if (r.init.languageModel != null) {
      ModuleLoader.Report lm = model.loadLanguageModel(Path.of(r.init.languageModel));
      console.printf(Locale.ROOT, "language model: %d tensors from %s%n", lm.loaded().size(), r.init.languageModel);
    } else if (!r.model.preset.equals("tiny") && r.model.config == null) {
      console.println("warning: no init.language_model given: the " + r.model.preset + " preset's language model"
          + " starts from random weights");
    }
    if (initFile != null && M3dClip.isRelease(initFile)) {
      ModuleLoader.Report rep = M3dClip.loadVision(model, initFile);
      console.printf(Locale.ROOT, "vision init: %d tensors of the M3D-CLIP release %s (vision_encoder.*; its text"
          + " encoder is not used)%n", rep.loaded().size(), initFile);
      if (r.prompts.findingHints) {
        throw new IllegalArgumentException("prompts.finding_hints reads a trained finding head, and the M3D-CLIP"
            + " release " + initFile + " has none");
      }
    } else if (initFile != null) { // a resumed run then overwrites these weights with its checkpoint's
      ModuleLoader.Report rep = EncoderFile.load(model, initFile);
      boolean headLoaded = rep.loaded().stream().anyMatch(n -> n.startsWith(EncoderFile.HEAD));
      console.printf(Locale.ROOT, "vision init: %d tensors from %s%s%n", rep.loaded().size(), initFile,
          model.hasFindingHead() && !headLoaded
              ? " (the finding head starts fresh: the file has none over these labels)" : "");
      if (r.prompts.findingHints && !headLoaded) {
        throw new IllegalArgumentException("prompts.finding_hints reads a trained finding head, but none over this"
            + " model's labels is loaded from " + initFile);
      }
    }
    loadProjector(r, model, console); // after the encoder file, whose projector it replaces
    model.setBlind(r.image.blind);
    return model;
  }

  /**
   * {@code init.projector}: the projector (and its token statistics) of a Scribe3D model directory, e.g. the one
   * models/tiny-lm was trained with, so that language model reads the image tokens it learnt from.
   */
  private static void loadProjector(Recipe r, MultimodalModel model, PrintStream console) throws IOException {
    if (r.init.projector == null) {
      return;
    }
    Path file = Path.of(r.init.projector).resolve(MultimodalModel.WEIGHTS_FILE);
    String prefix = "mm_projector.";
    try (TensorSource src = Safetensors.open(file)) {
      ModuleLoader.Report rep = ModuleLoader.load(model, src, n -> n.startsWith(prefix) ? n : null,
          n -> !n.startsWith(prefix) || !model.config().standardizeTokens() && n.startsWith(prefix + "token_"));
      console.printf(Locale.ROOT, "projector: %d tensors from %s%n", rep.loaded().size(), file);
    } catch (CheckpointException e) {
      throw new IllegalArgumentException("recipe key init.projector: " + e.getMessage(), e);
    }
  }

  /** Judges which types the hints may name on the training scans, writes the run's hint vocabulary, hints the examples. */
  private static FindingHints.Prepared writeHints(Recipe r, RunDirectory run, MultimodalConfig cfg,
      MultimodalModel model, PipelineCache volumes, PromptBuilder pb, List<TrainingExample> train,
      List<TrainingExample> val, List<Case> trainCases, TrainConfig optim, PrintStream console) throws IOException {
    long h0 = System.nanoTime();
    FindingHints.Prepared hinted = FindingHints.prepare(model, volumes, train, val, RunLabels.labels(trainCases),
        optim.microBatch(), r.prompts.trueHints > 0 ? RunLabels.findings(trainCases) : Map.of(), r.prompts.trueHints,
        optim.seed(), r.prompts.hintThresholds == null ? null
            : HintThresholds.read(Path.of(r.prompts.hintThresholds), cfg.findingLabels()));
    if (cfg.vocab() != null) {
      try {
        for (TrainingExample e : hinted.train()) {
          cfg.vocab().toCompact(pb.example(e.prompt(), e.answer()).inputIds());
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the model's restricted vocabulary cannot write the finding hints ("
            + e.getMessage() + "): a model.config for finding hints needs the tokens of CorpusVocabulary.hintTexts",
            e);
      }
    }
    JsonObject hintFile = FindingHints.toJson(cfg.findingLabels(), hinted.thresholds());
    AtomicFiles.writeString(run.findingHints(), hintFile + "\n");
    console.printf(Locale.ROOT, "finding hints: the head's diagnosis in front of every prompt, %d scans (%.1f s);"
        + " types it may name (those it calls right >= %.0f%% of the time (and >= %d times) at %.1f on the training"
        + " scans%s): %s; with their severity (the head's grade right on >= %.0f%% of them): %s; e.g. \"%s\"%n",
        hinted.scans(), (System.nanoTime() - h0) / 1e9, 100 * FindingHints.MIN_PRECISION,
        FindingHints.MIN_RIGHT_CALLS, FindingHint.THRESHOLD,
        r.prompts.hintThresholds == null ? "" : ", as judged in " + r.prompts.hintThresholds, named(hintFile, "type:"),
        100 * FindingHints.MIN_SEVERITY_ACCURACY, named(hintFile, "severity:"), hinted.example());
    if (hinted.trueHints() > 0) {
      console.printf(Locale.ROOT, "true hints: %d of %d training scans are hinted with their reports' findings"
          + " (prompts.true_hints %s)%n", hinted.trueHints(), trainCases.size(), r.prompts.trueHints);
    }
    return hinted;
  }

  /** The vision-pretraining stage ({@link VisionPretraining}); returns its seconds. */
  private static double pretrain(Recipe r, RunDirectory run, Settings s, MultimodalConfig cfg, MultimodalModel model,
      List<MultimodalModel> replicas, Map<Path, float[]> targets, Map<String, List<PhantomTruth.Located>> boxes,
      List<Case> trainCases, PipelineCache volumes, Pipeline pipeline, TrainConfig optim, PrintStream console,
      boolean tty) throws Exception {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("image.pretrain_epochs needs a finding head (image.finding_loss > 0)");
    }
    FindingTask task = new FindingTask(targets, volumes, r.data.augment);
    if (r.image.boxLoss > 0) {
      long t0 = System.nanoTime();
      task.withDenseTargets(DenseTargets.compute(trainCases, boxes, volumes, cfg.vision(), cfg.denseLabels()),
          r.image.boxLoss);
      console.printf(Locale.ROOT, "dense finding head: %d labels per token from the ground-truth boxes of %d"
          + " scans (%.1f s)%n", cfg.denseLabels().size(), task.size(), (System.nanoTime() - t0) / 1e9);
    }
    return VisionPretraining.run(run, s.data, r.image.pretrainEpochs, optim, model, replicas, task, pipeline,
        s.resume, console, tty).seconds();
  }

  /** After pretraining (which trains the encoder whatever the recipe freezes): what the main stage keeps fixed. */
  private static void freeze(Recipe r, MultimodalModel model, List<MultimodalModel> replicas) {
    List<MultimodalModel> all = new ArrayList<>(replicas);
    all.add(0, model);
    for (MultimodalModel m : all) {
      if (r.freezeVision()) {
        m.vision().setTrainable(false);
        if (r.image.findingLoss == 0 && m.findingHead() != null) { // a loaded head is part of the image side
          m.findingHead().setTrainable(false);
        }
      }
      if (m.findingDenseHead() != null) { // only vision pretraining has a loss for it
        m.findingDenseHead().setTrainable(false);
      }
    }
  }

  /**
   * The run's preprocessing: the recipe's pipeline; else the one the vision init encoder was pretrained on
   * ({@code theirs}, JSON or null; its features mean something only on inputs prepared that way); else M3D's. A
   * given pipeline that differs from the encoder's is used, with a warning.
   */
  static Pipeline choosePipeline(Recipe r, Path initFile, String theirs, int[] size, PrintStream console)
      throws IOException {
    Pipeline encoders = theirs == null ? null : Pipeline.parse(theirs, initFile + " (metadata)");
    JsonElement p = r.data.pipeline;
    if (p != null && !p.isJsonNull()) {
      Pipeline given = p.isJsonPrimitive() ? Pipeline.load(Path.of(p.getAsString()))
          : Pipeline.parse(p.toString(), "data.pipeline");
      if (encoders != null && !encoders.toJson().equals(given.toJson())) {
        console.println("warning: data.pipeline differs from the pipeline the encoder in " + initFile
            + " was pretrained on; its features may not carry over");
      }
      return given;
    }
    if (encoders != null) {
      console.println("pipeline: the one " + initFile + " was pretrained on");
      return encoders;
    }
    return r.data.augment ? Pipeline.training(size, null) : Pipeline.defaults(size, null, true, true);
  }

  /** {@code init.vision} as a file: itself, or a run directory's pretrained encoder. */
  static Path encoderFile(Path p) {
    if (Files.isDirectory(p) && !M3dClip.isRelease(p)) {
      Path f = RunDirectory.of(p).pretrainedEncoder();
      if (!Files.isRegularFile(f)) {
        throw new IllegalArgumentException(p + " has no " + p.relativize(f)
            + " (a run writes it when trained with image.pretrain_epochs > 0)");
      }
      return f;
    }
    return p;
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

  static Path defaultCacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
    return base.resolve("scribe3d").resolve("volumes");
  }

  private static String fmt(int[] s) {
    return s[0] + "×" + s[1] + "×" + s[2];
  }

  /** The finding types whose labels with this prefix a hints file names ("severity:" → the graded types). */
  private static Set<String> named(JsonObject hintFile, String prefix) {
    Set<String> out = new TreeSet<>();
    for (String label : hintFile.getAsJsonObject("thresholds").keySet()) {
      if (label.startsWith(prefix)) {
        String rest = label.substring(prefix.length());
        out.add(rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest);
      }
    }
    return out;
  }
}
