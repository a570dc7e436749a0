package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end at toy size (a few cases, one short epoch): every step runs, the model and its
 * blind control are trained and evaluated, and summary.json / report.html carry the figures the
 * README promises. The learning itself is measured at full size by `scribe3d demo` (docs/demo.md).
 */
class DemoCommandTest {
  @Test
  void demoTrainsEvaluatesAndWritesSummaryAndReport(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("demo");
    CliTestSupport.Result r = CliTestSupport.run("demo", "--out", out.toString(), "--cases", "10", "--seed", "3",
        "--epochs", "1", "--threads", "2", "--bootstrap", "20", "--blind-control");
    assertEquals(0, r.exitCode(), r.err());
    JsonObject s = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
    for (String k : new String[] {"vqa_accuracy", "finding_f1", "train_minutes", "blind_vqa_accuracy",
        "blind_finding_f1"}) {
      assertTrue(s.has(k), k + " missing from " + s);
    }
    double vqa = s.get("vqa_accuracy").getAsDouble();
    assertTrue(vqa >= 0 && vqa <= 1, "vqa " + vqa);
    assertTrue(s.get("train_minutes").getAsDouble() > 0);
    assertEquals(6, s.getAsJsonArray("steps").size());
    assertTrue(Files.exists(out.resolve("run/model/model.safetensors")));
    assertTrue(Files.exists(out.resolve("blind/eval/eval.json")));
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("Training loss") && html.contains("Finding F1 per region")
        && html.contains("VQA accuracy by question type") && html.contains("data:image/png;base64"), "report sections");
    assertTrue(r.out().contains("VQA accuracy") && r.out().contains("blind control"), r.out());
  }

  @Test
  void tooFewCasesIsOneErrorLine(@TempDir Path dir) {
    CliTestSupport.Result r = CliTestSupport.run("demo", "--out", dir.resolve("d").toString(), "--cases", "0");
    assertTrue(r.exitCode() != 0);
    assertTrue(r.err().startsWith("error: "), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }
}
