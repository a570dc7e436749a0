package org.scribe3d.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.data.FindingType;
import org.scribe3d.data.Region;

/** The library call behind {@code scribe3d evaluate}: its typed result holds what eval.json holds. */
class EvaluationTest {
  @TempDir Path tmp;

  static final String[][] FINDINGS = {
      {"Small left pleural effusion.", "A 2 cm cyst in the left kidney.", "The bladder wall is thickened."},
      {"No pleural effusion.", "Splenomegaly. Mild ascites.", ""},
      {"A 6 mm nodule in the right upper lobe.", "Fatty infiltration of the liver.", "No pelvic lymphadenopathy."},
      {"Mild cardiomegaly.", "A 2 cm cyst in the left kidney. Mild ascites.", "The bladder wall is thickened."}};
  static final String[] TYPES = {"presence", "location", "size"};

  /** An AMOS-MM dataset.json (validation list) of the cases above and a predictions file that gets some right. */
  private static Path[] write(Path dir, boolean perfect) throws Exception {
    Files.createDirectories(dir);
    JsonArray items = new JsonArray();
    List<String> lines = new ArrayList<>();
    for (int c = 0; c < FINDINGS.length; c++) {
      String id = String.format("amos_%04d", c);
      JsonObject item = new JsonObject();
      item.addProperty("image", "./imagesVa/" + id + ".nii.gz");
      JsonObject findings = new JsonObject();
      for (Region r : Region.values()) {
        String ref = FINDINGS[c][r.ordinal()];
        findings.addProperty(r.key(), ref);
        JsonObject line = new JsonObject();
        line.addProperty("case_id", id);
        line.addProperty("region", r.key());
        line.addProperty("prediction", perfect || c % 2 == 0 ? ref : FINDINGS[(c + 1) % FINDINGS.length][r.ordinal()]);
        if (r == Region.CHEST) {
          line.addProperty("hint", "Image findings: pleural effusion (left).");
        }
        lines.add(line.toString());
      }
      JsonArray qa = new JsonArray();
      for (int q = 0; q < TYPES.length; q++) {
        String answer = String.valueOf("ABCD".charAt((c + q) % 4));
        JsonObject o = new JsonObject();
        o.addProperty("question", "Question " + q + "?");
        JsonObject opts = new JsonObject();
        for (String l : new String[] {"A", "B", "C", "D"}) {
          opts.addProperty(l, "option " + l);
        }
        o.add("options", opts);
        o.addProperty("answer", answer);
        o.addProperty("type", TYPES[q]);
        qa.add(o);
        String pred = perfect || (c + q) % 3 != 0 ? answer : "D".equals(answer) ? "A" : "D";
        JsonObject line = new JsonObject();
        line.addProperty("case_id", id);
        line.addProperty("question_index", q);
        line.addProperty("type", TYPES[q]);
        line.addProperty("prediction", pred + ". option " + pred);
        line.addProperty("answer", answer);
        lines.add(line.toString());
      }
      JsonObject report = new JsonObject();
      report.add("findings", findings);
      JsonObject labels = new JsonObject();
      labels.add("report", report);
      labels.add("qa", qa);
      item.add("labels", labels);
      items.add(item);
    }
    JsonObject root = new JsonObject();
    root.add("training", new JsonArray());
    root.add("validation", items);
    Path dataset = dir.resolve("dataset.json");
    Files.writeString(dataset, new GsonBuilder().setPrettyPrinting().create().toJson(root), StandardCharsets.UTF_8);
    Path pred = dir.resolve("pred.jsonl");
    Files.write(pred, lines, StandardCharsets.UTF_8);
    return new Path[] {dataset, pred};
  }

  private static JsonObject json(Path p) throws Exception {
    return JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
  }

  private static double num(JsonObject o, String k) {
    JsonElement e = o.get(k);
    return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
  }

  /** The metric equals eval.json's entry of that name (value, bounds, n). */
  private static void assertSame(JsonObject metrics, String name, EvalResult.Metric m) {
    JsonObject o = metrics.getAsJsonObject(name);
    assertTrue(o != null, name + " not in eval.json: " + metrics.keySet());
    assertEquals(name, m.name());
    assertTrue(m.isPresent(), name);
    assertEquals(num(o, "value"), m.value(), 0.0, name);
    assertEquals(num(o, "lo"), m.lo(), 0.0, name);
    assertEquals(num(o, "hi"), m.hi(), 0.0, name);
    assertEquals(o.get("n").getAsInt(), m.n(), name);
  }

  private static void assertTypedValues(JsonObject m, EvalResult r) {
    assertSame(m, "findings.all.f1", r.findingF1());
    assertSame(m, "findings.all.precision", r.findingPrecision());
    assertSame(m, "findings.all.recall", r.findingRecall());
    assertSame(m, "findings.chest.f1", r.findingF1(Region.CHEST));
    assertSame(m, "findings.abdomen.recall", r.findingRecall(Region.ABDOMEN));
    assertSame(m, "findings.pelvis.precision", r.findingPrecision(Region.PELVIS));
    assertSame(m, "findings.type.pleural_effusion.f1", r.findingF1(FindingType.PLEURAL_EFFUSION));
    assertSame(m, "hint_findings.all.f1", r.hintFindingF1());
    assertSame(m, "report.all.bleu_4", r.reportMetric(ReportMetric.BLEU_4));
    assertSame(m, "report.chest.rouge_l", r.reportMetric(Region.CHEST, ReportMetric.ROUGE_L));
    assertSame(m, "report.abdomen.cider", r.reportMetric(Region.ABDOMEN, ReportMetric.CIDER));
    assertSame(m, "vqa.all.accuracy", r.vqaAccuracy());
    assertEquals(List.of("location", "presence", "size"), r.questionTypes());
    for (String t : r.questionTypes()) {
      assertSame(m, "vqa.type." + t + ".accuracy", r.vqaAccuracy(t));
      assertSame(m, "vqa.type." + t + ".accuracy", r.vqaAccuracyByType().get(t));
    }
    assertTrue(r.findingTypes().contains(FindingType.PLEURAL_EFFUSION), r.findingTypes().toString());
    for (FindingType t : r.findingTypes()) {
      assertSame(m, "findings.type." + t.key() + ".f1", r.findingF1(t));
    }
    // every metric of the file, by name
    for (String k : m.keySet()) {
      assertSame(m, k, r.metric(k));
    }
    assertEquals(m.keySet().size(), r.metrics().size());
    // not computed: no judge, no METEOR
    assertFalse(r.reportMetric(ReportMetric.GREEN).isPresent());
    assertTrue(Double.isNaN(r.reportMetric(Region.CHEST, ReportMetric.METEOR).value()));
    assertFalse(r.vqaAccuracy("no-such-type").isPresent());
  }

  @Test
  void typedResultEqualsEvalJsonAndReadsBack() throws Exception {
    Path[] f = write(tmp.resolve("a"), false);
    Path out = tmp.resolve("out");
    StringWriter log = new StringWriter();
    EvalResult r = Evaluation.evaluate(f[1], Evaluation.Settings.of(f[0]).withBootstrap(100, 7).withMeteor(false)
        .withOut(out), new PrintWriter(log, true));
    assertTrue(log.toString().contains("GREEN skipped"), log.toString());
    assertEquals(out, r.directory().orElseThrow());
    for (String file : List.of("eval.json", "per_case.csv", "summary.html")) {
      assertTrue(Files.isRegularFile(out.resolve(file)), file);
    }
    JsonObject eval = json(out.resolve("eval.json"));
    JsonObject m = eval.getAsJsonObject("metrics");
    assertEquals(4, r.cases());
    assertEquals(eval.get("cases").getAsInt(), r.cases());
    assertEquals(100, r.resamples());
    assertEquals(7L, r.seed());
    assertTypedValues(m, r);
    // VQA accuracy from the predictions: 12 questions, (c + q) % 3 == 0 answered wrong (4 of them)
    assertEquals(8.0 / 12, r.vqaAccuracy().value(), 1e-12);
    assertEquals(12, r.vqaAccuracy().n());
    EvalResult.Inputs in = r.inputs().orElseThrow();
    assertEquals(f[1].toAbsolutePath().normalize(), in.predictions());
    assertEquals(eval.getAsJsonObject("inputs").get("predictions").getAsString(), in.predictions().toString());
    assertEquals("validation", in.split());
    assertTrue(eval.getAsJsonObject("inputs").get("green_model").isJsonNull());
    assertFalse(r.comparison().isPresent());

    // the reader gives the same typed values from the file alone
    EvalResult back = EvalResult.read(out.resolve("eval.json"));
    assertTypedValues(m, back);
    assertEquals(r.cases(), back.cases());
    assertEquals(r.resamples(), back.resamples());
    assertEquals(r.seed(), back.seed());
    assertEquals(r.notes(), back.notes());
    assertEquals(r.counts(), back.counts());
    assertEquals(in, back.inputs().orElseThrow());
    assertEquals(out.toAbsolutePath(), back.directory().orElseThrow());
    // and writes the same eval.json again
    assertEquals(Files.readString(out.resolve("eval.json")), new GsonBuilder().setPrettyPrinting().serializeNulls()
        .create().toJson(back.toJson()) + "\n");
  }

  @Test
  void comparisonIsTypedToo() throws Exception {
    Path[] a = write(tmp.resolve("a"), false);
    Path[] b = write(tmp.resolve("b"), true);
    Evaluation.Settings s = Evaluation.Settings.of(a[0]).withBootstrap(100, 3).withMeteor(false);
    EvalResult first = Evaluation.evaluate(a[1], s, null);
    Path evalA = first.directory().orElseThrow().resolve("eval.json");
    // B (perfect) against A's eval.json: the predictions file is found from its inputs
    Path out = tmp.resolve("outB");
    EvalResult r = Evaluation.evaluate(b[1], s.withCompareEval(evalA).withOut(out), null);
    PairedComparison c = r.comparison().orElseThrow();
    assertEquals(b[1].toAbsolutePath().normalize(), c.a());
    assertEquals(a[1].toAbsolutePath().normalize(), c.b());
    assertEquals(4, c.cases());
    JsonObject cm = json(out.resolve("eval.json")).getAsJsonObject("comparison").getAsJsonObject("metrics");
    for (Evaluator.Comparison x : List.of(c.findingF1(), c.vqaAccuracy(), c.vqaAccuracy("presence"),
        c.reportMetric(ReportMetric.BLEU_1), c.findingF1(Region.ABDOMEN))) {
      JsonObject o = cm.getAsJsonObject(x.metric());
      assertEquals(num(o, "a"), x.result().a(), 0.0, x.metric());
      assertEquals(num(o, "difference"), x.result().difference(), 0.0, x.metric());
      assertEquals(num(o, "lo"), x.result().lo(), 0.0, x.metric());
      assertEquals(o.get("verdict").getAsString(), x.result().verdict());
    }
    assertEquals(1.0, c.vqaAccuracy().result().a(), 1e-12);
    assertEquals(r.vqaAccuracy().value(), c.vqaAccuracy().result().a(), 0.0);
    assertEquals(first.vqaAccuracy().value(), c.vqaAccuracy().result().b(), 0.0);
    assertEquals("not compared", c.reportMetric(ReportMetric.GREEN).result().verdict());
    // read back
    PairedComparison back = EvalResult.read(out.resolve("eval.json")).comparison().orElseThrow();
    assertEquals(c, back);
  }

  @Test
  void errorsNameTheSettings() throws Exception {
    Path[] f = write(tmp.resolve("a"), false);
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> Evaluation.Settings.of(f[0]).withBootstrap(0, 1));
    assertTrue(e.usage());
    assertEquals(List.of("bootstrap"), e.settings());
    assertEquals("bootstrap must be at least 1, got 0", e.getMessage());
    assertEquals("--bootstrap must be at least 1, got 0", e.message(s -> "--" + s));

    e = assertThrows(InvalidSettingException.class, () -> Evaluation.evaluate(tmp.resolve("none.jsonl"),
        Evaluation.Settings.of(f[0]), null));
    assertFalse(e.usage());
    assertEquals(List.of("predictions"), e.settings());
    assertTrue(e.getMessage().startsWith("predictions: ") && e.getMessage().contains("does not exist"),
        e.getMessage());

    e = assertThrows(InvalidSettingException.class, () -> Evaluation.evaluate(f[1],
        Evaluation.Settings.of(f[0]).withSplit("test"), null));
    assertEquals(List.of("split"), e.settings());
    assertTrue(e.getMessage().contains("no 'test' list"), e.getMessage());

    // a file name with braces is shown as is
    Path odd = Files.copy(f[1], tmp.resolve("{predictions}.jsonl"));
    Files.writeString(odd, "{\"case_id\": \"amos_0009\", \"region\": \"chest\", \"prediction\": \"x\"}\n");
    e = assertThrows(InvalidSettingException.class, () -> Evaluation.evaluate(odd, Evaluation.Settings.of(f[0]),
        null));
    assertEquals(List.of("predictions", "data", "split"), e.settings());
    String msg = e.message(s -> Map.of("predictions", "--predictions", "data", "--data", "split", "--split").get(s));
    assertTrue(msg.startsWith("--predictions: " + odd + ": case 'amos_0009' is not in the dataset's list"), msg);
    assertTrue(msg.endsWith("check --data and --split)"), msg);
  }
}
