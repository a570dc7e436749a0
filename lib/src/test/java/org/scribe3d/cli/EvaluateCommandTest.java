package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.eval.LlamaGreenJudgeTest;

class EvaluateCommandTest {
  @TempDir Path tmp;

  private static JsonObject json(Path p) throws Exception {
    return JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
  }

  private static void assertOneErrorLine(CliTestSupport.Result r, String... parts) {
    assertEquals(1, r.exitCode(), r.err());
    List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one error line expected: " + r.err());
    assertTrue(lines.get(0).startsWith("error: "), r.err());
    for (String p : parts) {
      assertTrue(lines.get(0).contains(p), "'" + p + "' not in: " + lines.get(0));
    }
  }

  @Test
  void everyMetricWithItsInterval() throws Exception {
    EvaluateFixture.Written f = EvaluateFixture.write(tmp.resolve("d"), 3, 5, 3);
    Path out = tmp.resolve("out");
    CliTestSupport.Result r = CliTestSupport.run("evaluate", "--predictions", f.predictions().toString(), "--data",
        f.dataset().toString(), "--bootstrap", "200", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("GREEN skipped"), r.err());
    assertTrue(r.out().contains("report.all.bleu_4") && r.out().contains("vqa.all.accuracy"), r.out());
    JsonObject eval = json(out.resolve("eval.json"));
    JsonObject m = eval.getAsJsonObject("metrics");
    List<String> expected = new ArrayList<>();
    for (String scope : List.of("chest", "abdomen", "pelvis", "all")) {
      for (String k : List.of("bleu_1", "bleu_2", "bleu_3", "bleu_4", "rouge_l", "cider", "meteor")) {
        expected.add("report." + scope + "." + k);
      }
    }
    expected.addAll(List.of("findings.all.precision", "findings.all.recall", "findings.all.f1", "vqa.all.accuracy"));
    for (String k : expected) {
      JsonObject o = m.getAsJsonObject(k);
      assertNotNull(o, k + " missing from eval.json: " + m.keySet());
      for (String b : List.of("value", "lo", "hi")) {
        assertFalse(o.get(b).isJsonNull(), k + "." + b + " is null");
      }
      double v = o.get("value").getAsDouble();
      assertTrue(o.get("lo").getAsDouble() <= v + 1e-12 && v <= o.get("hi").getAsDouble() + 1e-12, k + ": " + o);
    }
    assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("vqa.type.")), m.keySet().toString());
    assertTrue(m.keySet().stream().noneMatch(k -> k.endsWith(".green")));
    // VQA accuracy recomputed independently from the files
    int right = 0;
    int total = 0;
    for (String line : Files.readAllLines(f.predictions())) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      if (o.has("question_index")) {
        total++;
        right += o.get("prediction").getAsString().charAt(0) == o.get("answer").getAsString().charAt(0) ? 1 : 0;
      }
    }
    assertEquals(15, total);
    assertEquals((double) right / total, m.getAsJsonObject("vqa.all.accuracy").get("value").getAsDouble(), 1e-12);
    assertEquals(200, eval.getAsJsonObject("bootstrap").get("resamples").getAsInt());
    assertEquals(f.predictions().toAbsolutePath().normalize().toString(),
        eval.getAsJsonObject("inputs").get("predictions").getAsString());
    String csv = Files.readString(out.resolve("per_case.csv"));
    assertEquals(4, csv.lines().count(), csv);
    assertTrue(csv.startsWith("case_id,"), csv);
    assertTrue(Files.readString(out.resolve("summary.html")).contains("<table"));
    assertFalse(r.err().contains("have no predictions"), r.err());

    // only the first case predicted: the other two are named as unscored, on one line
    Path one = tmp.resolve("one.jsonl");
    Files.write(one, Files.readAllLines(f.predictions()).stream().filter(l -> l.contains("amos_0000")).toList());
    r = CliTestSupport.run("evaluate", "--predictions", one.toString(), "--data", f.dataset().toString(),
        "--bootstrap", "20", "--no-meteor", "--out", tmp.resolve("one").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("2 of the 3 cases of the validation split have no predictions"), r.err());
    assertEquals(1, json(tmp.resolve("one/eval.json")).get("cases").getAsInt());
  }

  @Test
  void defaultOutputIsNextToThePredictionsAndCompareWorks() throws Exception {
    EvaluateFixture.Written f = EvaluateFixture.write(tmp.resolve("a"), 3, 2, 5);
    CliTestSupport.Result r = CliTestSupport.run("evaluate", "--predictions", f.predictions().toString(), "--data",
        f.dataset().toString(), "--bootstrap", "100", "--no-meteor");
    assertEquals(0, r.exitCode(), r.err());
    Path evalA = f.predictions().resolveSibling("eval.json");
    assertTrue(Files.exists(evalA));
    // run B: the references themselves as predictions (a perfect system)
    EvaluateFixture.Written g = EvaluateFixture.write(tmp.resolve("b"), 3, 2, 5);
    JsonObject ds = json(g.dataset());
    List<String> perfect = new ArrayList<>();
    for (JsonElement e : ds.getAsJsonArray("validation")) {
      JsonObject item = e.getAsJsonObject();
      String id = item.get("image").getAsString().replaceAll(".*/|\\.nii\\.gz$", "");
      JsonObject fi = item.getAsJsonObject("labels").getAsJsonObject("report").getAsJsonObject("findings");
      for (String reg : fi.keySet()) {
        JsonObject o = new JsonObject();
        o.addProperty("case_id", id);
        o.addProperty("region", reg);
        o.addProperty("prediction", fi.get(reg).getAsString());
        perfect.add(o.toString());
      }
    }
    Files.write(g.predictions(), perfect);
    Path outB = tmp.resolve("outB");
    r = CliTestSupport.run("evaluate", "--predictions", g.predictions().toString(), "--data", f.dataset().toString(),
        "--bootstrap", "100", "--no-meteor", "--compare", evalA.toString(), "--out", outB.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("paired bootstrap"), r.out());
    JsonObject cmp = json(outB.resolve("eval.json")).getAsJsonObject("comparison").getAsJsonObject("metrics");
    JsonObject bleu = cmp.getAsJsonObject("report.all.bleu_1");
    assertEquals(1.0, bleu.get("a").getAsDouble(), 1e-9);
    assertTrue(bleu.get("difference").getAsDouble() > 0);
    // the same through --compare-predictions
    r = CliTestSupport.run("evaluate", "--predictions", g.predictions().toString(), "--data", f.dataset().toString(),
        "--bootstrap", "100", "--no-meteor", "--compare-predictions", f.predictions().toString(), "--out",
        tmp.resolve("outC").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(bleu.toString(), json(tmp.resolve("outC/eval.json")).getAsJsonObject("comparison")
        .getAsJsonObject("metrics").getAsJsonObject("report.all.bleu_1").toString());
  }

  @Test
  void badInputsAreOneErrorLine() throws Exception {
    EvaluateFixture.Written f = EvaluateFixture.write(tmp.resolve("d"), 3, 2, 9);
    String data = f.dataset().toString();
    assertOneErrorLine(CliTestSupport.run("evaluate", "--predictions", tmp.resolve("missing.jsonl").toString(),
        "--data", data), "missing.jsonl", "does not exist");
    assertOneErrorLine(CliTestSupport.run("evaluate", "--predictions", f.predictions().toString(),
        "--data", tmp.resolve("nodata.json").toString()), "nodata.json", "does not exist");
    assertOneErrorLine(CliTestSupport.run("evaluate", "--predictions", f.predictions().toString(),
        "--data", data, "--split", "test"), "no 'test' list");

    Path unknown = tmp.resolve("unknown.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(f.predictions()));
    lines.add("{\"case_id\": \"amos_9999\", \"region\": \"chest\", \"prediction\": \"x\"}");
    Files.write(unknown, lines);
    assertOneErrorLine(CliTestSupport.run("evaluate", "--predictions", unknown.toString(), "--data", data),
        "unknown.jsonl", "amos_9999", "not in the dataset");

    Path malformed = tmp.resolve("malformed.jsonl");
    lines = new ArrayList<>(Files.readAllLines(f.predictions()));
    lines.add(2, "{\"case_id\": \"amos_0000\", \"region\": ");
    Files.write(malformed, lines);
    assertOneErrorLine(CliTestSupport.run("evaluate", "--predictions", malformed.toString(), "--data", data),
        "malformed.jsonl line 3", "not valid JSON");

    Path wrongAnswer = tmp.resolve("wrong.jsonl");
    Files.writeString(wrongAnswer, "{\"case_id\": \"amos_0000\", \"question_index\": 7, \"type\": \"t\","
        + " \"prediction\": \"A\", \"answer\": \"A\"}\n");
    assertOneErrorLine(CliTestSupport.run("evaluate", "--predictions", wrongAnswer.toString(), "--data", data),
        "question_index 7", "out of range");

    Path otherAnswer = tmp.resolve("answer.jsonl");
    JsonObject q0 = json(f.dataset()).getAsJsonArray("validation").get(0).getAsJsonObject()
        .getAsJsonObject("labels").getAsJsonArray("qa").get(0).getAsJsonObject();
    String wrong = q0.get("answer").getAsString().equals("A") ? "B" : "A";
    Files.writeString(otherAnswer, "{\"case_id\": \"amos_0000\", \"question_index\": 0, \"type\": \"t\","
        + " \"prediction\": \"A\", \"answer\": \"" + wrong + "\"}\n");
    assertOneErrorLine(CliTestSupport.run("evaluate", "--predictions", otherAnswer.toString(), "--data", data),
        "answer.jsonl", "differs from the dataset's answer " + q0.get("answer").getAsString());

    Path badData = tmp.resolve("bad.json");
    Files.writeString(badData, "{\"validation\": [{\"labels\": {}}]}");
    assertOneErrorLine(CliTestSupport.run("evaluate", "--predictions", f.predictions().toString(), "--data",
        badData.toString()), "bad.json: validation[0]", "missing 'image'");

    assertOneErrorLine(CliTestSupport.run("evaluate", "--predictions", f.predictions().toString(), "--data", data,
        "--compare", data), "does not record its predictions file", "--compare-predictions");
    assertOneErrorLine(CliTestSupport.run("evaluate", "--predictions", f.predictions().toString(), "--data", data,
        "--green-model", tmp.resolve("nojudge").toString()), "nojudge", "does not exist");
  }

  @Test
  void greenJudgePathEndToEndOnARandomLlama2() throws Exception {
    EvaluateFixture.Written f = EvaluateFixture.write(tmp.resolve("d"), 2, 1, 11);
    Path judge = LlamaGreenJudgeTest.llama2Judge(Files.createDirectories(tmp.resolve("judge")));
    Path out = tmp.resolve("out");
    CliTestSupport.Result r = CliTestSupport.run("evaluate", "--predictions", f.predictions().toString(), "--data",
        f.dataset().toString(), "--bootstrap", "50", "--no-meteor", "--green-model", judge.toString(),
        "--green-max-new-tokens", "16", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(1, r.err().lines().filter(l -> l.contains("no tokenizer.json")).count(), r.err());
    JsonObject eval = json(out.resolve("eval.json"));
    int rows = eval.getAsJsonObject("counts").get("report_rows").getAsInt();
    int unparseable = eval.getAsJsonObject("counts").get("green_unparseable").getAsInt();
    assertTrue(rows > 0 && unparseable >= 0 && unparseable <= rows);
    assertTrue(r.err().contains("GREEN: judging " + rows + " report rows"), r.err());
    assertTrue(r.err().contains("GREEN " + rows + "/" + rows + " rows"), r.err());
    JsonObject m = eval.getAsJsonObject("metrics");
    if (unparseable < rows) {
      assertNotNull(m.getAsJsonObject("report.all.green"), m.keySet().toString());
    } else {
      assertTrue(eval.getAsJsonArray("notes").toString().contains(unparseable + " of " + rows), eval.toString());
      assertTrue(r.out().contains("unparseable"), r.out());
    }
    String csv = Files.readString(out.resolve("per_case.csv"));
    assertTrue(csv.contains("green"), csv);
  }
}
