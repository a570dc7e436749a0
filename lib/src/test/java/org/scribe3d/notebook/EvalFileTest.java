package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

class EvalFileTest {
  @TempDir
  Path tmp;

  static final String EVAL = """
      {"format": "scribe3d-eval/1", "cases": 6,
       "metrics": {
         "findings.chest.f1": {"value": 0.5, "lo": 0.25, "hi": 0.75, "n": 6},
         "findings.all.precision": {"value": null, "lo": null, "hi": null, "n": 0},
         "vqa.all.accuracy": {"value": 0.3333333, "lo": null, "hi": null, "n": 12},
         "vqa.type.presence.accuracy": {"value": 0.5, "lo": 0.0, "hi": 1.0, "n": 4},
         "vqa.type.size.accuracy": {"value": 0.25, "lo": 0.0, "hi": 0.5, "n": 8}
       },
       "notes": ["GREEN not computed"],
       "comparison": {"note": "paired bootstrap", "metrics": {
         "findings.all.f1": {"a": 0.4, "b": 0.1, "difference": 0.3, "lo": 0.1, "hi": 0.5, "p_value": 0.02,
                             "verdict": "a better", "cases": 6, "resamples": 1000},
         "findings.pelvis.f1": {"a": null, "b": null, "difference": null, "lo": null, "hi": null, "p_value": null,
                                "verdict": "not computable", "cases": 0, "resamples": 1000}}}}
      """;

  private Path write(String name, String json) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("eval.json"), json);
    return dir;
  }

  @Test
  void metricsAreTypedWithIntervalsAndNaNForWhatIsMissing() throws Exception {
    EvalFile e = EvalFile.read(write("run", EVAL));
    assertEquals(6, e.cases());
    assertEquals(List.of("GREEN not computed"), e.notes());
    var f1 = e.metric("findings.chest.f1");
    assertEquals(0.5, f1.value());
    assertEquals(0.25, f1.lo());
    assertEquals(6, f1.n());
    assertTrue(Double.isNaN(e.value("findings.all.precision")));
    assertTrue(Double.isNaN(e.value("no.such.metric")));
    assertEquals("0.500 [0.250, 0.750]", e.withInterval("findings.chest.f1"));
    assertEquals("0.333", e.withInterval("vqa.all.accuracy"));
    assertEquals("n/a", e.withInterval("findings.all.precision"));
    assertEquals("n/a", e.withInterval("no.such.metric"));
    assertEquals(List.of("presence", "size"), List.copyOf(e.between("vqa.type.", ".accuracy").keySet()));
    assertEquals(8, e.between("vqa.type.", ".accuracy").get("size").n());
  }

  @Test
  void theComparisonIsReadAsEvaluatorComparisons() throws Exception {
    EvalFile e = EvalFile.read(write("run", EVAL).resolve("eval.json"));
    assertEquals("paired bootstrap", e.comparisonNote());
    assertEquals(2, e.comparisons().size());
    var c = e.comparison("findings.all.f1").orElseThrow();
    assertEquals(0.3, c.result().difference(), 1e-12);
    assertEquals(0.02, c.result().pValue(), 1e-12);
    assertEquals("a better", c.result().verdict());
    assertEquals(6, c.cases());
    assertTrue(Double.isNaN(e.comparison("findings.pelvis.f1").orElseThrow().result().difference()));

    Table t = Tables.comparison("cmp", e.comparisons(), "model", "blind", List.of("findings.pelvis.f1", "findings.all.f1", "x"));
    assertEquals(List.of("findings.pelvis.f1", "findings.all.f1"), t.stringColumn("metric").asList());
    assertEquals("[0.100, 0.500]", t.stringColumn("95% interval").get(1));
    assertEquals("n/a", t.stringColumn("model").get(0));

    Figure bars = Charts.comparisonBars("diff", e.comparisons());
    assertEquals(1, bars.getTraces().length); // one series; the not computable difference is left out
  }

  @Test
  void withoutAComparisonThereAreNone() throws Exception {
    EvalFile e = EvalFile.read(write("blind", "{\"cases\": 2, \"metrics\": {}}"));
    assertTrue(e.comparisons().isEmpty());
    assertEquals(null, e.comparisonNote());
    assertTrue(e.notes().isEmpty());
  }

  @Test
  void aFileThatIsNoJsonObjectIsAnIoError() throws Exception {
    Path dir = write("bad", "[1, 2]");
    IOException ex = assertThrows(IOException.class, () -> EvalFile.read(dir));
    assertTrue(ex.getMessage().contains("not an eval.json object"), ex.getMessage());
  }

  @Test
  void intervalBarsTakeOneSeriesPerRunAndOneBarPerLabel() throws Exception {
    Map<String, EvalFile> runs = new LinkedHashMap<>();
    runs.put("model", EvalFile.read(write("a", EVAL)));
    runs.put("blind control", EvalFile.read(write("b", "{\"cases\": 6, \"metrics\": {}}")));
    Figure f = Charts.intervalBars("F1", List.of("chest", "all"), "findings.%s.f1", runs, "F1");
    assertEquals(2, f.getTraces().length);
    String js = f.asJavascript("plot");
    assertTrue(js.contains("model") && js.contains("blind control"), js);
  }
}
