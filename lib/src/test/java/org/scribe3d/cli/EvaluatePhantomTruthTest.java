package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.Region;
import org.scribe3d.data.Split;
import org.scribe3d.phantom.PhantomDataset;
import org.scribe3d.phantom.SizePreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a phantom dataset, evaluate scores findings against ground_truth.json. */
class EvaluatePhantomTruthTest {
  @Test
  void findingsAreScoredAgainstGroundTruth(@TempDir Path dir) throws Exception {
    PhantomDataset.write(dir, 10, 5, 0.5, SizePreset.SMALL, null);
    Dataset ds = DatasetLoader.load(dir.resolve("dataset.json"), DatasetLoader.Options.defaults());
    List<String> lines = new ArrayList<>();
    for (Case c : ds.split(Split.VALIDATION)) {
      for (Region r : Region.values()) {
        String text = c.findings().getOrDefault(r, "");
        if (!text.isEmpty()) {
          JsonObject o = new JsonObject();
          o.addProperty("case_id", c.id());
          o.addProperty("region", r.key());
          o.addProperty("prediction", text); // a perfect report
          lines.add(o.toString());
        }
      }
    }
    Path pred = dir.resolve("pred.jsonl");
    Files.write(pred, lines, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    CliTestSupport.Result r = CliTestSupport.run("evaluate", "--predictions", pred.toString(), "--data",
        dir.resolve("dataset.json").toString(), "--bootstrap", "50", "--no-meteor", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("against " + dir.resolve("ground_truth.json").toAbsolutePath()), r.err());
    JsonObject m = JsonParser.parseString(Files.readString(out.resolve("eval.json"))).getAsJsonObject()
        .getAsJsonObject("metrics");
    assertEquals(1.0, m.getAsJsonObject("findings.all.f1").get("value").getAsDouble(), 1e-12, m.toString());
  }
}
