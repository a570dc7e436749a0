package org.scribe3d.eval;

import static org.scribe3d.eval.InvalidSettingException.literal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.scribe3d.data.AmosMm;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetException;
import org.scribe3d.data.PhantomTruth;
import org.scribe3d.data.Region;
import org.scribe3d.data.Split;
import org.scribe3d.text.FindingExtractor;

/**
 * Scoring a predictions file (docs/predictions-format.md) against the references of an AMOS-MM
 * dataset.json: every metric with its 95% bootstrap interval ({@link Evaluator}), optionally a paired
 * bootstrap against another run, written as eval.json, per_case.csv and summary.html into the output
 * directory, and returned as the typed {@link EvalResult}.
 *
 * <pre>{@code
 * EvalResult r = Evaluation.evaluate(pred, Evaluation.Settings.of(datasetJson).withBootstrap(1000), log);
 * double f1 = r.findingF1().value();
 * }</pre>
 *
 * <p>A phantom dataset (ground_truth.json beside dataset.json) has its findings scored against the
 * structured truth instead of the reference text. Errors in the settings or the files they name are
 * {@link InvalidSettingException}s naming the settings.
 */
public final class Evaluation {
  /**
   * What to score and how.
   *
   * @param data the AMOS-MM dataset.json holding the references
   * @param split the list of it to score ("training", "validation", "test"; "train", "val" also)
   * @param bootstrap bootstrap resamples over cases (at least 1)
   * @param seed the bootstrap seed
   * @param meteor whether to compute METEOR
   * @param greenModel Hugging Face Llama-architecture judge directory for GREEN, or null to skip GREEN
   * @param greenMaxNewTokens most tokens the judge may generate per report
   * @param compareEval an eval.json of another run to compare with by a paired bootstrap (its predictions
   *     file is read again from inputs.predictions), or null
   * @param comparePredictions another predictions file to compare with, or null (not with compareEval)
   * @param out the output directory, or null for the directory of the predictions file
   * @param generation how the predictions were generated, recorded in eval.json's inputs (in order);
   *     empty for a predictions file given as is
   */
  public record Settings(Path data, String split, int bootstrap, long seed, boolean meteor, Path greenModel,
      int greenMaxNewTokens, Path compareEval, Path comparePredictions, Path out, Map<String, Object> generation) {
    public static final String DEFAULT_SPLIT = "validation";
    public static final int DEFAULT_BOOTSTRAP = 1000;
    public static final long DEFAULT_SEED = 20240917L;

    public Settings {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(split, "split");
      if (bootstrap < 1) {
        throw InvalidSettingException.usage("{bootstrap} must be at least 1, got " + bootstrap);
      }
      if (compareEval != null && comparePredictions != null) {
        throw InvalidSettingException.usage("give either {compareEval} or {comparePredictions}, not both");
      }
      generation = Collections.unmodifiableMap(new LinkedHashMap<>(generation == null ? Map.of() : generation));
    }

    /** The defaults: validation split, 1000 resamples, seed 20240917, METEOR on, no GREEN, no comparison. */
    public static Settings of(Path data) {
      return new Settings(data, DEFAULT_SPLIT, DEFAULT_BOOTSTRAP, DEFAULT_SEED, true, null,
          LlamaGreenJudge.DEFAULT_MAX_NEW_TOKENS, null, null, null, Map.of());
    }

    public Settings withSplit(String s) {
      return new Settings(data, s, bootstrap, seed, meteor, greenModel, greenMaxNewTokens, compareEval,
          comparePredictions, out, generation);
    }

    public Settings withBootstrap(int resamples, long bootstrapSeed) {
      return new Settings(data, split, resamples, bootstrapSeed, meteor, greenModel, greenMaxNewTokens, compareEval,
          comparePredictions, out, generation);
    }

    public Settings withMeteor(boolean on) {
      return new Settings(data, split, bootstrap, seed, on, greenModel, greenMaxNewTokens, compareEval,
          comparePredictions, out, generation);
    }

    public Settings withGreen(Path judgeDir, int maxNewTokens) {
      return new Settings(data, split, bootstrap, seed, meteor, judgeDir, maxNewTokens, compareEval,
          comparePredictions, out, generation);
    }

    /** Compare with the run an earlier evaluation wrote this eval.json for. */
    public Settings withCompareEval(Path evalJson) {
      return new Settings(data, split, bootstrap, seed, meteor, greenModel, greenMaxNewTokens, evalJson,
          comparePredictions, out, generation);
    }

    public Settings withComparePredictions(Path predictions) {
      return new Settings(data, split, bootstrap, seed, meteor, greenModel, greenMaxNewTokens, compareEval,
          predictions, out, generation);
    }

    public Settings withOut(Path dir) {
      return new Settings(data, split, bootstrap, seed, meteor, greenModel, greenMaxNewTokens, compareEval,
          comparePredictions, dir, generation);
    }

    public Settings withGeneration(Map<String, Object> how) {
      return new Settings(data, split, bootstrap, seed, meteor, greenModel, greenMaxNewTokens, compareEval,
          comparePredictions, out, how);
    }

    /** Where the files of an evaluation of {@code predictions} go: {@link #out}, else the predictions' directory. */
    public Path outputDir(Path predictions) {
      if (out != null) {
        return out;
      }
      Path parent = predictions.toAbsolutePath().getParent();
      return parent == null ? Path.of(".") : parent;
    }
  }

  private final Settings settings;
  private final Map<String, Case> refs;
  private final Path otherFile;
  private final Predictions other;

  private Evaluation(Settings settings, Map<String, Case> refs, Path otherFile, Predictions other) {
    this.settings = settings;
    this.refs = refs;
    this.otherFile = otherFile;
    this.other = other;
  }

  /**
   * Checks the settings that do not depend on the predictions and reads what they name: the dataset's
   * references for the split and, when a comparison is asked for, the other run's predictions
   * (which must fit the dataset). Nothing is written.
   */
  public static Evaluation open(Settings s) throws IOException {
    requireFile(s.data(), "data", "dataset file");
    Map<String, Case> refs = references(s.data(), s.split());
    Path otherFile = null;
    String otherField = null;
    if (s.compareEval() != null) {
      otherFile = predictionsOf(s.compareEval());
      otherField = "compareEval";
    } else if (s.comparePredictions() != null) {
      requireFile(s.comparePredictions(), "comparePredictions", "comparison predictions file");
      otherFile = s.comparePredictions();
      otherField = "comparePredictions";
    }
    Predictions other = null;
    if (otherFile != null) {
      other = readPredictions(otherFile, otherField);
      check(other, otherFile, otherField, refs);
    }
    return new Evaluation(s, refs, otherFile, other);
  }

  /** Scores {@code predictions} with these settings and writes the output directory; see {@link #score}. */
  public static EvalResult evaluate(Path predictions, Settings s, PrintWriter log) throws IOException {
    requireFile(predictions, "predictions", "predictions file");
    return open(s).score(predictions, log);
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Scores a predictions file: every line must name a case of the split and agree with the dataset's
   * VQA answers. Writes eval.json (with its inputs and the comparison, if any), per_case.csv and
   * summary.html into {@link Settings#outputDir} and returns the result. Notes (cases without
   * predictions, GREEN judging and its progress) go to {@code log}.
   */
  public EvalResult score(Path predictions, PrintWriter log) throws IOException {
    PrintWriter err = log != null ? log : new PrintWriter(Writer.nullWriter());
    requireFile(predictions, "predictions", "predictions file");
    Predictions pred = readPredictions(predictions, "predictions");
    check(pred, predictions, "predictions", refs);

    Map<String, Map<Region, String>> referenceMap = new LinkedHashMap<>();
    refs.forEach((id, c) -> referenceMap.put(id, c.findings()));
    Evaluator.Options opts = new Evaluator.Options().resamples(settings.bootstrap()).seed(settings.seed())
        .meteor(settings.meteor()).findingExtractor(FindingExtractor::extract).references(referenceMap);
    // a phantom dataset carries structured truth: score findings against it, not the reference text
    Path truth = settings.data().toAbsolutePath().resolveSibling("ground_truth.json");
    if (Files.isRegularFile(truth)) {
      try {
        opts.referenceFindings(PhantomTruth.read(truth));
      } catch (DatasetException e) {
        throw InvalidSettingException.of("{data}: " + literal(e.getMessage()));
      }
      err.println("note: finding precision/recall/F1 against " + truth);
    }
    Set<String> predicted = new TreeSet<>();
    pred.reports().forEach(r -> predicted.add(r.caseId()));
    pred.vqa().forEach(q -> predicted.add(q.caseId()));
    int missing = refs.size() - predicted.size();
    if (missing > 0) {
      err.printf(Locale.ROOT, "note: %d of the %d cases of the %s split have no predictions and are not scored%n",
          missing, refs.size(), settings.split());
    }
    EvalResult result;
    LlamaGreenJudge judge = null;
    try {
      if (settings.greenModel() != null) {
        int maxNew = settings.greenMaxNewTokens();
        if (maxNew < 1) {
          throw InvalidSettingException.of("{greenMaxNewTokens} must be at least 1, got " + maxNew);
        }
        try {
          judge = LlamaGreenJudge.open(settings.greenModel(), maxNew, err);
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new InvalidSettingException("{greenModel}: " + literal(e.getMessage()), false, e);
        }
        int rows = judgedRows(pred, refs);
        opts.greenJudge(withProgress(judge, rows, err));
        err.printf(Locale.ROOT, "GREEN: judging %d report rows with %s (greedy, at most %d new tokens each)%n",
            rows, settings.greenModel(), maxNew);
      } else {
        err.println("GREEN skipped: no judge model given (every other metric is reported)");
      }
      err.flush();
      result = Evaluator.evaluate(pred, opts);
    } finally {
      if (judge != null) {
        judge.close();
      }
    }

    PairedComparison comparison = null;
    if (other != null) {
      // GREEN is left out of the paired comparison: it would run the judge over both sets again
      opts.greenJudge(null);
      List<Evaluator.Comparison> cs;
      try {
        cs = Evaluator.compare(pred, other, opts);
      } catch (IllegalArgumentException e) {
        throw InvalidSettingException.of("{predictions}: " + literal(predictions + " and " + otherFile + ": "
            + e.getMessage()));
      }
      comparison = new PairedComparison(absolute(predictions), absolute(otherFile), cs);
    }
    EvalResult.Inputs inputs = new EvalResult.Inputs(absolute(predictions), absolute(settings.data()),
        settings.split(), settings.generation(), settings.greenModel() == null ? null : absolute(settings.greenModel()));
    return result.with(inputs, comparison).write(settings.outputDir(predictions));
  }

  /** The predictions file that an earlier evaluation recorded in its eval.json (inputs.predictions). */
  public static Path predictionsOf(Path evalJson) throws IOException {
    requireFile(evalJson, "compareEval", "comparison eval.json");
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(Files.readString(evalJson, StandardCharsets.UTF_8));
      if (!e.isJsonObject()) {
        throw InvalidSettingException.of("{compareEval}: " + literal(evalJson)
            + ": not an eval.json (expected a JSON object)");
      }
      o = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw InvalidSettingException.of("{compareEval}: " + literal(evalJson) + ": not valid JSON");
    } catch (CharacterCodingException e) {
      throw InvalidSettingException.of("{compareEval}: " + literal(evalJson) + ": not UTF-8 text");
    }
    JsonElement in = o.get("inputs");
    if (in == null || !in.isJsonObject() || !in.getAsJsonObject().has("predictions")
        || !in.getAsJsonObject().get("predictions").isJsonPrimitive()) {
      throw InvalidSettingException.of("{compareEval}: " + literal(evalJson) + " does not record its predictions"
          + " file (inputs.predictions; not written by an evaluation): use {comparePredictions} OTHER.jsonl");
    }
    Path p = Path.of(in.getAsJsonObject().get("predictions").getAsString());
    if (!p.isAbsolute()) {
      Path parent = evalJson.toAbsolutePath().getParent();
      p = (parent == null ? Path.of(".") : parent).resolve(p);
    }
    if (!Files.isRegularFile(p)) {
      throw InvalidSettingException.of("{compareEval}: " + literal(evalJson) + " names predictions file "
          + literal(p) + ", which does not exist (use {comparePredictions})");
    }
    return p;
  }

  // ---- the dataset's references -----------------------------------------------------------------

  /** The cases of one list of the dataset.json (read by {@link AmosMm}), by case id, in file order. */
  private static Map<String, Case> references(Path data, String split) {
    Split s;
    try {
      s = Split.parse(split);
    } catch (IllegalArgumentException e) {
      throw InvalidSettingException.usage("{split}: " + literal(e.getMessage()));
    }
    Dataset ds;
    try {
      ds = AmosMm.load(data, false);
    } catch (DatasetException e) {
      throw new InvalidSettingException("{data}: " + literal(e.getMessage()), false, e);
    }
    Map<String, Case> out = new LinkedHashMap<>();
    for (Case c : ds.split(s)) {
      if (out.put(c.id(), c) != null) {
        throw InvalidSettingException.of("{data}: " + literal(data) + ": case id '" + literal(c.id())
            + "' appears twice in the " + literal(split) + " list");
      }
    }
    if (out.isEmpty()) {
      Map<Split, Integer> sizes = new EnumMap<>(Split.class);
      for (Split x : Split.values()) {
        sizes.put(x, ds.split(x).size());
      }
      throw InvalidSettingException.of("{split}: " + literal(data) + ": no '" + literal(split) + "' list, or it is"
          + " empty (the file has " + sizes.get(Split.TRAIN) + " training, " + sizes.get(Split.VALIDATION)
          + " validation and " + sizes.get(Split.TEST) + " test cases)");
    }
    return out;
  }

  /** Every prediction must name a case of the split; VQA lines must agree with the dataset's answers. */
  private static void check(Predictions p, Path file, String field, Map<String, Case> refs) {
    String at = "{" + field + "}: " + literal(file) + ": case '";
    for (Predictions.Report r : p.reports()) {
      if (!refs.containsKey(r.caseId())) {
        throw InvalidSettingException.of(at + literal(r.caseId()) + "' is not in the dataset's list ("
            + refs.size() + " cases; check {data} and {split})");
      }
    }
    for (Predictions.Vqa q : p.vqa()) {
      Case c = refs.get(q.caseId());
      if (c == null) {
        throw InvalidSettingException.of(at + literal(q.caseId()) + "' is not in the dataset's list ("
            + refs.size() + " cases; check {data} and {split})");
      }
      if (q.questionIndex() >= c.questions().size()) {
        throw InvalidSettingException.of(at + literal(q.caseId()) + "' question_index " + q.questionIndex()
            + " is out of range (the dataset has " + c.questions().size() + " questions for it)");
      }
      String want = c.questions().get(q.questionIndex()).answer();
      String got = VqaAccuracy.letterOf(q.answer());
      if (!want.equals(got)) {
        throw InvalidSettingException.of(at + literal(q.caseId()) + "' question " + q.questionIndex() + ": answer '"
            + literal(q.answer()) + "' differs from the dataset's answer " + want);
      }
    }
  }

  /** Report rows GREEN will judge: those whose reference (the line's own, else the dataset's) is not empty. */
  static int judgedRows(Predictions p, Map<String, Case> refs) {
    int n = 0;
    for (Predictions.Report r : p.reports()) {
      String ref = r.reference() != null ? r.reference() : refs.get(r.caseId()).findings().get(r.region());
      if (ref != null && !ref.isBlank()) {
        n++;
      }
    }
    return n;
  }

  /** The judge, printing a progress line (rows done, seconds per row, ETA) about every 30 s and at the end. */
  static GreenJudge withProgress(GreenJudge judge, int total, PrintWriter err) {
    long t0 = System.nanoTime();
    long[] last = {t0};
    int[] done = {0};
    return chat -> {
      String answer = judge.complete(chat);
      done[0]++;
      long now = System.nanoTime();
      if (now - last[0] > 30_000_000_000L || done[0] == total || done[0] == 1) {
        last[0] = now;
        double per = (now - t0) / 1e9 / done[0];
        err.printf(Locale.ROOT, "GREEN %d/%d rows, %.1f s/row, ETA %.0f s%n", done[0], total, per,
            per * Math.max(0, total - done[0]));
        err.flush();
      }
      return answer;
    };
  }

  // ---- files ------------------------------------------------------------------------------------

  private static Path absolute(Path p) {
    return p.toAbsolutePath().normalize();
  }

  private static void requireFile(Path p, String field, String what) {
    if (!Files.exists(p)) {
      throw InvalidSettingException.of("{" + field + "}: " + what + " " + literal(p) + " does not exist");
    }
    if (!Files.isRegularFile(p)) {
      throw InvalidSettingException.of("{" + field + "}: " + what + " " + literal(p) + " is not a regular file");
    }
  }

  private static Predictions readPredictions(Path p, String field) throws IOException {
    try {
      return Predictions.read(p);
    } catch (CharacterCodingException e) {
      throw InvalidSettingException.of("{" + field + "}: " + literal(p) + ": not UTF-8 text");
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException("{" + field + "}: " + literal(e.getMessage()), false, e);
    }
  }
}
