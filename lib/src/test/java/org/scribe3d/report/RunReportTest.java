package org.scribe3d.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
  @Test
  void curvesSeparateTrainingStepsFromValidation(@TempDir Path dir) throws IOException {
    Path m = dir.resolve("metrics.jsonl");
    Files.writeString(m, """
        {"step":1,"loss":4.0,"lr":0.001}
        {"step":2,"loss":2.0,"lr":0.002}

        {"step":2,"kind":"validation","val_loss":2.5,"vqa_accuracy":0.25}
        {"step":3,"loss":3.0,"lr":0.001}
        """);
    RunReport.Curves c = RunReport.curves(m);
    assertArrayEquals(new double[] {1, 2, 3}, c.steps());
    assertArrayEquals(new double[] {4, 2, 3}, c.loss());
    assertArrayEquals(new double[] {2}, c.valSteps());
    assertArrayEquals(new double[] {0.25}, c.valVqa());
    Files.writeString(m, "{\"step\":1,\"loss\":4.0}\nnot json\n");
    IOException e = assertThrows(IOException.class, () -> RunReport.curves(m));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void runningMeanIsTrailing() {
    assertArrayEquals(new double[] {1, 1.5, 2.5, 3.5}, RunReport.runningMean(new double[] {1, 2, 3, 4}, 2), 1e-12);
  }

  @Test
  void metricsAreReadFromEvalJson() {
    JsonObject e = JsonParser.parseString("""
        {"metrics":{"vqa.all.accuracy":{"value":0.5,"lo":0.4,"hi":0.6,"n":10},
         "vqa.type.count.accuracy":{"value":0.75,"lo":0.5,"hi":1.0,"n":4},
         "findings.pelvis.f1":{"value":null,"lo":null,"hi":null,"n":0}}}""").getAsJsonObject();
    assertEquals(0.5, RunReport.metric(e, "vqa.all.accuracy"));
    assertTrue(Double.isNaN(RunReport.metric(e, "findings.pelvis.f1")));
    assertTrue(Double.isNaN(RunReport.metric(e, "no.such.metric")));
    assertArrayEquals(new double[] {0.4, 0.6}, RunReport.interval(e, "vqa.all.accuracy"));
    assertEquals(Map.of("count", 0.75), RunReport.metricsBetween(e, "vqa.type.", ".accuracy"));
  }
}
