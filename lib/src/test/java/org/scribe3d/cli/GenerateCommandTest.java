package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.Examples;
import org.scribe3d.data.PromptTemplates;
import org.scribe3d.data.Question;
import org.scribe3d.data.Region;
import org.scribe3d.data.Split;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.infer.Answer;
import org.scribe3d.infer.RunPredictor;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.recipe.Decoding;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.recipe.RecipeFiles;
import org.scribe3d.run.RunDirectory;
import org.scribe3d.volume.Pipeline;

/**
 * Generation from a trained run: a micro model (TrainCommandTest's) trained here on a 6-case phantom
 * set through {@code scribe3d train}, then {@code scribe3d generate}, {@code scribe3d evaluate --run}
 * and the {@link RunPredictor} API, plus bad input.
 */
class GenerateCommandTest {
  @TempDir static Path tmp;
  static Path data;
  static Path run;
  static Dataset ds;
  static Case val;

  @BeforeAll
  static void trainAMicroRun() throws Exception {
    data = tmp.resolve("phantom");
    Path cfg = TrainCommandTest.phantomAndMicroModel(data, 6, tmp.resolve("micro.json"));
    run = tmp.resolve("run");
    CliTestSupport.Result r = CliTestSupport.run("train", "--set", "model.config=" + cfg, "--data",
        data.toString(), "--out", run.toString(), "--epochs", "12", "--batch", "4", "--threads", "1",
        "--set", "validation.samples=0", "--cache", tmp.resolve("cache").toString(), "--lr", "1e-2");
    assertEquals(0, r.exitCode(), r.err());
    ds = DatasetLoader.load(data, DatasetLoader.Options.defaults());
    val = ds.split(Split.VALIDATION).get(0);
  }

  @Test
  void generatePrintsTheReportOfEveryRegion() {
    CliTestSupport.Result r = CliTestSupport.run("generate", "--run", run.toString(), "--image",
        val.image().toString(), "--threads", "1");
    assertEquals(0, r.exitCode(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    assertEquals(3, lines.size(), r.out());
    assertTrue(lines.get(0).startsWith("chest: "), r.out());
    assertTrue(lines.get(1).startsWith("abdomen: "), r.out());
    assertTrue(lines.get(2).startsWith("pelvis: "), r.out());
    assertFalse(r.err().contains("note:"), "the run records its pipeline: " + r.err());

    CliTestSupport.Result one = CliTestSupport.run("generate", "--run", run.toString(), "--image",
        val.image().toString(), "--region", "pelvis", "--threads", "1");
    assertEquals(0, one.exitCode(), one.err());
    assertEquals(List.of(lines.get(2)), one.out().strip().lines().toList(), "same report for the region alone");
  }

  /** The same scan as NIfTI and as the .npy that preprocess --model writes gives the same reports. */
  @Test
  void niftiAndItsPreprocessedNpyGiveTheSameReports() throws Exception {
    Path npy = tmp.resolve("val0.npy");
    CliTestSupport.Result pre = CliTestSupport.run("preprocess", val.image().toString(), "--model", run.toString(),
        "--out", npy.toString());
    assertEquals(0, pre.exitCode(), pre.err());
    org.scribe3d.io.Npy.Array a = org.scribe3d.io.Npy.read(npy);
    assertEquals(4, a.shape().length, "1×D×H×W");
    CliTestSupport.Result fromNifti = CliTestSupport.run("generate", "--model", run.toString(), "--image",
        val.image().toString(), "--threads", "1");
    CliTestSupport.Result fromNpy = CliTestSupport.run("generate", "--model", run.resolve("model").toString(),
        "--image", npy.toString(), "--threads", "1");
    assertEquals(0, fromNifti.exitCode(), fromNifti.err());
    assertEquals(0, fromNpy.exitCode(), fromNpy.err());
    assertEquals(fromNifti.out(), fromNpy.out());

    CliTestSupport.Result scored = CliTestSupport.run("lm", "score", "--model", run.toString(), "--image",
        npy.toString(), "--text", "Describe the findings of the chest in this CT scan.", "--json");
    assertEquals(0, scored.exitCode(), scored.err());
    JsonObject o = JsonParser.parseString(scored.out()).getAsJsonObject();
    int n = o.getAsJsonArray("token_ids").size();
    assertEquals(n - 1, o.getAsJsonArray("logprobs").size());
    for (var v : o.getAsJsonArray("logprobs")) {
      assertTrue(Double.isFinite(v.getAsDouble()) && v.getAsDouble() <= 0, scored.out());
    }

    CliTestSupport.Result info = CliTestSupport.run("model-info", "--model", run.toString(), "--json");
    assertEquals(0, info.exitCode(), info.err());
    JsonObject mi = JsonParser.parseString(info.out()).getAsJsonObject();
    assertTrue(mi.getAsJsonObject("parts").has("vision"), info.out());
    assertTrue(mi.getAsJsonObject("generation_memory").getAsJsonObject("float16").get("total").getAsLong()
        < mi.getAsJsonObject("generation_memory").getAsJsonObject("float32").get("total").getAsLong());
  }

  @Test
  void generateJsonParses() {
    CliTestSupport.Result r = CliTestSupport.run("generate", "--run", run.toString(), "--image",
        val.image().toString(), "--json", "--threads", "1");
    assertEquals(0, r.exitCode(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(Set.of("chest", "abdomen", "pelvis"), o.getAsJsonObject("reports").keySet());
    assertEquals(val.image().toAbsolutePath().normalize().toString(), o.get("image").getAsString());
    assertTrue(o.get("seconds").getAsDouble() >= 0);
  }

  @Test
  void questionGivesAnOptionLetter() {
    Question q = val.questions().get(0);
    String choices = PromptTemplates.LETTERS.stream().map(l -> l + "=" + q.options().get(l))
        .collect(Collectors.joining(";"));
    CliTestSupport.Result r = CliTestSupport.run("generate", "--run", run.toString(), "--image",
        val.image().toString(), "--question", q.question(), "--choices", choices, "--json", "--threads", "1");
    assertEquals(0, r.exitCode(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertTrue(PromptTemplates.LETTERS.contains(o.get("letter").getAsString()), r.out());
    assertTrue(o.get("text").getAsString().startsWith(o.get("letter").getAsString()), r.out());
    assertEquals(PromptTemplates.vqa(q), o.get("prompt").getAsString());

    CliTestSupport.Result plain = CliTestSupport.run("generate", "--run", run.toString(), "--image",
        val.image().toString(), "--question", q.question(), "--choices", choices, "--threads", "1");
    assertEquals(0, plain.exitCode(), plain.err());
    assertTrue(plain.out().startsWith("answer: " + o.get("letter").getAsString() + "\ntext: "), plain.out());
  }

  @Test
  void evaluateRunGeneratesTheSplitAndScoresIt() throws Exception {
    Path out = tmp.resolve("eval");
    CliTestSupport.Result r = CliTestSupport.run("evaluate", "--run", run.toString(), "--data",
        data.resolve("dataset.json").toString(), "--split", "validation", "--bootstrap", "20", "--no-meteor",
        "--threads", "1", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    // expected lines counted straight from dataset.json: non-empty findings per region, and questions
    JsonArray list = JsonParser.parseString(Files.readString(data.resolve("dataset.json"))).getAsJsonObject()
        .getAsJsonArray("validation");
    int wantReports = 0;
    int wantVqa = 0;
    for (JsonElement e : list) {
      JsonObject labels = e.getAsJsonObject().getAsJsonObject("labels");
      for (Map.Entry<String, JsonElement> f : labels.getAsJsonObject("report").getAsJsonObject("findings").entrySet()) {
        wantReports += f.getValue().getAsString().isBlank() ? 0 : 1;
      }
      wantVqa += labels.getAsJsonArray("qa").size();
    }
    assertTrue(wantReports > 0 && wantVqa > 0);
    List<JsonObject> lines = Files.readAllLines(out.resolve("predictions.jsonl")).stream()
        .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    assertEquals(wantReports, lines.stream().filter(l -> l.has("region")).count());
    assertEquals(wantVqa, lines.stream().filter(l -> l.has("question_index")).count());
    assertEquals(wantReports + wantVqa, lines.size());
    JsonObject eval = JsonParser.parseString(Files.readString(out.resolve("eval.json"))).getAsJsonObject();
    assertEquals(out.resolve("predictions.jsonl").toAbsolutePath().normalize().toString(),
        eval.getAsJsonObject("inputs").get("predictions").getAsString());
    assertTrue(eval.toString().contains("vqa"), eval.toString());
    assertTrue(Files.isRegularFile(out.resolve("per_case.csv")) && Files.isRegularFile(out.resolve("summary.html")));
    assertTrue(r.err().contains("generated " + wantReports + " report and " + wantVqa + " VQA predictions"), r.err());
    assertEquals("options", eval.getAsJsonObject("inputs").get("answer_mode").getAsString());
    // option scoring: every answer is one of its question's options, said as in training
    Map<String, Case> byId = ds.split(Split.VALIDATION).stream().collect(Collectors.toMap(Case::id, c -> c));
    for (JsonObject l : lines) {
      if (l.has("question_index")) {
        Question q = byId.get(l.get("case_id").getAsString()).questions().get(l.get("question_index").getAsInt());
        String pred = l.get("prediction").getAsString();
        assertTrue(PromptTemplates.LETTERS.stream().anyMatch(x -> q.answerTextFor(x).equals(pred)), pred);
      }
    }

    // scoring the written file with --predictions gives the same eval.json metrics (one code path)
    Path again = tmp.resolve("again");
    CliTestSupport.Result p = CliTestSupport.run("evaluate", "--predictions", out.resolve("predictions.jsonl").toString(),
        "--data", data.resolve("dataset.json").toString(), "--bootstrap", "20", "--no-meteor", "--out", again.toString());
    assertEquals(0, p.exitCode(), p.err());
    JsonObject second = JsonParser.parseString(Files.readString(again.resolve("eval.json"))).getAsJsonObject();
    eval.getAsJsonObject("inputs").remove("run"); // how --run generated them; the scores must not differ
    eval.getAsJsonObject("inputs").remove("answer_mode");
    eval.getAsJsonObject("inputs").remove("report_samples");
    eval.remove("seconds");
    second.remove("seconds");
    assertEquals(strip(eval), strip(second));
  }

  @Test
  void predictCasesGivesTheSplitFilesLinesAndFailsOnlyTheBrokenCase() throws Exception {
    List<Case> val = ds.split(Split.VALIDATION);
    Case missing = new Case("no_such_case", tmp.resolve("absent.nii.gz"), val.get(0).findings(), val.get(0).questions(),
        Split.VALIDATION);
    List<Case> asked = new java.util.ArrayList<>(val);
    asked.add(1, missing);
    Path file = tmp.resolve("split-lines.jsonl");
    List<RunPredictor.CasePredictions> got;
    try (RunPredictor p = RunPredictor.open(run, new RunPredictor.Options().threads(1).casesPerChunk(1))) {
      p.predictSplit(ds, Split.VALIDATION, file, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      got = p.predictCases(asked);
    }
    assertEquals(asked.size(), got.size());
    RunPredictor.CasePredictions broken = got.get(1);
    assertTrue(broken.failed() && broken.lines().isEmpty(), broken.toString());
    assertEquals("no_such_case", broken.caseId());
    assertTrue(broken.error().contains("absent.nii.gz") && !broken.error().contains("\n")
        && (broken.error().contains("does not exist") || broken.error().contains("no such file")), broken.error());
    List<String> lines = new java.util.ArrayList<>();
    for (RunPredictor.CasePredictions c : got) {
      if (!c.failed()) {
        lines.addAll(c.lines());
      }
    }
    assertEquals(Files.readAllLines(file), lines);
  }

  /** eval.json without wall times. */
  private static String strip(JsonObject o) {
    JsonObject c = o.deepCopy();
    c.remove("seconds");
    c.remove("timing");
    return c.toString().replaceAll("\"seconds\":[0-9.eE+-]+,?", "");
  }

  @Test
  void predictorAsksTheTrainingPrompts() throws Exception {
    for (Case c : ds.split(Split.VALIDATION)) {
      List<String> asked = RunPredictor.requests(c).stream().map(RunPredictor.Request::prompt).toList();
      List<String> trained = Examples.expand(c).stream().map(TrainingExample::prompt).toList();
      assertEquals(trained, asked, c.id());
    }
    for (Region r : Region.values()) {
      assertEquals(PromptTemplates.mrg(r), RunPredictor.reportPrompt(r));
    }
    // the predictor's report and answer are what the model generates for exactly those prompts; an
    // untrained model (near-uniform logits) so that any change of the input embeddings shows
    Path random = untrainedRun("random-run");
    try (RunPredictor p = RunPredictor.open(random, Decoding.DEFAULT.withAnswerMode(Decoding.GREEDY),
            new RunPredictor.Options().threads(1));
        NDManager m = NDManager.newBaseManager()) {
      MultimodalModel model = p.model();
      var v = model.config().vision();
      NDArray img = m.create(p.preprocess(val.image()), new Shape(1, 1, v.depth(), v.height(), v.width()));
      String want = model.generateText(img, List.of(PromptTemplates.mrg(Region.ABDOMEN)), p.tokenizer(),
          model.greedy(Decoding.DEFAULT.reportMaxNewTokens())).get(0).strip();
      assertEquals(want, p.reports(val.image(), EnumSet.of(Region.ABDOMEN)).get(Region.ABDOMEN));
      Question q = val.questions().get(0);
      String wantAnswer = model.generateText(img, List.of(PromptTemplates.vqa(q)), p.tokenizer(),
          model.greedy(Decoding.DEFAULT.answerMaxNewTokens())).get(0).strip();
      Answer a = p.answer(val.image(), q);
      assertEquals(wantAnswer, a.text());
      assertEquals(RunPredictor.answerLetter(wantAnswer), a.letter());
      // batched over several scans and questions = one at a time
      List<Path> imgs = new ArrayList<>();
      List<Question> qs = new ArrayList<>();
      for (Case c : ds.cases()) {
        for (Question x : c.questions()) {
          imgs.add(c.image());
          qs.add(x);
        }
      }
      List<Answer> batched = p.answers(imgs, qs);
      for (int i = 0; i < imgs.size(); i += 7) {
        assertEquals(p.answer(imgs.get(i), qs.get(i)), batched.get(i), "row " + i);
      }
      // and the image matters: another scan, another report
      Case other = ds.split(Split.TRAIN).get(0);
      assertNotEquals(want, p.reports(other.image(), EnumSet.of(Region.ABDOMEN)).get(Region.ABDOMEN));
    }
  }

  /**
   * Option scoring picks, for every question, the option whose answer string the model's own training forward
   * ({@link MultimodalModel#forward}, one candidate at a time, no padding) finds most likely — batched across
   * scans and questions with padding, and also when a batch splits a question's four candidates.
   */
  @Test
  void optionScoringPicksTheAnswerTheModelFindsMostLikely() throws Exception {
    Path random = untrainedRun("options-run");
    try (RunPredictor p = RunPredictor.open(random, new RunPredictor.Options().threads(1).batch(5));
        NDManager m = NDManager.newBaseManager()) {
      MultimodalModel model = p.model();
      MultimodalConfig cfg = model.config();
      var v = cfg.vision();
      org.scribe3d.prompt.PromptBuilder pb = new org.scribe3d.prompt.PromptBuilder(p.tokenizer(), cfg.imageTokens(),
          cfg.imageTokenId(), cfg.maxLength());
      List<Path> imgs = new ArrayList<>();
      List<Question> qs = new ArrayList<>();
      List<String> want = new ArrayList<>();
      int differ = 0;
      for (Case c : List.of(val, ds.split(Split.TRAIN).get(0))) {
        NDArray img = m.create(p.preprocess(c.image()), new Shape(1, 1, v.depth(), v.height(), v.width()));
        for (Question q : c.questions()) {
          double best = Double.NEGATIVE_INFINITY;
          String bestText = null;
          for (String letter : PromptTemplates.LETTERS) {
            var ex = pb.example(RunPredictor.questionPrompt(q), q.answerTextFor(letter));
            long[] ids = cfg.vocab() == null ? ex.inputIds() : cfg.vocab().toCompact(ex.inputIds());
            float[] lp = model.forward(m.create(ids, new Shape(1, ids.length)), img, null).logSoftmax(-1)
                .toFloatArray();
            int vocab = lp.length / ids.length;
            double score = 0;
            for (int j = ex.promptLength(); j < ids.length; j++) {
              score += lp[(j - 1) * vocab + (int) ids[j]];
            }
            if (score > best) {
              best = score;
              bestText = q.answerTextFor(letter);
            }
          }
          imgs.add(c.image());
          qs.add(q);
          want.add(bestText);
          differ += bestText.equals(q.answerTextFor("A")) ? 0 : 1;
        }
      }
      assertTrue(differ > 0, "the most likely option is not always A");
      List<Answer> got = p.answers(imgs, qs);
      for (int i = 0; i < want.size(); i++) {
        assertEquals(want.get(i), got.get(i).text(), "question " + i);
        assertEquals(want.get(i).substring(0, 1), got.get(i).letter());
      }
    }
  }

  /** A run directory with the trained run's pipeline and config but untrained (random) weights. */
  private static Path untrainedRun(String name) throws Exception {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    writeRecipe(dir, RunDirectory.of(run).readRecipe().data.pipeline, false);
    try (NDManager m = NDManager.newBaseManager()) {
      new MultimodalModel(MultimodalConfig.load(run.resolve("model").resolve(MultimodalModel.CONFIG_FILE)), m,
          DataType.FLOAT32, 11).save(dir.resolve("model"));
    }
    return dir;
  }

  /**
   * A run decodes as its recipe says wherever it is asked: generate --run on one held-out scan gives, region by
   * region, the report evaluate --run wrote for that scan among the whole split — here with reports chosen by minimum
   * Bayes risk over sampled ones, whose draws must not depend on how the split was batched — and, question by
   * question, the same answers.
   */
  @Test
  void generateRunGivesTheReportsAndAnswersEvaluateRunWrote() throws Exception {
    Path mbr = tmp.resolve("mbr-run");
    Files.createDirectories(mbr.resolve("model"));
    for (String f : new String[] {MultimodalModel.CONFIG_FILE, MultimodalModel.WEIGHTS_FILE}) {
      Files.copy(RunDirectory.of(run).model().resolve(f), RunDirectory.of(mbr).model().resolve(f));
    }
    Recipe r = RunDirectory.of(run).readRecipe();
    // hot samples, so that they differ from the greedy report and from each other, and the choice depends on them
    Decoding d = r.decoding;
    r.decoding = new Decoding(d.answerMode(), 4, 3.0, 1.0, 11, d.reportMaxNewTokens(), d.answerMaxNewTokens());
    RecipeFiles.write(r, RunDirectory.of(mbr).recipe());
    Path out = tmp.resolve("mbr-eval");
    CliTestSupport.Result e = CliTestSupport.run("evaluate", "--run", mbr.toString(), "--data",
        data.resolve("dataset.json").toString(), "--split", "validation", "--bootstrap", "10", "--no-meteor",
        "--threads", "1", "--out", out.toString());
    assertEquals(0, e.exitCode(), e.err());
    JsonObject inputs = JsonParser.parseString(Files.readString(out.resolve("eval.json"))).getAsJsonObject()
        .getAsJsonObject("inputs");
    assertEquals(4, inputs.get("report_samples").getAsInt(), "evaluate --run decodes as the recipe says: " + inputs);
    assertEquals(3.0, inputs.get("temperature").getAsDouble(), 0.0, inputs.toString());
    Map<String, String> reports = new java.util.HashMap<>();
    Map<Integer, String> answers = new java.util.HashMap<>();
    for (String line : Files.readAllLines(RunDirectory.predictions(out))) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      if (!o.get("case_id").getAsString().equals(val.id())) {
        continue;
      }
      if (o.has("region")) {
        reports.put(o.get("region").getAsString(), o.get("prediction").getAsString());
      } else {
        answers.put(o.get("question_index").getAsInt(), o.get("prediction").getAsString());
      }
    }
    assertFalse(reports.isEmpty(), "the held-out scan has report lines");
    CliTestSupport.Result g = CliTestSupport.run("generate", "--run", mbr.toString(), "--image",
        val.image().toString(), "--json", "--threads", "1");
    assertEquals(0, g.exitCode(), g.err());
    JsonObject gen = JsonParser.parseString(g.out()).getAsJsonObject().getAsJsonObject("reports");
    for (Map.Entry<String, String> want : reports.entrySet()) {
      assertEquals(want.getValue(), gen.get(want.getKey()).getAsString(), "report of " + want.getKey());
    }
    assertEquals(val.questions().size(), answers.size());
    for (int i = 0; i < val.questions().size(); i++) {
      Question q = val.questions().get(i);
      String choices = PromptTemplates.LETTERS.stream().map(l -> l + "=" + q.options().get(l))
          .collect(Collectors.joining(";"));
      CliTestSupport.Result a = CliTestSupport.run("generate", "--run", mbr.toString(), "--image",
          val.image().toString(), "--question", q.question(), "--choices", choices, "--json", "--threads", "1");
      assertEquals(0, a.exitCode(), a.err());
      assertEquals(answers.get(i), JsonParser.parseString(a.out()).getAsJsonObject().get("text").getAsString(),
          "answer to question " + i);
    }
  }

  /** A hand-written RUN/recipe.json: the defaults with this pipeline and blindness. */
  private static void writeRecipe(Path dir, JsonElement pipeline, boolean blind) throws Exception {
    Recipe r = RecipeFiles.defaults(List.of());
    r.data.pipeline = pipeline;
    r.image.blind = blind;
    RecipeFiles.write(r, RunDirectory.of(dir).recipe());
  }

  @Test
  void blindRunIsOpenedBlindAndIgnoresTheImage() throws Exception {
    Path blind = untrainedRun("blind-run");
    JsonElement pipeline = RunDirectory.of(run).readRecipe().data.pipeline;
    writeRecipe(blind, pipeline, true);
    Case other = ds.split(Split.TRAIN).get(0);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        RunPredictor p = RunPredictor.open(blind, new RunPredictor.Options().threads(1).log(ps))) {
      assertTrue(p.blind());
      List<Map<Region, String>> r = p.reports(List.of(val.image(), other.image()), EnumSet.of(Region.CHEST));
      assertEquals(r.get(0), r.get(1), "a blind model cannot tell two scans apart");
    }
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("blind-control run"), log.toString());
    writeRecipe(blind, pipeline, false);
    try (RunPredictor p = RunPredictor.open(blind, new RunPredictor.Options().threads(1))) {
      assertFalse(p.blind());
      List<Map<Region, String>> r = p.reports(List.of(val.image(), other.image()), EnumSet.of(Region.CHEST));
      assertNotEquals(r.get(0), r.get(1), "the same untrained model, seeing the scans");
    }
  }

  @Test
  void trainRecordsPipelineAndBlindness() {
    Path blind = tmp.resolve("blind-trained");
    CliTestSupport.Result r = CliTestSupport.run("train", "--set", "model.config=" + tmp.resolve("micro.json"),
        "--data", data.toString(), "--out", blind.toString(), "--epochs", "1", "--set", "optim.max_steps=2", "--batch",
        "2", "--threads", "1", "--set", "validation.samples=0", "--cache", tmp.resolve("cache").toString(), "--set",
        "image.blind=true", "--set", "data.augment=false");
    assertEquals(0, r.exitCode(), r.err());
    try {
      assertTrue(RunDirectory.of(blind).isBlind());
      assertFalse(RunDirectory.of(run).isBlind(), "a normal run is not marked blind");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    try (RunPredictor p = RunPredictor.open(blind, new RunPredictor.Options().threads(1).log(
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))) {
      assertTrue(p.blind());
      assertTrue(p.pipelineRecorded());
      var v = p.config().vision();
      assertEquals(Pipeline.defaults(new int[] {v.depth(), v.height(), v.width()}, null, true, true).steps(),
          p.pipeline().steps(), "data.augment false trains with the default pipeline");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void answerLetterIsTheFirstCharacterWhenItIsAnOption() {
    assertEquals("B", RunPredictor.answerLetter(" B. Right"));
    assertEquals("C", RunPredictor.answerLetter("c"));
    assertEquals("", RunPredictor.answerLetter("The answer is B"));
    assertEquals("", RunPredictor.answerLetter("E. None"));
    assertEquals("", RunPredictor.answerLetter(""));
    assertEquals("", RunPredictor.answerLetter(". B"));
  }

  @Test
  void runPipelineIsRecordedAndUsedWithoutAugmentation() throws Exception {
    JsonElement inline = RunDirectory.of(run).readRecipe().data.pipeline;
    assertTrue(inline.isJsonArray() || inline.isJsonObject(), "recipe.json records the pipeline inline: " + inline);
    Pipeline recorded = Pipeline.parse(inline.toString(), "data.pipeline");
    assertTrue(recorded.steps().stream().anyMatch(s -> s instanceof Pipeline.Rot90), "trained with augmentation");
    try (RunPredictor p = RunPredictor.open(run, new RunPredictor.Options().threads(1))) {
      assertTrue(p.pipelineRecorded());
      assertEquals(recorded.steps().stream().filter(s -> !(s instanceof Pipeline.Rot90 || s instanceof Pipeline.Flip
          || s instanceof Pipeline.ScaleIntensity || s instanceof Pipeline.ShiftIntensity)).toList(), p.pipeline().steps());
      float[] a = p.preprocess(val.image());
      assertEquals(a.length, p.preprocess(val.image()).length);
      assertTrue(java.util.Arrays.equals(a, p.preprocess(val.image())), "deterministic");
    }
    // a run without recipe.json: the default pipeline at the model's input size, said once
    Path old = tmp.resolve("old-run");
    Files.createDirectories(old.resolve("model"));
    for (String f : List.of(MultimodalModel.CONFIG_FILE, MultimodalModel.WEIGHTS_FILE)) {
      Files.copy(run.resolve("model").resolve(f), old.resolve("model").resolve(f));
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        RunPredictor p = RunPredictor.open(old, new RunPredictor.Options().threads(1).log(ps))) {
      assertFalse(p.pipelineRecorded());
      var v = p.config().vision();
      assertEquals(Pipeline.defaults(new int[] {v.depth(), v.height(), v.width()}, null, true, true).steps(),
          p.pipeline().steps());
      assertEquals(3, p.reports(val.image(), EnumSet.allOf(Region.class)).size());
    }
    String note = log.toString(StandardCharsets.UTF_8);
    assertEquals(1, note.lines().count(), note);
    assertTrue(note.contains("records no preprocessing pipeline (recipe.json data.pipeline)"), note);
  }

  @Test
  void reportSamplingKeepsGreedyWhenSamplesAgreeAndIsSeeded() throws Exception {
    Set<Region> all = EnumSet.allOf(Region.class);
    Map<Region, String> greedy;
    try (RunPredictor p = RunPredictor.open(run, new RunPredictor.Options().threads(1))) {
      greedy = p.reports(val.image(), all);
    }
    // at a vanishing temperature every sample is the greedy report, so MBR returns it
    try (RunPredictor p = RunPredictor.open(run, sampling(3, 1e-6, 1, 7), new RunPredictor.Options().threads(1))) {
      assertEquals(greedy, p.reports(val.image(), all));
    }
    // hot samples: the same seed gives the same reports
    List<Map<Region, String>> twice = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      try (RunPredictor p = RunPredictor.open(run, sampling(4, 2.0, 1, 11), new RunPredictor.Options().threads(1))) {
        twice.add(p.reports(val.image(), all));
      }
    }
    assertEquals(twice.get(0), twice.get(1));
  }

  /** The default decoding with {@code samples} sampled reports (temperature, top-p, seed) besides the greedy one. */
  private static Decoding sampling(int samples, double temperature, double topP, long seed) {
    Decoding d = Decoding.DEFAULT;
    return new Decoding(d.answerMode(), samples, temperature, topP, seed, d.reportMaxNewTokens(),
        d.answerMaxNewTokens());
  }

  @Test
  void badInputIsOneErrorLine() throws Exception {
    String img = val.image().toString();
    assertError(CliTestSupport.run("generate", "--run", tmp.resolve("nope").toString(), "--image", img), 1, "nope");
    Path empty = Files.createDirectories(tmp.resolve("empty-run"));
    assertError(CliTestSupport.run("generate", "--run", empty.toString(), "--image", img), 1, "no trained model");
    assertError(CliTestSupport.run("generate", "--run", run.toString(), "--image",
        tmp.resolve("missing.nii.gz").toString()), 1, "missing.nii.gz");
    Path corrupt = tmp.resolve("corrupt.nii.gz");
    Files.write(corrupt, "not a nifti file at all".getBytes(StandardCharsets.UTF_8));
    assertError(CliTestSupport.run("generate", "--run", run.toString(), "--image", corrupt.toString(), "--threads",
        "1"), 1, "corrupt.nii.gz");
    Path truncated = tmp.resolve("truncated.nii.gz");
    byte[] whole = Files.readAllBytes(val.image());
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
    assertError(CliTestSupport.run("generate", "--run", run.toString(), "--image", truncated.toString(), "--threads",
        "1"), 1, "truncated.nii.gz");
    assertError(CliTestSupport.run("generate", "--run", run.toString(), "--image", img, "--question", "Which side?",
        "--choices", "A=Left;B=Right"), 2, "option C is missing");
    assertError(CliTestSupport.run("generate", "--run", run.toString(), "--image", img, "--question", "Which side?",
        "--choices", "A=Left;B=Right;C=Both;E=Neither"), 2, "unknown option letter 'E'");
    assertError(CliTestSupport.run("generate", "--run", run.toString(), "--image", img, "--question", "Which side?",
        "--choices", "A=Left;B;C=Both;D=Neither"), 2, "--choices");
    assertError(CliTestSupport.run("generate", "--run", run.toString(), "--image", img, "--question", "Which side?"),
        2, "--question needs --choices");
    assertError(CliTestSupport.run("generate", "--run", run.toString(), "--image", img, "--region", "neck"), 2,
        "neck");
    String dsj = data.resolve("dataset.json").toString();
    assertError(CliTestSupport.run("evaluate", "--data", dsj), 2, "exactly one of --predictions");
    assertError(CliTestSupport.run("evaluate", "--data", dsj, "--run", run.toString(), "--predictions", dsj), 2,
        "exactly one of --predictions");
    assertError(CliTestSupport.run("evaluate", "--data", dsj, "--run", empty.toString()), 1, "no trained model");
    Path badPipe = tmp.resolve("bad-pipeline-run");
    Files.createDirectories(badPipe.resolve("model"));
    for (String f : List.of(MultimodalModel.CONFIG_FILE, MultimodalModel.WEIGHTS_FILE)) {
      Files.copy(run.resolve("model").resolve(f), badPipe.resolve("model").resolve(f));
    }
    writeRecipe(badPipe, JsonParser.parseString("[{\"op\": \"resize\", \"size\": [8, 8, 8]}]"), false);
    assertError(CliTestSupport.run("generate", "--run", badPipe.toString(), "--image", img), 1,
        "resizes to 8×8×8 but the model takes");
    Files.writeString(RunDirectory.of(badPipe).recipe(), "{not json");
    assertError(CliTestSupport.run("generate", "--run", badPipe.toString(), "--image", img), 1,
        RunDirectory.of(badPipe).recipe().getFileName().toString());
    // a question whose words the run's restricted vocabulary never saw cannot be asked: said, not guessed
    CliTestSupport.Result r = CliTestSupport.run("generate", "--run", run.toString(), "--image", img, "--question",
        "Zygomorphic quixotry?", "--choices", "A=Xylophone;B=Quokka;C=Zebu;D=Wombat", "--threads", "1");
    assertError(r, 1, "cannot be given to this model");
    assertNotEquals(0, r.exitCode());
    assertError(CliTestSupport.run("generate", "--run", run.toString(), "--image", img, "--question",
        val.questions().get(0).question(), "--choices", "A=a;B=b;C=c;D=d", "--answer-mode", "beam"), 2,
        "unknown answer mode 'beam'");
    assertError(CliTestSupport.run("evaluate", "--data", dsj, "--run", run.toString(), "--report-samples", "4",
        "--temperature", "0"), 2, "sampling temperature must be");
    assertError(CliTestSupport.run("evaluate", "--data", dsj, "--run", run.toString(), "--report-samples", "-2"), 2,
        "report samples must be");
  }

  private static void assertError(CliTestSupport.Result r, int code, String fragment) {
    assertEquals(code, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(fragment), r.err());
    assertTrue(r.out().isEmpty(), r.out());
  }

  @Test
  void predictorRejectsAnUnknownRunClearly() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunPredictor.open(tmp.resolve("no-such-run")));
    assertTrue(e.getMessage().contains("no-such-run"), e.getMessage());
  }
}
