package org.scribe3d.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.PromptTemplates;
import org.scribe3d.data.Question;
import org.scribe3d.data.Region;
import org.scribe3d.data.Split;
import org.scribe3d.generate.ContrastiveDecoding;
import org.scribe3d.generate.GenerationConfig;
import org.scribe3d.generate.GenerationResult;
import org.scribe3d.generate.Generator;
import org.scribe3d.generate.ReportSampling;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.prompt.FindingHint;
import org.scribe3d.prompt.Llama3Tokenizer;
import org.scribe3d.prompt.PromptBuilder;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.train.FindingHints;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.run.RunDirectory;
import com.google.gson.JsonElement;
import org.scribe3d.train.VolumeCache;
import org.scribe3d.volume.Pipeline;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;

/**
 * Generation from a trained run directory ({@link TrainRun}): reports per region and answers to
 * multiple-choice questions for NIfTI scans, and whole-split predictions files
 * (docs/predictions-format.md) for {@code scribe3d evaluate --run}.
 *
 * <p>What it reuses from the run: {@code RUN/model/} (weights, config, the tiny preset's restricted
 * vocabulary), {@code RUN/pipeline.json} (the preprocessing the run trained with; only its
 * deterministic steps are applied — no augmentation), and the training prompts of
 * {@link PromptTemplates} (the strings {@link org.scribe3d.data.Examples} trains on). Reports are
 * decoded greedily (or by sampling and minimum Bayes risk, {@link Options#reportSampling}) and stop at
 * EOS/EOT; answers are the most likely option ({@link AnswerMode}).
 *
 * <p>Speed: each distinct scan goes through the vision encoder and projector once, however many
 * prompts are asked about it; prompts are then decoded in batches (left-padded) with the image
 * embeddings spliced after BOS, as {@link MultimodalModel#generateText} does for one image per prompt.
 * Not thread-safe.
 */
public final class RunPredictor implements AutoCloseable {
  /** Default most new tokens of a report (phantom reports are 40-80 tokens). */
  public static final int REPORT_MAX_NEW_TOKENS = 160;
  /** Default most new tokens of an answer ("B. About 18 mm" is 6). */
  public static final int ANSWER_MAX_NEW_TOKENS = 16;

  /** Settings; the defaults suit the tiny preset on a CPU. */
  public static final class Options {
    int batch = 32;
    int visionBatch = 4;
    int reportMaxNewTokens = REPORT_MAX_NEW_TOKENS;
    int answerMaxNewTokens = ANSWER_MAX_NEW_TOKENS;
    int casesPerChunk = 32;
    AnswerMode answerMode = AnswerMode.OPTIONS;
    ContrastiveDecoding contrast;
    ReportSampling reportSampling;
    boolean blind;
    Path cacheDir;
    Integer threads;
    PrintStream log = System.err;

    /** Prompts decoded together in one batch (default 32). */
    public Options batch(int n) {
      this.batch = positive(n, "batch");
      return this;
    }

    /** Scans through the vision encoder together (default 4). */
    public Options visionBatch(int n) {
      this.visionBatch = positive(n, "vision batch");
      return this;
    }

    public Options reportMaxNewTokens(int n) {
      this.reportMaxNewTokens = positive(n, "report max new tokens");
      return this;
    }

    public Options answerMaxNewTokens(int n) {
      this.answerMaxNewTokens = positive(n, "answer max new tokens");
      return this;
    }

    /** How multiple-choice answers are chosen (default {@link AnswerMode#OPTIONS}). */
    public Options answerMode(AnswerMode mode) {
      this.answerMode = java.util.Objects.requireNonNull(mode, "answer mode");
      return this;
    }

    /**
     * Contrast every scan with the average training scan ({@link ContrastiveDecoding}; null or weight 0 = off,
     * the default): greedy decoding picks tokens by the VCD rule, and option scoring ranks options by
     * {@code (1 + α) log p(answer | scan) − α log p(answer | average scan)}. Needs a run whose projector
     * standardises its tokens (the average scan is then known: all standardised tokens zero). Blind runs
     * decode as without it (their scan and contrast are the same zeros).
     */
    public Options contrast(ContrastiveDecoding cd) {
      this.contrast = cd == null || cd.off() ? null : cd;
      return this;
    }

    /**
     * Reports by sampling and minimum Bayes risk (null or 0 samples = greedy, the default): each report is
     * also sampled {@code samples} times, and the report kept is the one among the greedy report and the
     * samples with the highest mean finding-level F1 against the samples ({@link FindingConsensus}). Not
     * with {@link #contrast} (contrastive decoding is greedy).
     */
    public Options reportSampling(ReportSampling rs) {
      this.reportSampling = rs == null || rs.off() ? null : rs;
      return this;
    }

    /** Cases preprocessed and held in memory at once by {@link #predictSplit} (default 32). */
    public Options casesPerChunk(int n) {
      this.casesPerChunk = positive(n, "cases per chunk");
      return this;
    }

    /**
     * Blind control: image embeddings replaced by zeros. Runs trained with {@code --blind} record it
     * ({@code RUN/blind.json}) and are opened blind without this.
     */
    public Options blind(boolean on) {
      this.blind = on;
      return this;
    }

    /** Reuse (and fill) an on-disk cache of preprocessed volumes, e.g. the training cache; null = none. */
    public Options cacheDir(Path dir) {
      this.cacheDir = dir;
      return this;
    }

    /** Torch intra-op threads (process-wide); null = leave as is. */
    public Options threads(Integer n) {
      if (n != null) {
        positive(n, "threads");
      }
      this.threads = n;
      return this;
    }

    /** Where notes and progress go (default System.err). */
    public Options log(PrintStream out) {
      this.log = out;
      return this;
    }

    private static int positive(int n, String what) {
      if (n < 1) {
        throw new IllegalArgumentException(what + " must be at least 1, got " + n);
      }
      return n;
    }
  }

  /**
   * How a multiple-choice answer is chosen. {@code OPTIONS} scores each option's answer string ("B. Large",
   * the training target, with its EOS) by the model's log-likelihood after the question and takes the
   * highest (rank classification, as lm-evaluation-harness scores multiple choice): the answer is always
   * one of the options, its letter and text agree, and it is the option the model finds most probable as a
   * whole. {@code GREEDY} decodes freely (at most {@code answerMaxNewTokens}); the first letter is the answer,
   * and a small model's letter and text may disagree (session 8: on a third of the questions).
   */
  public enum AnswerMode {
    OPTIONS, GREEDY;

    public static AnswerMode parse(String s) {
      for (AnswerMode m : values()) {
        if (m.name().equalsIgnoreCase(s.strip())) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown answer mode '" + s + "' (expected options or greedy)");
    }
  }

  /** One prompt {@link #predictSplit} asks about a case: a region's report or one question. */
  public record Request(String caseId, Region region, int questionIndex, Question question, String prompt,
      String reference) {
    public boolean isReport() {
      return region != null;
    }
  }

  /**
   * What {@link #predictSplit} did.
   *
   * @param unparseableAnswers answers that do not start with an option letter (scored as wrong)
   * @param preprocessSeconds reading + preprocessing scans
   * @param visionSeconds vision encoder + projector
   * @param reportSeconds decoding reports
   * @param answerSeconds decoding answers
   */
  public record SplitResult(Path file, int cases, int reportLines, int vqaLines, int unparseableAnswers,
      double preprocessSeconds, double visionSeconds, double reportSeconds, double answerSeconds, double seconds) {}

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final Path run;
  private final Options options;
  private final NDManager manager;
  private final MultimodalModel model;
  private final Llama3Tokenizer tokenizer;
  private final TextTokenizer text;
  private final PromptBuilder prompts;
  private final Pipeline pipeline;
  private final boolean pipelineRecorded;
  private final int[] dhw;
  private final VolumeCache cache;
  /** The average training scan's image embeddings [K, H] when contrasting, else null (computed once at open). */
  private final NDArray averageScan;
  /** Whether prompts carry the finding head's hint (the run's finding-hints file), as in the run's training. */
  private final boolean hints;
  /** Per head label, the probability at which the hint names its type (NaN: never), from the hints file. */
  private final double[] hintThresholds;
  private double preprocessSeconds;
  private double visionSeconds;

  private RunPredictor(Path run, Options o) throws IOException {
    this.run = run;
    this.options = o;
    if (o.contrast != null && o.reportSampling != null) {
      throw new IllegalArgumentException("report sampling cannot be combined with contrastive decoding"
          + " (contrastive decoding is greedy)");
    }
    if (!Files.isDirectory(run)) {
      throw new IllegalArgumentException("run directory " + run + " does not exist");
    }
    RunDirectory rd = RunDirectory.of(run);
    Path modelDir = rd.model();
    if (!Files.isRegularFile(modelDir.resolve(MultimodalModel.CONFIG_FILE))
        || !Files.isRegularFile(modelDir.resolve(MultimodalModel.WEIGHTS_FILE))) {
      throw new IllegalArgumentException(run + " has no trained model (" + modelDir + "/" + MultimodalModel.CONFIG_FILE
          + " and " + MultimodalModel.WEIGHTS_FILE + "; they are written when training ends)");
    }
    MultimodalConfig cfg = MultimodalConfig.load(modelDir.resolve(MultimodalModel.CONFIG_FILE));
    this.dhw = new int[] {cfg.vision().depth(), cfg.vision().height(), cfg.vision().width()};
    Recipe recipe = Files.isRegularFile(rd.recipe()) ? rd.readRecipe() : null;
    JsonElement recorded = recipe == null ? null : recipe.data.pipeline;
    if (recorded != null && (recorded.isJsonObject() || recorded.isJsonArray())) {
      this.pipeline = deterministic(Pipeline.parse(recorded.toString(), rd.recipe() + " data.pipeline"));
      this.pipelineRecorded = true;
    } else {
      this.pipeline = Pipeline.defaults(dhw, null, true, true);
      this.pipelineRecorded = false;
      o.log.println("note: " + run + " records no preprocessing pipeline (" + rd.recipe().getFileName()
          + " data.pipeline): preprocessing with the defaults (reorient, normalize, crop foreground, resize to "
          + fmt(dhw) + ")");
    }
    checkSize(pipeline, dhw, pipelineRecorded ? rd.recipe() + " data.pipeline" : "default pipeline");
    boolean blindRun = recipe != null && recipe.image.blind;
    if (blindRun) {
      o.log.println("note: " + run + " is a blind-control run (" + rd.recipe().getFileName() + " image.blind): image"
          + " embeddings are zeroed, as in its training");
    }
    this.cache = o.cacheDir == null ? null : new VolumeCache(o.cacheDir, pipeline.toJson(), this::preprocessUncached);
    NDManager m = NDManager.newBaseManager(); // loads the engine (its native library) first
    Llama3Tokenizer tok = null;
    try {
      if (o.threads != null) {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(o.threads);
      }
      this.model = MultimodalModel.load(modelDir, m, DataType.FLOAT32);
      this.model.setBlind(o.blind || blindRun);
      tok = Llama3Tokenizer.vendored();
    } catch (RuntimeException e) {
      if (tok != null) {
        tok.close();
      }
      m.close();
      throw e;
    }
    this.manager = m;
    this.tokenizer = tok;
    NDArray average = null;
    if (o.contrast != null && !model.isBlind()) { // blind runs: scan and contrast are the same zeros
      try (NDScope scope = new NDScope()) {
        average = model.averageScanEmbeddings().get(0);
        NDScope.unregister(average);
      } catch (IllegalStateException e) {
        close();
        throw new IllegalArgumentException("contrastive decoding needs " + run + " to know its average scan: "
            + e.getMessage(), e);
      }
    }
    this.averageScan = average;
    Path hintFile = rd.findingHints();
    this.hints = Files.isRegularFile(hintFile) && !model.isBlind();
    if (hints && !model.hasFindingHead()) {
      close();
      throw new IllegalArgumentException(run + " was trained with finding hints (" + hintFile.getFileName()
          + ") but its model has no finding head");
    }
    double[] th = null;
    if (hints) {
      try {
        th = FindingHints.readThresholds(hintFile, model.config().findingLabels());
      } catch (IllegalArgumentException e) {
        close();
        throw e;
      }
    }
    this.hintThresholds = th;
    this.text = TextTokenizer.of(tok);
    this.prompts = new PromptBuilder(text, cfg.imageTokens(), cfg.imageTokenId(), cfg.maxLength());
  }

  /** Opens a run directory with default options. */
  public static RunPredictor open(Path run) throws IOException {
    return open(run, new Options());
  }

  /**
   * Opens a run directory: loads {@code RUN/model/}, the vendored Llama-3 tokenizer and the run's
   * preprocessing pipeline (or, for runs without {@code pipeline.json}, the default inference pipeline
   * at the model's input size, with a note on the log stream).
   *
   * @throws IllegalArgumentException if the directory, its model or its pipeline is missing or unusable
   */
  public static RunPredictor open(Path run, Options o) throws IOException {
    return new RunPredictor(run, o);
  }

  public Path run() {
    return run;
  }

  public MultimodalModel model() {
    return model;
  }

  /** True when image embeddings are zeroed (a blind-control run, or {@link Options#blind}). */
  public boolean blind() {
    return model.isBlind();
  }

  public MultimodalConfig config() {
    return model.config();
  }

  /** The tokenizer the prompts are encoded with (owned by this predictor). */
  public TextTokenizer tokenizer() {
    return text;
  }

  /** The deterministic preprocessing applied to every scan. */
  public Pipeline pipeline() {
    return pipeline;
  }

  /** False when the run has no pipeline.json and the default pipeline is used. */
  public boolean pipelineRecorded() {
    return pipelineRecorded;
  }

  // ------------------------------------------------------------------ prompts

  /** The report prompt of a region: exactly the training prompt ({@link PromptTemplates#mrg}). */
  public static String reportPrompt(Region region) {
    return PromptTemplates.mrg(region);
  }

  /** The VQA prompt of a question: exactly the training prompt ({@link PromptTemplates#vqa}). */
  public static String questionPrompt(Question q) {
    return PromptTemplates.vqa(q);
  }

  /**
   * What {@link #predictSplit} asks about a case, in order: the report of every region whose reference
   * findings are not empty (the regions it trains and is scored on), then every question.
   */
  public static List<Request> requests(Case c) {
    List<Request> out = new ArrayList<>();
    for (Region r : Region.values()) {
      if (c.hasFindings(r)) {
        out.add(new Request(c.id(), r, -1, null, reportPrompt(r), c.findings().get(r)));
      }
    }
    for (int i = 0; i < c.questions().size(); i++) {
      Question q = c.questions().get(i);
      out.add(new Request(c.id(), null, i, q, questionPrompt(q), q.answerText()));
    }
    return out;
  }

  /**
   * The option letter a generated answer names: its first non-blank character, upper-cased, if that
   * is A, B, C or D ("B. Liver", " b" → "B"); otherwise "" (unparseable). Same first-character rule
   * as the evaluator's {@code VqaAccuracy.letterOf}, restricted to the option letters.
   */
  public static String answerLetter(String generated) {
    String s = generated == null ? "" : generated.strip();
    if (s.isEmpty()) {
      return "";
    }
    String l = s.substring(0, 1).toUpperCase(Locale.ROOT);
    return PromptTemplates.LETTERS.contains(l) ? l : "";
  }

  // ------------------------------------------------------------------ single scans

  /** The findings report of each asked region of one scan (in region order). */
  public Map<Region, String> reports(Path image, Set<Region> regions) throws IOException {
    return reports(List.of(image), regions).get(0);
  }

  /** Reports for many scans, batched: one map per image, regions in region order. */
  public List<Map<Region, String>> reports(List<Path> images, Set<Region> regions) throws IOException {
    if (regions.isEmpty()) {
      throw new IllegalArgumentException("no regions asked");
    }
    List<Region> rs = Arrays.stream(Region.values()).filter(regions::contains).toList();
    List<Path> imgs = new ArrayList<>();
    List<String> ps = new ArrayList<>();
    for (Path p : images) {
      for (Region r : rs) {
        imgs.add(p);
        ps.add(reportPrompt(r));
      }
    }
    List<Region> regionOf = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      regionOf.addAll(rs);
    }
    Scans scans = scans(imgs);
    List<String> out;
    try (NDManager m = manager.newSubManager()) {
      Encoded e = encodeScans(scans.volumes(), m);
      out = decodeReports(e.embeddings(), scans.imageOf(), encode(e.hinted(ps, scans.imageOf())), regionOf, e.hints(),
          m);
    }
    List<Map<Region, String>> maps = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < images.size(); i++) {
      Map<Region, String> m = new EnumMap<>(Region.class);
      for (Region r : rs) {
        m.put(r, out.get(k++));
      }
      maps.add(m);
    }
    return maps;
  }

  /** The answer to one multiple-choice question about one scan. */
  public Answer answer(Path image, Question q) throws IOException {
    return answers(List.of(image), List.of(q)).get(0);
  }

  /** Answers for (image, question) pairs, batched; images may repeat (each is encoded once). */
  public List<Answer> answers(List<Path> images, List<Question> questions) throws IOException {
    if (images.size() != questions.size()) {
      throw new IllegalArgumentException(images.size() + " images for " + questions.size() + " questions");
    }
    List<String> ps = new ArrayList<>();
    for (Question q : questions) {
      checkOptions(q);
      ps.add(questionPrompt(q));
    }
    List<String> texts;
    if (options.answerMode == AnswerMode.GREEDY) {
      texts = generate(images, ps, options.answerMaxNewTokens);
    } else if (images.isEmpty()) {
      texts = List.of();
    } else {
      Scans scans = scans(images);
      try (NDManager m = manager.newSubManager()) {
        Encoded e = encodeScans(scans.volumes(), m);
        texts = chooseOptions(e.embeddings(), scans.imageOf(), questions, encode(e.hinted(ps, scans.imageOf())), m);
      }
    }
    List<Answer> out = new ArrayList<>();
    for (String s : texts) {
      out.add(new Answer(answerLetter(s), s));
    }
    return out;
  }

  /**
   * The finding head's probability of each label ({@code config().findingLabels()}, e.g.
   * "type:lung_nodule") per scan, for runs trained with {@code --finding-loss}.
   */
  public List<Map<String, Double>> findingProbabilities(List<Path> images) throws IOException {
    if (!model.hasFindingHead()) {
      throw new IllegalArgumentException(run + " was trained without a finding head (recipe key image.finding_loss)");
    }
    List<String> labels = model.config().findingLabels();
    List<Map<String, Double>> out = new ArrayList<>();
    for (int from = 0; from < images.size(); from += options.casesPerChunk) {
      List<float[]> volumes = new ArrayList<>();
      for (Path p : images.subList(from, Math.min(images.size(), from + options.casesPerChunk))) {
        volumes.add(preprocess(p));
      }
      float[] p = headProbabilities(volumes);
      for (int i = 0; i < volumes.size(); i++) {
        Map<String, Double> row = new LinkedHashMap<>();
        for (int l = 0; l < labels.size(); l++) {
          row.put(labels.get(l), (double) p[i * labels.size() + l]);
        }
        out.add(row);
      }
    }
    return out;
  }

  /**
   * Greedy continuations of (image, prompt text) pairs, at most {@code maxNewTokens} each; images may
   * repeat and each distinct file is preprocessed and encoded once.
   */
  public List<String> generate(List<Path> images, List<String> promptTexts, int maxNewTokens) throws IOException {
    if (images.size() != promptTexts.size()) {
      throw new IllegalArgumentException(images.size() + " images for " + promptTexts.size() + " prompts");
    }
    if (images.isEmpty()) {
      return List.of();
    }
    Scans scans = scans(images);
    try (NDManager m = manager.newSubManager()) {
      Encoded e = encodeScans(scans.volumes(), m);
      return decode(e.embeddings(), scans.imageOf(), encode(e.hinted(promptTexts, scans.imageOf())), maxNewTokens, m);
    }
  }

  /**
   * The finding hint this run puts in front of its prompts about {@code image} ("Image findings: …", from its
   * frozen finding head), or null when the run was trained without hints.
   */
  public String hint(Path image) throws IOException {
    if (!hints) {
      return null;
    }
    try (NDManager m = manager.newSubManager()) {
      return encodeScans(List.of(preprocess(image)), m).hints()[0];
    }
  }

  /**
   * The finding heads' label probabilities ({@code MultimodalModel.findingProbabilities}), labels per volume, the
   * encoder batched as for embeddings.
   */
  private float[] headProbabilities(List<float[]> volumes) {
    long t = System.nanoTime();
    int labels = model.config().findingLabels().size();
    float[] out = new float[volumes.size() * labels];
    for (int b = 0; b < volumes.size(); b += options.visionBatch) {
      int n = Math.min(options.visionBatch, volumes.size() - b);
      try (NDManager m = manager.newSubManager()) {
        float[] p = model.findingProbabilitiesOfImages(images(volumes, b, n, m)).toFloatArray();
        System.arraycopy(p, 0, out, b * labels, n * labels);
      }
    }
    visionSeconds += (System.nanoTime() - t) / 1e9;
    return out;
  }

  /** The distinct scans of a list of image paths, preprocessed once each, and which one each entry is. */
  private record Scans(int[] imageOf, List<float[]> volumes) {}

  private Scans scans(List<Path> images) throws IOException {
    Map<Path, Integer> index = new LinkedHashMap<>();
    int[] imageOf = new int[images.size()];
    for (int i = 0; i < images.size(); i++) {
      imageOf[i] = index.computeIfAbsent(images.get(i).toAbsolutePath().normalize(), k -> index.size());
    }
    List<float[]> volumes = new ArrayList<>();
    for (Path p : index.keySet()) {
      volumes.add(preprocess(p));
    }
    return new Scans(imageOf, volumes);
  }

  // ------------------------------------------------------------------ whole split

  /**
   * Generates the predictions file of one split (docs/predictions-format.md): a report line per case
   * and region whose reference is not empty, a VQA line per question, in case order. Written to a
   * temporary sibling and renamed at the end; a progress line goes to {@code progress} about every 10 s.
   *
   * @throws IllegalArgumentException if the split has no cases, or a prompt uses tokens outside a
   *     restricted vocabulary (checked for every case before any generation)
   */
  public SplitResult predictSplit(Dataset ds, Split split, Path out, PrintStream progress) throws IOException {
    List<Case> cases = ds.split(split);
    if (cases.isEmpty()) {
      throw new IllegalArgumentException(ds.source() + ": the " + split.key() + " split has no cases");
    }
    List<List<Request>> reqs = new ArrayList<>();
    int reportRows = 0;
    int vqaRows = 0;
    for (Case c : cases) {
      List<Request> r = requests(c);
      for (Request q : r) {
        try {
          toModelIds(q.prompt());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("case " + c.id() + (q.isReport() ? " region " + q.region().key()
              : " question " + q.questionIndex()) + ": " + e.getMessage(), e);
        }
        if (q.isReport()) {
          reportRows++;
        } else {
          vqaRows++;
        }
      }
      reqs.add(r);
    }
    long t0 = System.nanoTime();
    preprocessSeconds = 0;
    visionSeconds = 0;
    double reportSec = 0;
    double answerSec = 0;
    int unparseable = 0;
    int reportsDone = 0;
    int answersDone = 0;
    long lastPrint = t0;
    Path abs = out.toAbsolutePath();
    try (AtomicFiles.Pending pending = AtomicFiles.begin(abs)) {
      try (BufferedWriter w = pending.writer()) {
        for (int from = 0; from < cases.size(); from += options.casesPerChunk) {
          int to = Math.min(cases.size(), from + options.casesPerChunk);
          List<float[]> volumes = new ArrayList<>();
          for (int i = from; i < to; i++) {
            volumes.add(preprocess(cases.get(i).image()));
          }
          List<String> repPrompts = new ArrayList<>();
          List<Integer> repImg = new ArrayList<>();
          List<Region> repRegion = new ArrayList<>();
          List<String> vqaPrompts = new ArrayList<>();
          List<Integer> vqaImg = new ArrayList<>();
          List<Question> vqaQuestions = new ArrayList<>();
          for (int i = from; i < to; i++) {
            for (Request q : reqs.get(i)) {
              (q.isReport() ? repPrompts : vqaPrompts).add(q.prompt());
              (q.isReport() ? repImg : vqaImg).add(i - from);
              if (q.isReport()) {
                repRegion.add(q.region());
              } else {
                vqaQuestions.add(q.question());
              }
            }
          }
          List<String> repOut;
          List<String> vqaOut;
          String[] chunkHints;
          try (NDManager m = manager.newSubManager()) {
            Encoded e = encodeScans(volumes, m);
            chunkHints = e.hints();
            NDArray[] emb = e.embeddings();
            int[] repImages = repImg.stream().mapToInt(Integer::intValue).toArray();
            int[] vqaImages = vqaImg.stream().mapToInt(Integer::intValue).toArray();
            List<long[]> vqaIds = encode(e.hinted(vqaPrompts, vqaImages));
            long a = System.nanoTime();
            repOut = decodeReports(emb, repImages, encode(e.hinted(repPrompts, repImages)), repRegion, e.hints(), m);
            long b = System.nanoTime();
            vqaOut = options.answerMode == AnswerMode.GREEDY
                ? decode(emb, vqaImages, vqaIds, options.answerMaxNewTokens, m)
                : chooseOptions(emb, vqaImages, vqaQuestions, vqaIds, m);
            long c = System.nanoTime();
            reportSec += (b - a) / 1e9;
            answerSec += (c - b) / 1e9;
          }
          int ri = 0;
          int vi = 0;
          for (int i = from; i < to; i++) {
            for (Request q : reqs.get(i)) {
              JsonObject o = new JsonObject();
              o.addProperty("case_id", q.caseId());
              if (q.isReport()) {
                o.addProperty("region", q.region().key());
                o.addProperty("prediction", repOut.get(ri++));
                o.addProperty("reference", q.reference());
                if (chunkHints != null) {
                  o.addProperty("hint", chunkHints[i - from]);
                }
                reportsDone++;
              } else {
                String pred = vqaOut.get(vi++);
                if (answerLetter(pred).isEmpty()) {
                  unparseable++;
                }
                o.addProperty("question_index", q.questionIndex());
                o.addProperty("type", q.question().type());
                o.addProperty("prediction", pred);
                o.addProperty("answer", q.reference());
                answersDone++;
              }
              w.write(GSON.toJson(o));
              w.write('\n');
            }
          }
          long now = System.nanoTime();
          if (now - lastPrint > 10_000_000_000L || to == cases.size()) {
            lastPrint = now;
            double sec = (now - t0) / 1e9;
            double eta = sec / to * (cases.size() - to);
            progress.printf(Locale.ROOT, "generate: %d/%d cases, %d/%d reports, %d/%d answers, %.1f s, ETA %.0f s%n",
                to, cases.size(), reportsDone, reportRows, answersDone, vqaRows, sec, eta);
            progress.flush();
          }
        }
      }
      pending.commit();
    }
    return new SplitResult(abs, cases.size(), reportsDone, answersDone, unparseable, preprocessSeconds,
        visionSeconds, reportSec, answerSec, (System.nanoTime() - t0) / 1e9);
  }

  // ------------------------------------------------------------------ the machinery

  /** A scan as the model's input: D×H×W floats (W fastest), deterministic preprocessing only. */
  public float[] preprocess(Path image) throws IOException {
    long t = System.nanoTime();
    try {
      return cache != null ? cache.get(image) : preprocessUncached(image);
    } finally {
      preprocessSeconds += (System.nanoTime() - t) / 1e9;
    }
  }

  private float[] preprocessUncached(Path image) throws IOException {
    if (!Files.isRegularFile(image)) {
      throw new IOException("image " + image + (Files.exists(image) ? " is not a regular file" : " does not exist"));
    }
    Volume v;
    try {
      v = VolumeIO.load(image);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new IOException(msg.contains(image.getFileName().toString()) ? msg : image + ": " + msg, e);
    }
    try {
      v = pipeline.apply(v, image.toString(), null, true);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (v.nz() != dhw[0] || v.ny() != dhw[1] || v.nx() != dhw[2]) {
      throw new IOException(image + ": preprocessing gave " + v.nz() + "×" + v.ny() + "×" + v.nx()
          + ", the model takes " + fmt(dhw));
    }
    return v.voxels();
  }

  /** Prompt text → BOS, K placeholders, prompt tokens, in model ids. */
  private long[] toModelIds(String prompt) {
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

  private List<long[]> encode(List<String> texts) {
    List<long[]> out = new ArrayList<>();
    for (String t : texts) {
      out.add(toModelIds(t));
    }
    return out;
  }

  /** Volumes {@code from … from + n − 1} as one image batch [n, C, D, H, W] owned by m. */
  private NDArray images(List<float[]> volumes, int from, int n, NDManager m) {
    int vox = dhw[0] * dhw[1] * dhw[2];
    int c = model.config().vision().channels();
    float[] buf = new float[n * vox * c];
    for (int i = 0; i < n; i++) {
      float[] v = volumes.get(from + i);
      for (int ch = 0; ch < c; ch++) {
        System.arraycopy(v, 0, buf, (i * c + ch) * vox, vox); // one-channel CT (channels copy it)
      }
    }
    return m.create(buf, new Shape(n, c, dhw[0], dhw[1], dhw[2]));
  }

  /**
   * Each volume's image embeddings [K, H] (owned by m) and, for runs trained with finding hints, its hint, or
   * null hints: one pass of the vision encoder serves both.
   */
  private record Encoded(NDArray[] embeddings, String[] hints) {
    /** The prompts with their scan's hint in front (scan {@code imageOf[i]} for prompt i); as given without hints. */
    List<String> hinted(List<String> prompts, int[] imageOf) {
      if (hints == null) {
        return prompts;
      }
      List<String> out = new ArrayList<>(prompts.size());
      for (int i = 0; i < prompts.size(); i++) {
        out.add(FindingHint.prepend(hints[imageOf[i]], prompts.get(i)));
      }
      return out;
    }
  }

  /** {@link Encoded} of the volumes, computed {@code visionBatch} scans at a time. */
  private Encoded encodeScans(List<float[]> volumes, NDManager m) {
    long t = System.nanoTime();
    NDArray[] out = new NDArray[volumes.size()];
    String[] hintOut = hints ? new String[volumes.size()] : null;
    FindingHint.Heads heads = hints ? model.findingHeads() : null;
    for (int from = 0; from < volumes.size(); from += options.visionBatch) {
      int n = Math.min(options.visionBatch, volumes.size() - from);
      try (NDScope scope = new NDScope()) {
        MultimodalModel.ImageFeatures f = model.encodeImages(images(volumes, from, n, m), n, m);
        NDArray e = f.embeddings();
        for (int i = 0; i < n; i++) {
          NDArray row = e.get(i);
          row.attach(m);
          NDScope.unregister(row);
          out[from + i] = row;
        }
        if (hintOut != null) { // hints are off for blind runs, whose encoder gives no tokens
          FindingHint.Scores[] s = model.findingScores(f.visionTokens());
          for (int i = 0; i < n; i++) {
            hintOut[from + i] = FindingHint.of(heads, s[i], hintThresholds);
          }
        }
      }
    }
    visionSeconds += (System.nanoTime() - t) / 1e9;
    return new Encoded(out, hintOut);
  }

  /**
   * Report prompts (model ids) for images emb[imageOf[i]], report i about {@code regions.get(i)}: greedy,
   * or with {@link Options#reportSampling} the minimum-Bayes-risk choice among the greedy report and
   * {@code samples} sampled ones (the copies of a prompt are decoded side by side in the same batches). With
   * finding hints ({@code hints} per image, else null) the hint's findings weigh as much as all samples together:
   * the report chosen agrees best with both the samples and the run's own image classifier.
   */
  private List<String> decodeReports(NDArray[] emb, int[] imageOf, List<long[]> ids, List<Region> regions,
      String[] hints, NDManager m) {
    List<String> greedy = decode(emb, imageOf, ids, options.reportMaxNewTokens, m, null);
    ReportSampling rs = options.reportSampling;
    if (rs == null) {
      return greedy;
    }
    int n = rs.samples();
    int[] copyOf = new int[ids.size() * n];
    List<long[]> copies = new ArrayList<>(copyOf.length);
    for (int i = 0; i < ids.size(); i++) {
      for (int k = 0; k < n; k++) {
        copyOf[i * n + k] = imageOf[i];
        copies.add(ids.get(i));
      }
    }
    List<String> sampled = decode(emb, copyOf, copies, options.reportMaxNewTokens, m, rs);
    List<String> out = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      List<String> samples = sampled.subList(i * n, (i + 1) * n);
      List<String> hypotheses = new ArrayList<>(n + 1);
      hypotheses.add(greedy.get(i)); // first: ties keep the greedy report
      hypotheses.addAll(samples);
      List<org.scribe3d.data.Finding> said = hints == null ? null
          : FindingHint.parse(hints[imageOf[i]]).stream().map(FindingHint.Item::finding).toList();
      out.add(hypotheses.get(FindingConsensus.choose(hypotheses, samples, regions.get(i), said)));
    }
    return out;
  }

  private List<String> decode(NDArray[] emb, int[] imageOf, List<long[]> ids, int maxNewTokens, NDManager m) {
    return decode(emb, imageOf, ids, maxNewTokens, m, null);
  }

  /**
   * Decoding of prompts (model ids) for images emb[imageOf[i]], {@code batch} rows at a time: greedy (with
   * the contrast when one is set) when {@code sampling} is null, else sampled with its temperature and
   * top-p from a stream seeded by its seed and the batch's position. Rows are batched in order of prompt
   * length (less left padding to compute); results come back in input order.
   */
  private List<String> decode(NDArray[] emb, int[] imageOf, List<long[]> ids, int maxNewTokens, NDManager m,
      ReportSampling sampling) {
    String[] out = new String[ids.size()];
    Integer[] order = new Integer[ids.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(ids.get(x).length, ids.get(y).length)); // stable
    VocabMap vocab = model.config().vocab();
    for (int from = 0; from < order.length; from += options.batch) {
      int b = Math.min(options.batch, order.length - from);
      int t = 0;
      for (int i = 0; i < b; i++) {
        t = Math.max(t, ids.get(order[from + i]).length);
      }
      int maxNew = Math.max(1, Math.min(maxNewTokens, model.config().maxLength() - t));
      GenerationConfig cfg = sampling == null ? model.greedy(maxNew)
          : GenerationConfig.sampling(maxNew, model.eosIds(), sampling.temperature(), sampling.topP(),
              sampling.seed() + from);
      long[] flat = new long[b * t];
      float[] mask = new float[b * t];
      Arrays.fill(flat, cfg.padId());
      int[] pad = new int[b];
      for (int i = 0; i < b; i++) {
        long[] p = ids.get(order[from + i]);
        pad[i] = t - p.length;
        System.arraycopy(p, 0, flat, i * t + pad[i], p.length);
        Arrays.fill(mask, i * t + pad[i], (i + 1) * t, 1f);
      }
      try (NDManager cm = m.newSubManager()) {
        NDArray[] rowImages = new NDArray[b];
        int[] imageStart = new int[b];
        for (int i = 0; i < b; i++) {
          rowImages[i] = emb[imageOf[order[from + i]]];
          imageStart[i] = pad[i] + 1; // [left padding, BOS] + image embeddings + prompt text
        }
        NDArray embeds = spliced(flat, b, t, rowImages, imageStart, cm);
        NDArray maskArr = cm.create(mask, new Shape(b, t));
        GenerationResult r = contrasting() && sampling == null
            ? Generator.generateContrastive(model.logitsSource(), embeds,
                spliced(flat, b, t, averageScans(b), imageStart, cm), maskArr, cfg, options.contrast)
            : Generator.generate(model.logitsSource(), embeds, maskArr, cfg);
        for (int i = 0; i < b; i++) {
          long[] tokens = r.tokens().get(i);
          out[order[from + i]] = text.decode(vocab == null ? tokens : vocab.toOriginal(tokens)).strip();
        }
      }
    }
    return Arrays.asList(out);
  }

  /**
   * Token embeddings of {@code flat} [b, t] (model ids) with row i's image embeddings [K, H] spliced over
   * its K placeholders starting at {@code imageStart[i]} (PromptBuilder's layout: right after BOS), owned
   * by {@code cm}.
   */
  private NDArray spliced(long[] flat, int b, int t, NDArray[] rowImages, int[] imageStart, NDManager cm) {
    try (NDScope scope = new NDScope()) {
      NDArray embeds = MultimodalModel.splice(model.llm().embed(cm.create(flat, new Shape(b, t))),
          NDArrays.stack(new NDList(rowImages)), imageStart);
      embeds.attach(cm);
      NDScope.unregister(embeds);
      return embeds;
    }
  }

  /**
   * {@link AnswerMode#OPTIONS}: for question i about image emb[imageOf[i]], the option whose answer string
   * (the training target "X. text" and EOS, {@link PromptBuilder#answer}) has the highest log-likelihood
   * under the model; returned as that answer string. Candidates run right-padded as in training (image
   * after BOS, positions from 0), {@code batch} at a time; the head is applied to the answer positions only.
   * An option with tokens outside a restricted vocabulary cannot be produced by the model and is never chosen.
   */
  private List<String> chooseOptions(NDArray[] emb, int[] imageOf, List<Question> questions, List<long[]> promptIds,
      NDManager m) {
    VocabMap vocab = model.config().vocab();
    int letters = PromptTemplates.LETTERS.size();
    double[] score = new double[questions.size() * letters];
    Arrays.fill(score, Double.NEGATIVE_INFINITY);
    List<long[]> cand = new ArrayList<>();
    List<Integer> candSlot = new ArrayList<>();
    List<Integer> candHead = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      long[] head = promptIds.get(i);
      for (int l = 0; l < letters; l++) {
        long[] answer = prompts.answer(questions.get(i).answerTextFor(PromptTemplates.LETTERS.get(l)));
        if (head.length + answer.length > model.config().maxLength()
            || (vocab != null && !Arrays.stream(answer).allMatch(vocab::contains))) {
          continue; // the model could not write this answer whole
        }
        long[] ids = Arrays.copyOf(head, head.length + answer.length);
        System.arraycopy(vocab == null ? answer : vocab.toCompact(answer), 0, ids, head.length, answer.length);
        cand.add(ids);
        candSlot.add(i * letters + l);
        candHead.add(head.length);
      }
    }
    NDArray[] scanOf = new NDArray[cand.size()];
    for (int c = 0; c < cand.size(); c++) {
      scanOf[c] = emb[imageOf[candSlot.get(c) / letters]];
    }
    double[] ll = logLikelihoods(cand, candHead, scanOf, m);
    double[] llContrast = null;
    if (contrasting()) {
      llContrast = logLikelihoods(cand, candHead, averageScans(cand.size()), m);
    }
    for (int c = 0; c < cand.size(); c++) {
      score[candSlot.get(c)] = llContrast == null ? ll[c] : options.contrast.score(ll[c], llContrast[c]);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      int best = -1;
      for (int l = 0; l < letters; l++) {
        if (score[i * letters + l] > Double.NEGATIVE_INFINITY && (best < 0 || score[i * letters + l] > score[i * letters + best])) {
          best = l;
        }
      }
      if (best < 0) {
        throw new IllegalArgumentException("no option of question '" + questions.get(i).question()
            + "' can be written with this run's vocabulary (it holds only the tokens of its training corpus)");
      }
      out.add(questions.get(i).answerTextFor(PromptTemplates.LETTERS.get(best)));
    }
    return out;
  }

  /**
   * Summed log-likelihood of each candidate's tokens from index {@code candHead[c]} on, with image
   * embeddings {@code images[c]} spliced after BOS. Candidates run right-padded as in training (positions
   * from 0), {@code batch} at a time; the head is applied to the scored positions only.
   */
  private double[] logLikelihoods(List<long[]> cand, List<Integer> candHead, NDArray[] images, NDManager m) {
    double[] out = new double[cand.size()];
    long pad = model.greedy(1).padId();
    for (int from = 0; from < cand.size(); from += options.batch) {
      int b = Math.min(options.batch, cand.size() - from);
      int t = 0;
      for (int i = 0; i < b; i++) {
        t = Math.max(t, cand.get(from + i).length);
      }
      long[] flat = new long[b * t];
      float[] mask = new float[b * t];
      Arrays.fill(flat, pad);
      int[] imageStart = new int[b];
      for (int i = 0; i < b; i++) {
        long[] ids = cand.get(from + i);
        System.arraycopy(ids, 0, flat, i * t, ids.length);
        Arrays.fill(mask, i * t, i * t + ids.length, 1f);
        imageStart[i] = 1;
      }
      try (NDManager cm = m.newSubManager()) {
        NDArray hidden = model.llm().hidden(spliced(flat, b, t, Arrays.copyOfRange(images, from, from + b),
            imageStart, cm), cm.create(mask, new Shape(b, t)), null, null);
        for (int i = 0; i < b; i++) {
          long[] ids = cand.get(from + i);
          int head = candHead.get(from + i);
          // hidden state j predicts token j + 1: the scored tokens head … end-1 come from states head-1 … end-2
          NDArray logp = model.llm().logits(hidden.get(new NDIndex("{}, {}:{}, :", i, head - 1, ids.length - 1)))
              .toType(DataType.FLOAT32, false).logSoftmax(-1);
          float[] lp = logp.toFloatArray();
          int v = (int) logp.getShape().get(1);
          double sum = 0;
          for (int j = head; j < ids.length; j++) {
            sum += lp[(j - head) * v + (int) ids[j]];
          }
          out[from + i] = sum;
        }
      }
    }
    return out;
  }

  /** Whether decoding and option scoring contrast with the average scan (never for blind runs: same zeros). */
  private boolean contrasting() {
    return averageScan != null;
  }

  /** The average scan's image embeddings for n rows (one array, shared). */
  private NDArray[] averageScans(int n) {
    NDArray[] out = new NDArray[n];
    Arrays.fill(out, averageScan);
    return out;
  }

  private static void checkOptions(Question q) {
    for (String l : PromptTemplates.LETTERS) {
      String o = q.options().get(l);
      if (o == null || o.isBlank()) {
        throw new IllegalArgumentException("question '" + q.question() + "' has no option " + l
            + " (options A, B, C and D are required)");
      }
    }
  }

  /** The pipeline without its augmentation steps. */
  static Pipeline deterministic(Pipeline p) {
    List<Pipeline.Step> keep = new ArrayList<>();
    for (Pipeline.Step s : p.steps()) {
      if (!(s instanceof Pipeline.Rot90 || s instanceof Pipeline.Flip || s instanceof Pipeline.ScaleIntensity
          || s instanceof Pipeline.ShiftIntensity)) {
        keep.add(s);
      }
    }
    return new Pipeline(keep);
  }

  /** The pipeline must end at a fixed size equal to the model input (a crop after the resize would not). */
  private static void checkSize(Pipeline p, int[] dhw, String source) {
    int[] size = null;
    for (Pipeline.Step s : p.steps()) {
      if (s instanceof Pipeline.Resize r) {
        size = new int[] {r.d(), r.h(), r.w()};
      } else if (s instanceof Pipeline.CropForeground) {
        size = null;
      }
    }
    if (size == null) {
      throw new IllegalArgumentException(source + ": the pipeline does not end with a resize to the model input "
          + fmt(dhw));
    }
    if (!Arrays.equals(size, dhw)) {
      throw new IllegalArgumentException(source + ": the pipeline resizes to " + fmt(size) + " but the model takes "
          + fmt(dhw));
    }
  }

  private static String fmt(int[] s) {
    return s[0] + "×" + s[1] + "×" + s[2];
  }

  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
