package org.scribe3d.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;
import org.scribe3d.data.Region;

class EvaluatorTest {
  @TempDir Path tmp;

  static final String[] SENTENCES = {
      "Small left pleural effusion.", "No pleural effusion.", "A 5 mm nodule in the right upper lobe.",
      "The heart is enlarged.", "Liver is normal in size.", "Simple cyst in the left kidney (1.2 cm).",
      "Mild ascites.", "Spleen is enlarged, 14 cm.", "The bladder wall is thickened.", "No pelvic lymphadenopathy.",
      "Hepatomegaly with a 2 cm lesion in segment 7.", "Unremarkable."};

  /** Synthetic predictions: case i, region r; the prediction shares part of the reference. */
  static Predictions synthetic(int cases, boolean degrade) {
    List<Predictions.Report> reports = new ArrayList<>();
    List<Predictions.Vqa> vqa = new ArrayList<>();
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(cases);
    for (int i = 0; i < cases; i++) {
      for (Region r : Region.values()) {
        String ref = i % 7 == 3 && r == Region.PELVIS ? "" : SENTENCES[(i + r.ordinal() * 5) % SENTENCES.length] + " "
            + SENTENCES[(i * 3 + r.ordinal()) % SENTENCES.length];
        String pred = rnd.nextDouble() < (degrade ? 0.2 : 0.6) ? ref : SENTENCES[rnd.nextInt(SENTENCES.length)];
        reports.add(new Predictions.Report("case" + i, r, pred, ref));
      }
      for (int q = 0; q < 3; q++) {
        String ans = "ABCD".substring((i + q) % 4, (i + q) % 4 + 1);
        String pred = rnd.nextDouble() < (degrade ? 0.3 : 0.7) ? ans + ". x" : "D";
        vqa.add(new Predictions.Vqa("case" + i, q, q == 0 ? "presence" : "location", pred, ans));
      }
    }
    return new Predictions(reports, vqa);
  }

  /** A keyword extractor standing in for the text package's. */
  static final Function<String, List<Finding>> EXTRACTOR = text -> {
    List<Finding> out = new ArrayList<>();
    String t = text.toLowerCase();
    if (t.contains("pleural effusion")) {
      out.add(new Finding(FindingType.PLEURAL_EFFUSION, t.contains("left") ? "left" : null, null, null, null,
          t.contains("no pleural")));
    }
    if (t.contains("nodule")) {
      out.add(Finding.of(FindingType.LUNG_NODULE));
    }
    if (t.contains("ascites")) {
      out.add(Finding.of(FindingType.ASCITES));
    }
    if (t.contains("bladder wall")) {
      out.add(Finding.of(FindingType.BLADDER_WALL_THICKENING));
    }
    return out;
  };

  @Test
  void everyMetricWithIntervalAndNoJudgeNote() {
    Predictions p = synthetic(20, false);
    EvalResult r = Evaluator.evaluate(p, new Evaluator.Options().resamples(200).findingExtractor(EXTRACTOR));
    for (String region : List.of("chest", "abdomen", "pelvis", "all")) {
      for (String m : List.of("bleu_1", "bleu_2", "bleu_3", "bleu_4", "rouge_l", "cider", "meteor")) {
        EvalResult.Metric x = r.metric("report." + region + "." + m);
        assertNotNull(x, region + " " + m);
        assertTrue(x.lo() <= x.value() + 1e-12 && x.value() <= x.hi() + 1e-12, x.toString());
      }
    }
    assertNull(r.metric("report.all.green"));
    assertEquals(1, r.notes().stream().filter(n -> n.startsWith("GREEN not computed")).count());
    assertNotNull(r.metric("vqa.all.accuracy"));
    assertNotNull(r.metric("vqa.type.presence.accuracy"));
    assertNotNull(r.metric("findings.chest.f1"));
    assertNotNull(r.metric("findings.type.pleural_effusion.recall"));
    // empty pelvis references are skipped (cases 3, 10, 17)
    assertEquals(3, r.counts().get("report_rows_skipped_empty_reference"));
    assertEquals(57, r.metric("report.all.bleu_4").n());
    // the chest corpus figures equal scoring the chest rows directly
    List<String> h = new ArrayList<>();
    List<List<String>> refs = new ArrayList<>();
    for (Predictions.Report x : p.reports()) {
      if (x.region() == Region.CHEST) {
        h.add(x.prediction());
        refs.add(List.of(x.reference()));
      }
    }
    CocoCorpus c = CocoCorpus.fromRawText(h, refs);
    assertEquals(c.bleu(null)[3], r.metric("report.chest.bleu_4").value(), 1e-12);
    assertEquals(c.cider(null), r.metric("report.chest.cider").value(), 1e-12);
    assertEquals(c.meteor(null), r.metric("report.chest.meteor").value(), 1e-12);
    // VQA accuracy is the plain fraction on all questions
    long ok = p.vqa().stream().filter(q -> VqaAccuracy.correct(q.prediction(), q.answer())).count();
    assertEquals(ok / 60.0, r.metric("vqa.all.accuracy").value(), 1e-12);
  }

  @Test
  void findingMetricsWithTheTextPackagesExtractor() {
    Predictions p = new Predictions(List.of(
        new Predictions.Report("c1", Region.CHEST, "Small left pleural effusion. No pneumothorax.",
            "Small left pleural effusion. A 5 mm nodule in the right upper lobe."),
        new Predictions.Report("c2", Region.CHEST, "Cardiomegaly.", "No pleural effusion.")), List.of());
    EvalResult r = Evaluator.evaluate(p, new Evaluator.Options().resamples(20).meteor(false)
        .findingExtractor(org.scribe3d.text.FindingExtractor::extract));
    // c1: effusion matched, nodule missed; c2: cardiomegaly is a false positive, the negated effusion is ignored
    assertEquals(0.5, r.metric("findings.chest.precision").value(), 1e-12);
    assertEquals(0.5, r.metric("findings.chest.recall").value(), 1e-12);
    assertEquals(1.0, r.metric("findings.type.pleural_effusion.recall").value(), 1e-12);
    assertEquals(0.0, r.metric("findings.type.lung_nodule.recall").value(), 1e-12);
  }

  /** The hints a prompt carried are scored alone, per region, as the reports are; a malformed hint is an error. */
  @Test
  void hintFindingsAreScoredAloneInTheirRegion() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("hints", ".jsonl");
    java.nio.file.Files.writeString(f, String.join("\n",
        "{\"case_id\":\"c1\",\"region\":\"chest\",\"prediction\":\"Cardiomegaly.\","
            + "\"reference\":\"Small left pleural effusion. A 5 mm nodule in the right upper lobe.\","
            + "\"hint\":\"Image findings: pleural effusion (left), lung nodule (left upper lobe), ascites.\"}",
        "{\"case_id\":\"c1\",\"region\":\"abdomen\",\"prediction\":\"Normal.\",\"reference\":\"Ascites.\","
            + "\"hint\":\"Image findings: pleural effusion (left), lung nodule (left upper lobe), ascites.\"}"));
    Predictions p = Predictions.read(f);
    assertEquals("Image findings: pleural effusion (left), lung nodule (left upper lobe), ascites.",
        p.reports().get(0).hint());
    EvalResult r = Evaluator.evaluate(p, new Evaluator.Options().resamples(20).meteor(false)
        .findingExtractor(org.scribe3d.text.FindingExtractor::extract));
    // chest: effusion matched, nodule in the wrong lobe (fp + fn); abdomen: ascites matched -> tp 2, fp 1, fn 1
    assertEquals(2.0 / 3, r.metric("hint_findings.all.precision").value(), 1e-12);
    assertEquals(2.0 / 3, r.metric("hint_findings.all.recall").value(), 1e-12);
    assertEquals(0.0, r.metric("findings.all.recall").value(), 1e-12); // the reports said none of it
    Predictions bad = new Predictions(List.of(new Predictions.Report("c1", Region.CHEST, "x", "Ascites.",
        "Image findings: a tumour.")), List.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Evaluator.evaluate(bad,
        new Evaluator.Options().resamples(5).meteor(false).findingExtractor(org.scribe3d.text.FindingExtractor::extract)));
    assertTrue(e.getMessage().startsWith("case 'c1' region chest: finding hint"), e.getMessage());
    // without hints there is no such metric
    Predictions none = new Predictions(List.of(new Predictions.Report("c1", Region.CHEST, "x", "Ascites.")), List.of());
    assertTrue(Evaluator.evaluate(none, new Evaluator.Options().resamples(5).meteor(false)
        .findingExtractor(org.scribe3d.text.FindingExtractor::extract)).metrics().stream()
        .noneMatch(m -> m.name().startsWith("hint_")));
  }

  @Test
  void greenPerRegionThenMeanAndUnparseableCounted() {
    Predictions p = synthetic(8, false);
    // judge: 1 matched + errors depending on the candidate length; every 5th response is garbage
    int[] calls = {0};
    GreenJudge judge = chat -> {
      assertTrue(chat.startsWith("<|user|>\nObjective: Evaluate the accuracy"));
      int k = calls[0]++;
      if (k % 5 == 4) {
        return "I am unable to compare these reports.";
      }
      return "[Explanation]:\nx\n\n[Clinically Significant Errors]:\n(a) False report of a finding in the candidate: "
          + (k % 3) + ". y.\n(b) Missing a finding present in the reference: 0.\n\n[Matched Findings]:\n2. z.";
    };
    EvalResult r = Evaluator.evaluate(p, new Evaluator.Options().resamples(100).greenJudge(judge).meteor(false));
    int rows = r.counts().get("report_rows");
    assertEquals(rows, calls[0]);
    assertEquals(rows / 5, r.counts().get("green_unparseable"));
    double chest = r.metric("report.chest.green").value();
    double abd = r.metric("report.abdomen.green").value();
    double pel = r.metric("report.pelvis.green").value();
    assertEquals((chest + abd + pel) / 3, r.metric("report.all.green").value(), 1e-12);
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("unparseable")));
    assertTrue(r.perCaseCsv().contains("unparseable judge response"));
  }

  @Test
  void writesJsonCsvAndSelfContainedHtml() throws IOException {
    EvalResult r = Evaluator.evaluate(synthetic(10, false), new Evaluator.Options().resamples(50).meteor(false));
    Path out = tmp.resolve("run/eval");
    r.write(out);
    JsonObject j = JsonParser.parseString(Files.readString(out.resolve("eval.json"))).getAsJsonObject();
    assertEquals(10, j.get("cases").getAsInt());
    JsonObject b4 = j.getAsJsonObject("metrics").getAsJsonObject("report.all.bleu_4");
    assertTrue(b4.has("value") && b4.has("lo") && b4.has("hi"));
    List<String> csv = Files.readAllLines(out.resolve("per_case.csv"));
    assertEquals(11, csv.size());
    assertTrue(csv.get(0).startsWith("case_id,chest_bleu_1,"), csv.get(0));
    assertTrue(csv.get(0).endsWith("vqa_correct,vqa_total"), csv.get(0));
    String html = Files.readString(out.resolve("summary.html"));
    assertTrue(html.contains("<svg") && html.contains("Report metrics") && html.contains("VQA accuracy"));
    assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href="));
    try (var files = Files.list(out)) {
      assertEquals(3, files.count()); // no temp files left behind
    }
  }

  @Test
  void pairedComparison() {
    Predictions a = synthetic(30, false);
    Predictions b = synthetic(30, true);
    Evaluator.Options o = new Evaluator.Options().resamples(300).meteor(false);
    Map<String, Bootstrap.Paired> byName = new java.util.HashMap<>();
    for (Evaluator.Comparison c : Evaluator.compare(a, b, o)) {
      byName.put(c.metric(), c.result());
    }
    assertEquals("A better", byName.get("report.all.bleu_4").verdict());
    assertEquals("A better", byName.get("vqa.all.accuracy").verdict());
    JsonObject j = Evaluator.comparisonsToJson(Evaluator.compare(a, b, o));
    assertEquals("A better", j.getAsJsonObject("report.all.bleu_4").get("verdict").getAsString());
    assertTrue(j.getAsJsonObject("report.all.bleu_4").get("difference").getAsDouble() > 0);
    for (Evaluator.Comparison c : Evaluator.compare(a, a, o)) {
      assertEquals("no significant difference", c.result().verdict(), c.metric());
      assertEquals(0.0, c.result().difference(), 0);
    }
  }

  @Test
  void referencesFromTheDatasetAndMissingReferenceError() {
    Predictions p = new Predictions(List.of(new Predictions.Report("c1", Region.CHEST, "Small effusion.", null)),
        List.of());
    EvalResult r = Evaluator.evaluate(p, new Evaluator.Options().resamples(10).references(
        Map.of("c1", Map.of(Region.CHEST, "Small left effusion."))));
    assertEquals(1, r.metric("report.chest.rouge_l").n());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Evaluator.evaluate(p, new Evaluator.Options().resamples(10)));
    assertTrue(e.getMessage().contains("no reference report for case 'c1' region chest"), e.getMessage());
  }

  @Test
  void predictionsReaderWithLineNumberedErrors() throws IOException {
    Path f = tmp.resolve("pred.jsonl");
    Files.writeString(f, "{\"case_id\":\"a\",\"region\":\"chest\",\"prediction\":\"x\",\"reference\":\"y\"}\n\n"
        + "{\"case_id\":\"a\",\"question_index\":0,\"type\":\"presence\",\"prediction\":\"B\",\"answer\":\"B\"}\n");
    Predictions p = Predictions.read(f);
    assertEquals(1, p.reports().size());
    assertEquals(1, p.vqa().size());
    assertError(f, "{\"case_id\":\"a\",\"region\":\"chest\",\"prediction\":\"x\"}\n{oops\n", "line 2: not valid JSON");
    assertError(f, "{\"case_id\":\"a\",\"region\":\"chest\"}\n", "line 1: missing field 'prediction'");
    assertError(f, "{\"case_id\":\"a\",\"region\":\"neck\",\"prediction\":\"x\"}\n", "line 1: unknown region 'neck'");
    assertError(f, "{\"case_id\":\"a\",\"region\":\"chest\",\"prediction\":\"x\"}\n"
        + "{\"case_id\":\"a\",\"region\":\"Chest\",\"prediction\":\"y\"}\n", "line 2: duplicate prediction");
    assertError(f, "{\"case_id\":\"a\",\"question_index\":1.5,\"type\":\"t\",\"prediction\":\"A\",\"answer\":\"A\"}\n",
        "line 1: field 'question_index' must be a non-negative integer");
    assertError(f, "{\"case_id\":\"a\",\"prediction\":\"x\"}\n", "line 1: neither a report line");
    assertError(f, "{\"case_id\":7,\"region\":\"chest\",\"prediction\":\"x\"}\n", "field 'case_id' must be a string");
    assertError(f, "\n\n", "no predictions");
  }

  private static void assertError(Path f, String content, String expected) throws IOException {
    Files.writeString(f, content);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Predictions.read(f));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
  }
}
