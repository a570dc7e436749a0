package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @Test
  void demoRunsEveryStepAndWritesSummary(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("demo");
    CliTestSupport.Result r = CliTestSupport.run("demo", "--out", out.toString(), "--cases", "3", "--seed", "3");
    assertEquals(0, r.exitCode(), r.err());
    JsonObject s = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
    assertEquals(7, s.getAsJsonArray("steps").size());
    assertTrue(Files.size(out.resolve("preprocessed.nii.gz")) > 0);
    assertTrue(Files.exists(out.resolve("data/dataset.json")));
    assertTrue(r.out().contains("demo finished"), r.out());
  }

  @Test
  void tooFewCasesIsOneErrorLine(@TempDir Path dir) {
    CliTestSupport.Result r = CliTestSupport.run("demo", "--out", dir.resolve("d").toString(), "--cases", "0");
    assertTrue(r.exitCode() != 0);
    assertTrue(r.err().startsWith("error: "), r.err());
  }
}
