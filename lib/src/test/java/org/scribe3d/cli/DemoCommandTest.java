package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.run.RunDirectory;

/**
 * The demo end to end at toy size (a few cases, one short epoch): every step runs, the model and its
 * blind control are trained and evaluated, and summary.json / report.html carry the figures the
 * README promises; the run starts from the shipped pretrained encoder, frozen, with standardised image
 * tokens. The learning itself is measured at full size by `scribe3d demo` (docs/method.md).
 */
class DemoCommandTest {
  @Test
  void demoTrainsEvaluatesAndWritesSummaryAndReport(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("demo");
    // what an earlier demo leaves behind: a rerun replaces it instead of refusing the directory
    Files.createDirectories(out.resolve("run/checkpoints/step-00000732"));
    Files.createDirectories(out.resolve("blind"));
    Files.writeString(out.resolve("blind/old.txt"), "x", java.nio.file.StandardOpenOption.CREATE_NEW);
    CliTestSupport.Result r = CliTestSupport.run("demo", "--out", out.toString(), "--cases", "10", "--seed", "3",
        "--epochs", "1", "--threads", "2", "--bootstrap", "20", "--blind-control");
    assertEquals(0, r.exitCode(), r.err());
    JsonObject s = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
    for (String k : new String[] {"vqa_accuracy", "finding_f1", "hint_finding_f1", "train_minutes",
        "blind_vqa_accuracy", "blind_finding_f1"}) {
      assertTrue(s.has(k), k + " missing from " + s);
    }
    double vqa = s.get("vqa_accuracy").getAsDouble();
    assertTrue(vqa >= 0 && vqa <= 1, "vqa " + vqa);
    assertTrue(s.get("train_minutes").getAsDouble() > 0);
    assertEquals(5, s.getAsJsonArray("steps").size()); // synth, train, evaluate, and the blind control's two
    assertTrue(Files.exists(out.resolve("run/model/model.safetensors")));
    assertTrue(s.get("vision_init").getAsString().endsWith("models/tiny-encoder.safetensors"), s.get("vision_init").toString());
    assertTrue(s.get("lm_init").getAsString().endsWith("models/tiny-lm"), s.get("lm_init").toString());
    Recipe model = RunDirectory.of(out.resolve("run")).readRecipe();
    Recipe blind = RunDirectory.of(out.resolve("blind")).readRecipe();
    assertTrue(model.freezeVision() && blind.freezeVision());
    // the pretrained language model is fine-tuned at the lower rate, both runs alike
    for (String run : new String[] {"run", "blind"}) {
      JsonObject train = JsonParser.parseString(Files.readString(out.resolve(run + "/train-config.json")))
          .getAsJsonObject().getAsJsonObject("train");
      assertEquals(1e-4, train.get("lr").getAsDouble(), 0.0, run);
    }
    assertTrue(org.scribe3d.model.multimodal.MultimodalConfig.load(out.resolve("run/model/config.json"))
        .standardizeTokens());
    assertTrue(Files.exists(out.resolve("blind/eval/eval.json")));
    // the model reads its encoder's diagnosis as a hint; the blind control gets nothing from the image
    assertTrue(model.prompts.findingHints && model.prompts.trueHints == 1.0 && !model.image.blind);
    assertTrue(Files.isRegularFile(out.resolve("run/finding-hints.json")));
    assertTrue(!blind.prompts.findingHints && blind.image.blind);
    // the run decodes as its recipe says: reports by minimum Bayes risk over 8 samples
    assertEquals(8, model.decoding.reportSamples());
    assertTrue(Files.notExists(out.resolve("blind/finding-hints.json")));
    assertTrue(Files.notExists(out.resolve("run/checkpoints/step-00000732")) && Files.notExists(out.resolve("blind/old.txt")));
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("Training loss") && html.contains("Finding F1 per region")
        && html.contains("VQA accuracy by question type") && html.contains("data:image/png;base64"), "report sections");
    assertTrue(r.out().contains("VQA accuracy") && r.out().contains("blind control"), r.out());
  }

  @Test
  void badArgumentsAreOneErrorLine(@TempDir Path dir) {
    String[][] bad = {{"--cases", "0"}, {"--set", "init.vision=" + dir.resolve("none.safetensors")},
        {"--set", "prompts.true_hints=1.5"}, {"--set", "init.language_model=" + dir.resolve("no-lm")},
        {"--set", "optim.lr=0"}, {"--set", "optim.lrr=1"}, {"--recipe", dir.resolve("none.json").toString()}};
    for (String[] b : bad) {
      java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("demo", "--out", dir.resolve("d").toString()));
      a.addAll(java.util.List.of(b));
      CliTestSupport.Result r = CliTestSupport.run(a.toArray(String[]::new));
      assertTrue(r.exitCode() != 0, String.join(" ", b));
      assertTrue(r.err().startsWith("error: "), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
    assertTrue(Files.notExists(dir.resolve("d").resolve("data")), "nothing is synthesised for bad arguments");
  }
}
