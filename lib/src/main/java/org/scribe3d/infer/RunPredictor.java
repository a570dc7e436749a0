package org.scribe3d.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
import java.util.Objects;
import java.util.Set;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.PromptTemplates;
import org.scribe3d.data.Question;
import org.scribe3d.data.Region;
import org.scribe3d.data.Split;
import org.scribe3d.generate.ReportSampling;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.M3dLamed;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.recipe.Decoding;
import org.scribe3d.run.RunDirectory;
import org.scribe3d.volume.Pipeline;

/**
 * Generation from a trained run directory ({@link RunDirectory}): reports per region and answers to
 * multiple-choice questions for NIfTI scans, and whole-split predictions files
 * (docs/predictions-format.md) for {@code scribe3d evaluate --run}.
 *
 * <p>What it reuses from the run: its model, the preprocessing it trained with (only the deterministic
 * steps — no augmentation; {@link ScanPreprocessor}), its finding hints, and the training prompts of
 * {@link PromptTemplates} (the strings {@link org.scribe3d.data.Examples} trains on). How it decodes is one
 * {@link Decoding}: reports greedily or by sampling and minimum Bayes risk ({@link ReportDecoder}), answers
 * by option scoring or free decoding ({@link AnswerChooser}); reports stop at EOS/EOT.
 *
 * <p>Speed: each distinct scan goes through the vision encoder and projector once, however many prompts
 * are asked about it ({@link ScanEncoder}); prompts are then decoded in batches, left-padded, with the image
 * embeddings spliced after BOS ({@link PromptDecoder}). Not thread-safe.
 */
public final class RunPredictor implements AutoCloseable {
  /** Runtime settings (how fast, where, how loud; not what is generated); the defaults suit the tiny preset on a CPU. */
  public static final class Options {
    int batch = 32;
    int visionBatch = 4;
    int casesPerChunk = 32;
    boolean blind;
    Path cacheDir;
    Integer threads;
    DataType weights = DataType.FLOAT32;
    PrintStream log = System.err;
    SplitProgress progress;

    /**
     * The language model's weight type in memory for a released model (float32 or float16; the vision tower,
     * the projector and all activations stay float32). A trained run loads as it was saved.
     */
    public Options weights(DataType type) {
      if (type != DataType.FLOAT32 && type != DataType.FLOAT16) {
        throw new IllegalArgumentException("weights must be float32 or float16, got " + type);
      }
      this.weights = type;
      return this;
    }

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

    /** Cases preprocessed and held in memory at once by {@link #predictSplit} (default 32). */
    public Options casesPerChunk(int n) {
      this.casesPerChunk = positive(n, "cases per chunk");
      return this;
    }

    /**
     * Blind control: image embeddings replaced by zeros. Runs trained blind record it
     * ({@link RunDirectory#isBlind()}) and are opened blind without this.
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

    /** Told after every chunk of cases {@link #predictSplit} writes (a notebook's progress bar); null = none. */
    public Options progress(SplitProgress p) {
      this.progress = p;
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

  /** Progress of {@link #predictSplit}: cases whose lines are written, and the report and answer lines so far. */
  @FunctionalInterface
  public interface SplitProgress {
    void casesDone(int done, int cases, int reports, int answers);
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

  private final LoadedModel run;
  private final Decoding decoding;
  private final int casesPerChunk;
  private final SplitProgress splitProgress;
  private final ScanEncoder encoder;
  private final PromptDecoder decoder;
  private final ReportDecoder reportDecoder;
  private final AnswerChooser answerChooser;

  private RunPredictor(LoadedModel run, Decoding decoding, Options o) {
    this.run = run;
    this.decoding = decoding;
    this.casesPerChunk = o.casesPerChunk;
    this.splitProgress = o.progress;
    this.encoder = new ScanEncoder(run, o.visionBatch);
    this.decoder = new PromptDecoder(run, o.batch);
    this.reportDecoder = new ReportDecoder(decoder, decoding.reportMaxNewTokens(), new ReportSampling(
        decoding.reportSamples(), decoding.temperature(), decoding.topP(), decoding.sampleSeed()));
    this.answerChooser = new AnswerChooser(run, decoder, o.batch, decoding.answerMode().equals(Decoding.OPTIONS),
        decoding.answerMaxNewTokens());
  }

  /** Opens a run directory with the default decoding and runtime settings. */
  public static RunPredictor open(Path run) throws IOException {
    return open(run, new Options());
  }

  /** Opens a run directory with the default decoding ({@link Decoding#DEFAULT}). */
  public static RunPredictor open(Path run, Options o) throws IOException {
    return open(run, Decoding.DEFAULT, o);
  }

  /**
   * Opens a run directory: loads its model, the vendored Llama-3 tokenizer and the run's preprocessing
   * pipeline (or, for runs without one, the default inference pipeline at the model's input size, with a
   * note on the log stream), to decode as {@code decoding} says.
   *
   * @throws IllegalArgumentException if the directory, its model or its pipeline is missing or unusable
   */
  public static RunPredictor open(Path run, Decoding decoding, Options o) throws IOException {
    Objects.requireNonNull(decoding, "decoding");
    return new RunPredictor(LoadedModel.open(run, o.blind, o.cacheDir, o.threads, o.log), decoding, o);
  }

  /**
   * Opens any model directory Scribe3D reads: a trained run (or its {@code model/} directory) decodes as
   * {@code decoding} says, with the run's own preprocessing and prompts; a released M3D-LaMed directory
   * ({@link M3dLamed}) with its own tokenizer, M3D's prompt text and data preparation.
   *
   * @throws IllegalArgumentException if the directory is none of these, or is unusable (the message says why)
   */
  public static RunPredictor openModel(Path dir, Decoding decoding, Options o) throws IOException {
    Objects.requireNonNull(decoding, "decoding");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("model directory " + dir + " does not exist");
    }
    if (M3dLamed.isLamed(dir)) {
      return new RunPredictor(LoadedModel.openLamed(dir, o.weights, o.blind, o.cacheDir, o.threads, o.log), decoding,
          o);
    }
    return new RunPredictor(LoadedModel.open(runOf(dir), o.blind, o.cacheDir, o.threads, o.log), decoding, o);
  }

  /**
   * The decoding a model directory asks for by default: a run's recorded decoding (its recipe's), or for a
   * released M3D-LaMed model M3D's quick start's length ({@value M3dLamed#MAX_NEW_TOKENS} new tokens), decoded
   * greedily so that a report is reproducible (sampling is a flag away).
   */
  public static Decoding defaultDecoding(Path dir) throws IOException {
    if (Files.isDirectory(dir) && M3dLamed.isLamed(dir)) {
      Decoding d = Decoding.DEFAULT;
      return new Decoding(Decoding.GREEDY, 0, d.temperature(), d.topP(), d.sampleSeed(), M3dLamed.MAX_NEW_TOKENS,
          d.answerMaxNewTokens());
    }
    RunDirectory run = RunDirectory.of(runOf(dir));
    return Files.isRegularFile(run.recipe()) ? run.readRecipe().decoding : Decoding.DEFAULT;
  }

  /**
   * The deterministic preprocessing of a model directory (as {@link #openModel} applies it to NIfTI scans), without
   * loading the model: what {@code scribe3d preprocess --model DIR} writes, e.g. as the {@code .npy} a released
   * model's quick start takes.
   */
  public static Pipeline inputPipeline(Path dir, PrintStream log) throws IOException {
    return ScanPreprocessor.forModel(runOf(dir), null, log).pipeline();
  }

  /** A run's {@code model/} directory stands for the run it belongs to. */
  private static Path runOf(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent != null && !Files.isRegularFile(RunDirectory.of(abs).recipe())
        && RunDirectory.of(parent).model().toAbsolutePath().normalize().equals(abs)) {
      return parent;
    }
    return dir;
  }

  /** Whether this is a released M3D-LaMed model rather than a Scribe3D run. */
  public boolean released() {
    return run.lamed();
  }

  /**
   * The default report prompt: M3D's ({@value M3dLamed#REPORT_PROMPT}) for a released M3D-LaMed model, null for
   * a run (whose prompts are per region).
   */
  public String defaultReportPrompt() {
    return run.lamed() ? M3dLamed.REPORT_PROMPT : null;
  }

  /** The report for one scan under a free prompt, decoded as the predictor's decoding says. */
  public String report(Path image, String prompt) throws IOException {
    ScanPreprocessor.Scans scans = run.preprocessor().distinct(List.of(image));
    try (NDManager m = run.manager().newSubManager()) {
      ScanEncoder.Encoded e = encoder.encode(scans.volumes(), m);
      List<String> ps = e.hinted(List.of(prompt), scans.imageOf());
      java.util.ArrayList<Region> region = new java.util.ArrayList<>();
      region.add(null); // a free prompt: findings of every region count
      return reportDecoder.decode(e.embeddings(), scans.imageOf(), run.toModelIds(ps), region, e.hints(), e.keys(), m)
          .get(0);
    }
  }

  /**
   * Log-probabilities of {@code text}'s tokens after the model's image prompt for {@code image}: the input is
   * the model's prompt ids of {@code text} (for a run: BOS, image placeholders, text tokens; for M3D-LaMed its
   * tokenizer's ids of {@code "<im_patch>" × K + text}) with the image features spliced over positions 1..K.
   *
   * @return the input ids (image placeholders included) and log p(id[t+1] | ids[..t], image), t = 0 .. n-2
   */
  public Scored score(Path image, String text) throws IOException {
    long[] ids = run.toModelIds(text);
    ScanPreprocessor.Scans scans = run.preprocessor().distinct(List.of(image));
    try (NDManager m = run.manager().newSubManager()) {
      ScanEncoder.Encoded e = encoder.encode(scans.volumes(), m);
      NDArray embeds = run.embedWithImages(ids, 1, ids.length, new NDArray[] {e.embeddings()[0]}, new int[] {1}, m);
      try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
        NDArray lp = run.model().llm().forward(embeds, null, null, null).logSoftmax(-1);
        NDArray next = m.create(java.util.Arrays.copyOfRange(ids, 1, ids.length), new Shape(1, ids.length - 1, 1));
        float[] out = lp.get(new NDIndex(":, :-1, :")).gather(next, -1).toFloatArray();
        VocabMap vocab = run.config().vocab();
        return new Scored(vocab == null ? ids : vocab.toOriginal(ids), out);
      }
    }
  }

  /** The text of one of the tokenizer's ids (as {@link #score} returns them), special tokens spelled out. */
  public String tokenText(long id) {
    return run.tokenizer().decodeWithSpecial(new long[] {id});
  }

  /** Token ids (the tokenizer's) and the log-probability of each after the first. */
  public record Scored(long[] ids, float[] logprobs) {}

  public Path run() {
    return run.dir();
  }

  public MultimodalModel model() {
    return run.model();
  }

  /** How reports and answers are decoded. */
  public Decoding decoding() {
    return decoding;
  }

  /** True when image embeddings are zeroed (a blind-control run, or {@link Options#blind}). */
  public boolean blind() {
    return run.model().isBlind();
  }

  public MultimodalConfig config() {
    return run.config();
  }

  /** The tokenizer the prompts are encoded with (owned by this predictor). */
  public TextTokenizer tokenizer() {
    return run.text();
  }

  /** The deterministic preprocessing applied to every scan. */
  public Pipeline pipeline() {
    return run.preprocessor().pipeline();
  }

  /** False when the run has no recorded pipeline and the default pipeline is used. */
  public boolean pipelineRecorded() {
    return run.preprocessor().recorded();
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
    List<Region> regionOf = new ArrayList<>();
    for (Path p : images) {
      for (Region r : rs) {
        imgs.add(p);
        ps.add(reportPrompt(r));
        regionOf.add(r);
      }
    }
    ScanPreprocessor.Scans scans = run.preprocessor().distinct(imgs);
    List<String> out;
    try (NDManager m = run.manager().newSubManager()) {
      ScanEncoder.Encoded e = encoder.encode(scans.volumes(), m);
      out = reportDecoder.decode(e.embeddings(), scans.imageOf(), run.toModelIds(e.hinted(ps, scans.imageOf())),
          regionOf, e.hints(), e.keys(), m);
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
    List<Answer> out = new ArrayList<>();
    if (images.isEmpty()) {
      return out;
    }
    ScanPreprocessor.Scans scans = run.preprocessor().distinct(images);
    List<String> texts;
    try (NDManager m = run.manager().newSubManager()) {
      ScanEncoder.Encoded e = encoder.encode(scans.volumes(), m);
      texts = answerChooser.answers(e.embeddings(), scans.imageOf(), questions,
          run.toModelIds(e.hinted(ps, scans.imageOf())), m);
    }
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
    if (!run.model().hasFindingHead()) {
      throw new IllegalArgumentException(run.dir() + " was trained without a finding head (train --finding-loss)");
    }
    List<String> labels = run.config().findingLabels();
    List<Map<String, Double>> out = new ArrayList<>();
    for (int from = 0; from < images.size(); from += casesPerChunk) {
      List<float[]> volumes = new ArrayList<>();
      for (Path p : images.subList(from, Math.min(images.size(), from + casesPerChunk))) {
        volumes.add(preprocess(p));
      }
      float[] p = encoder.headProbabilities(volumes);
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
    ScanPreprocessor.Scans scans = run.preprocessor().distinct(images);
    try (NDManager m = run.manager().newSubManager()) {
      ScanEncoder.Encoded e = encoder.encode(scans.volumes(), m);
      return decoder.decode(e.embeddings(), scans.imageOf(), run.toModelIds(e.hinted(promptTexts, scans.imageOf())),
          maxNewTokens, m, null, null);
    }
  }

  /**
   * The finding hint this run puts in front of its prompts about {@code image} ("Image findings: …", from its
   * frozen finding head), or null when the run was trained without hints.
   */
  public String hint(Path image) throws IOException {
    if (!run.hints()) {
      return null;
    }
    try (NDManager m = run.manager().newSubManager()) {
      return encoder.encode(List.of(preprocess(image)), m).hints()[0];
    }
  }

  /** A scan as the model's input: D×H×W floats (W fastest), deterministic preprocessing only. */
  public float[] preprocess(Path image) throws IOException {
    return run.preprocessor().preprocess(image);
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
    return new SplitPredictionsWriter(run, encoder, reportDecoder, answerChooser, casesPerChunk, splitProgress)
        .write(ds, split, out, progress);
  }

  /**
   * One case's predictions: its lines exactly as {@link #predictSplit} writes them (JSON, docs/predictions-format.md;
   * report lines then VQA lines, in request order), or, when the case failed, no lines and the reason on one line.
   */
  public record CasePredictions(String caseId, List<String> lines, String error) {
    public CasePredictions {
      lines = List.copyOf(lines);
    }

    public boolean failed() {
      return error != null;
    }
  }

  /**
   * The predictions of each case, in the order given, by the same code {@link #predictSplit} writes its file with (a
   * batch job over many machines writes the same lines). A case whose scan is missing, unreadable or fails
   * preprocessing, or whose prompts fall outside a restricted vocabulary, comes back failed; the others are predicted.
   */
  public List<CasePredictions> predictCases(List<Case> cases) {
    return new SplitPredictionsWriter(run, encoder, reportDecoder, answerChooser, casesPerChunk, splitProgress)
        .predictCases(cases);
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

  @Override
  public void close() {
    run.close();
  }
}
