package org.scribe3d.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetException;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.PhantomTruth;
import org.scribe3d.data.Region;
import org.scribe3d.data.Split;
import org.scribe3d.eval.Bootstrap;
import org.scribe3d.eval.EvalResult;
import org.scribe3d.eval.Evaluator;
import org.scribe3d.eval.LlamaGreenJudge;
import org.scribe3d.eval.Predictions;
import org.scribe3d.eval.VqaAccuracy;
import org.scribe3d.infer.RunPredictor;
import org.scribe3d.recipe.Decoding;
import org.scribe3d.text.FindingExtractor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scribe3d evaluate}: scores a predictions file (docs/predictions-format.md) against an AMOS-MM
 * style dataset.json with every metric and its 95% bootstrap interval, and optionally compares it
 * with another run by a paired bootstrap. Writes eval.json, per_case.csv and summary.html. With
 * {@code --run RUN_DIR} instead of {@code --predictions}, the predictions of the split are first
 * generated from the trained run ({@link RunPredictor#predictSplit}) into OUT/predictions.jsonl and
 * then scored the same way.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score generated reports and VQA answers (PRED.jsonl, see docs/predictions-format.md) against"
        + " an AMOS-MM dataset.json: BLEU-1..4, ROUGE-L, METEOR, CIDEr-D, GREEN (with --green-model), finding"
        + " precision/recall/F1 and VQA accuracy, per region and per type, each with a 95%% bootstrap interval."
        + " Writes eval.json, per_case.csv and summary.html. With --run RUN_DIR the predictions are first generated"
        + " from a trained run (scribe3d train) into OUT/predictions.jsonl.")
public final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--predictions", paramLabel = "PRED.jsonl",
      description = "Predictions, one JSON object per line (docs/predictions-format.md). Give this or --run.")
  Path predictions;

  @Option(names = "--run", paramLabel = "RUN_DIR",
      description = "Trained run (scribe3d train): generate the split's predictions into OUT/predictions.jsonl"
          + " (OUT defaults to RUN_DIR/eval), then score them. Give this or --predictions.")
  Path run;

  @Option(names = "--threads", description = "With --run: torch intra-op threads (default: all cores).")
  Integer threads;

  @Option(names = "--batch", defaultValue = "32",
      description = "With --run: prompts decoded together (default ${DEFAULT-VALUE}).")
  int batch;

  @Mixin DecodingOptions decoding; // with --run: --answer-mode, --report-samples and the sampling settings

  @Option(names = "--blind", description = "With --run: zero the image embeddings (blind control; runs trained with"
      + " --blind are detected from RUN/blind.json without this).")
  boolean blind;

  @Option(names = "--data", required = true, paramLabel = "DATASET.json",
      description = "AMOS-MM dataset.json with the references (labels.report.findings, labels.qa).")
  Path data;

  @Option(names = "--split", defaultValue = "validation",
      description = "List of dataset.json holding the cases: training, validation or test (default ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--green-model", paramLabel = "DIR",
      description = "Hugging Face Llama-architecture judge for GREEN (e.g. GREEN-RadLlama2-7b); without it GREEN is"
          + " skipped.")
  Path greenModel;

  @Option(names = "--green-max-new-tokens", defaultValue = "" + LlamaGreenJudge.DEFAULT_MAX_NEW_TOKENS,
      description = "Most tokens the judge may generate per report (default ${DEFAULT-VALUE}; GREEN's total limit"
          + " of 2048 tokens also applies).")
  int greenMaxNewTokens;

  @Option(names = "--bootstrap", defaultValue = "1000", paramLabel = "N",
      description = "Bootstrap resamples over cases (default ${DEFAULT-VALUE}).")
  int bootstrap;

  @Option(names = "--seed", defaultValue = "20240917", description = "Bootstrap seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-meteor", description = "Skip METEOR.")
  boolean noMeteor;

  @Option(names = "--compare", paramLabel = "OTHER_eval.json",
      description = "Paired bootstrap against the run that an earlier 'scribe3d evaluate' wrote this eval.json for"
          + " (its predictions file is read again from inputs.predictions).")
  Path compare;

  @Option(names = "--compare-predictions", paramLabel = "OTHER.jsonl",
      description = "Paired bootstrap against another predictions file (same dataset and split).")
  Path comparePredictions;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output directory (default: the directory of the predictions file; with --run, RUN_DIR/eval).")
  Path out;

  @Spec CommandSpec spec;

  /** References of one case of dataset.json: findings per region (absent = none given) and the QA answers. */
  record CaseRefs(String id, Map<Region, String> findings, List<String> answerLetters) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (compare != null && comparePredictions != null) {
      throw new CliExit("give either --compare or --compare-predictions, not both", 2);
    }
    if (bootstrap < 1) {
      throw new CliExit("--bootstrap must be at least 1, got " + bootstrap, 2);
    }
    if ((predictions == null) == (run == null)) {
      throw new CliExit("give exactly one of --predictions PRED.jsonl or --run RUN_DIR", 2);
    }
    if (run == null && (threads != null || blind)) {
      throw new CliExit("--threads and --blind apply to --run only", 2);
    }
    if (predictions != null) {
      requireFile(predictions, "predictions file");
    }
    requireFile(data, "dataset file");
    Map<String, CaseRefs> refs = readDataset(data, split);
    // the run to compare with is checked before any work is done
    Path otherPredictions = null;
    if (compare != null) {
      otherPredictions = predictionsOf(compare);
    } else if (comparePredictions != null) {
      requireFile(comparePredictions, "comparison predictions file");
      otherPredictions = comparePredictions;
    }
    Predictions other = null;
    if (otherPredictions != null) {
      other = readPredictions(otherPredictions);
      check(other, otherPredictions, refs);
    }
    if (run != null) {
      predictions = generate(err);
    }
    Predictions pred = readPredictions(predictions);
    check(pred, predictions, refs);

    Evaluator.Options opts = new Evaluator.Options().resamples(bootstrap).seed(seed).meteor(!noMeteor)
        .findingExtractor(FindingExtractor::extract).references(referenceMap(refs));
    // a phantom dataset carries structured truth: score findings against it, not the reference text
    Path truth = data.toAbsolutePath().resolveSibling("ground_truth.json");
    if (Files.isRegularFile(truth)) {
      opts.referenceFindings(PhantomTruth.read(truth));
      err.println("note: finding precision/recall/F1 against " + truth);
    }
    Set<String> predicted = new TreeSet<>();
    pred.reports().forEach(r -> predicted.add(r.caseId()));
    pred.vqa().forEach(q -> predicted.add(q.caseId()));
    int missing = refs.size() - predicted.size();
    if (missing > 0) {
      err.printf(Locale.ROOT, "note: %d of the %d cases of the %s split have no predictions and are not scored%n",
          missing, refs.size(), split);
    }
    EvalResult result;
    LlamaGreenJudge judge = null;
    try {
      if (greenModel != null) {
        try {
          judge = LlamaGreenJudge.open(greenModel, greenMaxNewTokens, err);
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new CliExit(e.getMessage());
        }
        int rows = judgedRows(pred, refs);
        opts.greenJudge(withProgress(judge, rows, err));
        err.printf(Locale.ROOT, "GREEN: judging %d report rows with %s (greedy, at most %d new tokens each)%n",
            rows, greenModel, greenMaxNewTokens);
      } else {
        err.println("GREEN skipped: no --green-model given (every other metric is reported)");
      }
      err.flush();
      result = Evaluator.evaluate(pred, opts);
    } finally {
      if (judge != null) {
        judge.close();
      }
    }

    JsonObject comparison = null;
    List<Evaluator.Comparison> comparisons = null;
    if (other != null) {
      // GREEN is left out of the paired comparison: it would run the judge over both sets again
      opts.greenJudge(null);
      try {
        comparisons = Evaluator.compare(pred, other, opts);
      } catch (IllegalArgumentException e) {
        throw new CliExit(predictions + " and " + otherPredictions + ": " + e.getMessage());
      }
      comparison = Evaluator.comparisonsToJson(comparisons);
    }

    Path dir = out != null ? out : parentOf(predictions);
    result.write(dir);
    // eval.json also records its inputs, so a later --compare can pair against this run
    JsonObject doc = result.toJson();
    JsonObject inputs = new JsonObject();
    inputs.addProperty("predictions", predictions.toAbsolutePath().normalize().toString());
    inputs.addProperty("data", data.toAbsolutePath().normalize().toString());
    inputs.addProperty("split", split);
    if (run != null) { // how the predictions were generated from the run
      inputs.addProperty("run", run.toAbsolutePath().normalize().toString());
      inputs.addProperty("answer_mode", decoding.answerModeKey());
      inputs.addProperty("report_samples", decoding.reportSamples);
      if (decoding.reportSamples > 0) {
        inputs.addProperty("temperature", decoding.temperature);
        inputs.addProperty("top_p", decoding.topP);
        inputs.addProperty("sample_seed", decoding.sampleSeed);
      }
    }
    inputs.addProperty("green_model", greenModel == null ? null : greenModel.toAbsolutePath().normalize().toString());
    doc.add("inputs", inputs);
    if (comparison != null) {
      JsonObject c = new JsonObject();
      c.addProperty("a", predictions.toAbsolutePath().normalize().toString());
      c.addProperty("b", otherPredictions.toAbsolutePath().normalize().toString());
      c.addProperty("note", "paired bootstrap over the cases both runs have; difference = a - b; GREEN not compared");
      c.add("metrics", comparison);
      doc.add("comparison", c);
    }
    writeAtomic(dir.resolve("eval.json"),
        new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(doc) + "\n");

    stdout.print(result.summaryText());
    if (comparisons != null) {
      stdout.print(comparisonText(comparisons, otherPredictions));
    }
    stdout.printf(Locale.ROOT, "wrote %s, %s, %s (%.1f s)%n", dir.resolve("eval.json"), dir.resolve("per_case.csv"),
        dir.resolve("summary.html"), result.seconds());
    stdout.flush();
    return 0;
  }

  /** --run: generates the split's predictions from the run into OUT/predictions.jsonl; returns that file. */
  private Path generate(PrintWriter err) throws IOException {
    if (!Files.isDirectory(run)) {
      throw new CliExit("run directory " + run + " does not exist");
    }
    if (batch < 1) {
      throw new CliExit("--batch must be at least 1, got " + batch, 2);
    }
    if (threads != null && threads < 1) {
      throw new CliExit("--threads must be at least 1, got " + threads, 2);
    }
    Split s;
    Dataset ds;
    try {
      s = Split.parse(split);
      ds = DatasetLoader.load(data, DatasetLoader.Options.defaults());
    } catch (IllegalArgumentException | DatasetException e) {
      throw new CliExit(e.getMessage());
    }
    if (out == null) {
      out = run.resolve("eval");
    }
    Path file = out.resolve("predictions.jsonl");
    Decoding d = decoding.toDecoding(null);
    RunPredictor.Options o = new RunPredictor.Options().threads(threads).batch(batch).blind(blind).log(System.err);
    try (RunPredictor p = RunPredictor.open(run, d, o)) {
      RunPredictor.SplitResult r = p.predictSplit(ds, s, file, System.err);
      err.printf(Locale.ROOT, "generated %d report and %d VQA predictions for %d %s cases in %.1f s (preprocess %.1f s,"
              + " vision %.1f s, reports %.1f s, answers %.1f s; %d unparseable answers): %s%n", r.reportLines(),
          r.vqaLines(), r.cases(), split, r.seconds(), r.preprocessSeconds(), r.visionSeconds(), r.reportSeconds(),
          r.answerSeconds(), r.unparseableAnswers(), file);
      err.flush();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliExit(e.getMessage());
    }
    return file;
  }

  /** Report rows GREEN will judge: those whose reference (line's own, else the dataset's) is not empty. */
  static int judgedRows(Predictions p, Map<String, CaseRefs> refs) {
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
  static org.scribe3d.eval.GreenJudge withProgress(org.scribe3d.eval.GreenJudge judge, int total, PrintWriter err) {
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

  private static String comparisonText(List<Evaluator.Comparison> cs, Path other) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%npaired bootstrap: this run (a) vs %s (b), difference a - b%n", other));
    sb.append(String.format(Locale.ROOT, "%-44s %9s %9s %9s  %-21s %7s  %s%n", "metric", "a", "b", "a - b",
        "95% interval", "p", "verdict"));
    for (Evaluator.Comparison c : cs) {
      Bootstrap.Paired r = c.result();
      sb.append(String.format(Locale.ROOT, "%-44s %9s %9s %9s  %-21s %7s  %s%n", c.metric(), f4(r.a()), f4(r.b()),
          f4(r.difference()), Double.isNaN(r.lo()) ? "-" : "[" + f4(r.lo()) + ", " + f4(r.hi()) + "]",
          f4(r.pValue()), r.verdict()));
    }
    return sb.toString();
  }

  private static String f4(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static Path parentOf(Path p) {
    Path parent = p.toAbsolutePath().getParent();
    return parent == null ? Path.of(".") : parent;
  }

  private static void requireFile(Path p, String what) {
    if (!Files.exists(p)) {
      throw new CliExit(what + " " + p + " does not exist");
    }
    if (!Files.isRegularFile(p)) {
      throw new CliExit(what + " " + p + " is not a regular file");
    }
  }

  private static Predictions readPredictions(Path p) throws IOException {
    try {
      return Predictions.read(p);
    } catch (IllegalArgumentException e) {
      throw new CliExit(e.getMessage());
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new CliExit(p + ": not UTF-8 text");
    }
  }

  /** The predictions file that an earlier evaluate recorded in its eval.json. */
  static Path predictionsOf(Path evalJson) throws IOException {
    requireFile(evalJson, "--compare file");
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(Files.readString(evalJson, StandardCharsets.UTF_8));
      if (!e.isJsonObject()) {
        throw new CliExit(evalJson + ": not an eval.json (expected a JSON object)");
      }
      o = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new CliExit(evalJson + ": not valid JSON");
    }
    JsonElement in = o.get("inputs");
    if (in == null || !in.isJsonObject() || !in.getAsJsonObject().has("predictions")
        || !in.getAsJsonObject().get("predictions").isJsonPrimitive()) {
      throw new CliExit(evalJson + " does not record its predictions file (inputs.predictions; not written by"
          + " 'scribe3d evaluate'): use --compare-predictions OTHER.jsonl");
    }
    Path p = Path.of(in.getAsJsonObject().get("predictions").getAsString());
    if (!p.isAbsolute()) {
      p = parentOf(evalJson).resolve(p);
    }
    if (!Files.isRegularFile(p)) {
      throw new CliExit(evalJson + " names predictions file " + p + ", which does not exist (use"
          + " --compare-predictions)");
    }
    return p;
  }

  /**
   * The cases of one list of an AMOS-MM dataset.json, keyed by the image file name without
   * .nii/.nii.gz ("./imagesTr/amos_0001.nii.gz" → amos_0001), as docs/predictions-format.md says.
   */
  static Map<String, CaseRefs> readDataset(Path file, String split) throws IOException {
    JsonElement root;
    try {
      root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
    } catch (JsonParseException e) {
      throw new CliExit(file + ": not valid JSON (" + firstLine(e.getMessage()) + ")");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new CliExit(file + ": not UTF-8 text");
    }
    if (!root.isJsonObject()) {
      throw new CliExit(file + ": expected a JSON object with 'training'/'validation'/'test' lists");
    }
    JsonElement list = root.getAsJsonObject().get(split);
    if (list == null || !list.isJsonArray()) {
      throw new CliExit(file + ": no '" + split + "' list (has " + root.getAsJsonObject().keySet() + "; see --split)");
    }
    Map<String, CaseRefs> out = new LinkedHashMap<>();
    JsonArray items = list.getAsJsonArray();
    for (int i = 0; i < items.size(); i++) {
      String where = file + " " + split + "[" + i + "]";
      if (!items.get(i).isJsonObject()) {
        throw new CliExit(where + ": expected an object");
      }
      JsonObject item = items.get(i).getAsJsonObject();
      String image = str(item.get("image"), where + ".image");
      String name = image.replace('\\', '/');
      name = name.substring(name.lastIndexOf('/') + 1);
      String id = name.replaceFirst("\\.nii(\\.gz)?$", "");
      if (id.isBlank()) {
        throw new CliExit(where + ".image: no file name in '" + image + "'");
      }
      Map<Region, String> findings = new EnumMap<>(Region.class);
      List<String> answers = new ArrayList<>();
      JsonElement labels = item.get("labels");
      if (labels != null && labels.isJsonObject()) {
        JsonObject l = labels.getAsJsonObject();
        JsonElement report = l.get("report");
        if (report != null && report.isJsonObject()) {
          JsonElement f = report.getAsJsonObject().get("findings");
          if (f != null && f.isJsonObject()) {
            for (Region r : Region.values()) {
              JsonElement t = f.getAsJsonObject().get(r.key());
              if (t != null && !t.isJsonNull()) {
                findings.put(r, str(t, where + ".labels.report.findings." + r.key()));
              }
            }
          }
        }
        JsonElement qa = l.get("qa");
        if (qa != null && qa.isJsonArray()) {
          JsonArray qs = qa.getAsJsonArray();
          for (int q = 0; q < qs.size(); q++) {
            String qw = where + ".labels.qa[" + q + "]";
            if (!qs.get(q).isJsonObject()) {
              throw new CliExit(qw + ": expected an object");
            }
            String ans = str(qs.get(q).getAsJsonObject().get("answer"), qw + ".answer");
            answers.add(VqaAccuracy.letterOf(ans));
          }
        }
      }
      if (out.put(id, new CaseRefs(id, findings, answers)) != null) {
        throw new CliExit(where + ": case id '" + id + "' appears twice in the " + split + " list");
      }
    }
    if (out.isEmpty()) {
      throw new CliExit(file + ": the '" + split + "' list is empty");
    }
    return out;
  }

  private static String str(JsonElement e, String where) {
    if (e == null || e.isJsonNull()) {
      throw new CliExit(where + ": missing");
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new CliExit(where + ": expected a string");
    }
    return e.getAsString();
  }

  /** Every prediction must name a case of the split; VQA lines must agree with the dataset's answers. */
  static void check(Predictions p, Path file, Map<String, CaseRefs> refs) {
    for (Predictions.Report r : p.reports()) {
      CaseRefs c = refs.get(r.caseId());
      if (c == null) {
        throw new CliExit(file + ": case '" + r.caseId() + "' is not in the dataset's list (" + refs.size()
            + " cases; check --data and --split)");
      }
      if (r.reference() == null && !c.findings().containsKey(r.region())) {
        throw new CliExit(file + ": case '" + r.caseId() + "' has no reference findings for region "
            + r.region().key() + " in the dataset and the line gives no \"reference\"");
      }
    }
    for (Predictions.Vqa q : p.vqa()) {
      CaseRefs c = refs.get(q.caseId());
      if (c == null) {
        throw new CliExit(file + ": case '" + q.caseId() + "' is not in the dataset's list (" + refs.size()
            + " cases; check --data and --split)");
      }
      if (q.questionIndex() >= c.answerLetters().size()) {
        throw new CliExit(file + ": case '" + q.caseId() + "' question_index " + q.questionIndex()
            + " is out of range (the dataset has " + c.answerLetters().size() + " questions for it)");
      }
      String want = c.answerLetters().get(q.questionIndex());
      String got = VqaAccuracy.letterOf(q.answer());
      if (want != null && !want.equals(got)) {
        throw new CliExit(file + ": case '" + q.caseId() + "' question " + q.questionIndex() + ": answer '"
            + q.answer() + "' differs from the dataset's answer " + want);
      }
    }
  }

  private static Map<String, Map<Region, String>> referenceMap(Map<String, CaseRefs> refs) {
    Map<String, Map<Region, String>> m = new LinkedHashMap<>();
    refs.forEach((id, c) -> m.put(id, c.findings()));
    return m;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "parse error";
    }
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  private static void writeAtomic(Path target, String content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
