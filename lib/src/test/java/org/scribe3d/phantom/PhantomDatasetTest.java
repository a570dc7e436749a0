package org.scribe3d.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.cli.CliTestSupport;
import org.scribe3d.data.Case;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;
import org.scribe3d.data.Phantom;
import org.scribe3d.data.Question;
import org.scribe3d.testing.PythonReference;

/**
 * The phantom benchmark end to end: synth through the CLI, read back by dataset-info, the loaders and
 * by nibabel (an outside reference), which checks air/bone HU and that every ground-truth finding is
 * visible at its stated place and size.
 */
class PhantomDatasetTest {
  @TempDir static Path tmp;
  static Path ds;
  static String synthOut;

  @BeforeAll
  static void synth() {
    ds = tmp.resolve("phantom");
    CliTestSupport.Result r = CliTestSupport.run("synth", "--out", ds.toString(), "--cases", "12", "--seed", "7",
        "--size", "small");
    assertEquals(0, r.exitCode(), r.err());
    synthOut = r.out();
  }

  static JsonObject runChecker(Path dir) throws Exception {
    String out = PythonReference.run(PythonReference.resource(PhantomDatasetTest.class, "check_phantom.py"),
        List.of(dir.toString()), 300);
    return JsonParser.parseString(out.strip()).getAsJsonObject();
  }

  @Test
  void synthWritesTheAmosLayoutAndPrintsTimes() {
    assertTrue(Files.isRegularFile(ds.resolve("dataset.json")));
    assertTrue(Files.isRegularFile(ds.resolve("ground_truth.json")));
    assertTrue(Files.isRegularFile(ds.resolve("imagesTr/phantom_0001.nii.gz")));
    assertTrue(Files.isRegularFile(ds.resolve("imagesVa/phantom_0012.nii.gz")));
    assertTrue(synthOut.contains("generation per case: mean"), synthOut);
    assertTrue(synthOut.contains("[12/12] phantom_0012 validation"), synthOut);
  }

  @Test
  void datasetInfoReadsIt() {
    CliTestSupport.Result r = CliTestSupport.run("dataset-info", ds.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("cases     12: train 10, validation 2"), r.out());
    assertTrue(r.out().contains("answer letters  A "), r.out());
    CliTestSupport.Result j = CliTestSupport.run("dataset-info", ds.resolve("dataset.json").toString(), "--json");
    assertEquals(0, j.exitCode(), j.err());
    JsonObject s = JsonParser.parseString(j.out()).getAsJsonObject();
    assertEquals(12, s.get("cases").getAsInt());
    assertEquals("phantom", s.get("format").getAsString());
  }

  @Test
  void nibabelSeesCtValuesAndEveryFinding() throws Exception {
    JsonObject s = runChecker(ds);
    assertEquals(0, s.getAsJsonArray("failures").size(), s.getAsJsonArray("failures").toString());
    assertEquals(12, s.get("cases").getAsInt());
    JsonArray orient = s.getAsJsonArray("orientations");
    assertTrue(orient.toString().contains("RAS") && orient.toString().contains("LPS"), orient.toString());
    assertTrue(s.getAsJsonObject("types").size() >= 6, s.get("types").toString());
  }

  @Test
  void everyFindingTypeIsRenderedVisibly() throws Exception {
    // five cases of three forced types each cover all fifteen types
    FindingType[] all = FindingType.values();
    List<List<FindingType>> forced = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      forced.add(List.of(all[i], all[i + 5], all[i + 10]));
    }
    Path dir = tmp.resolve("coverage");
    PhantomDataset.write(dir, 5, 11, 0.0, SizePreset.SMALL, forced, null);
    Phantom.Data data = Phantom.load(dir, true);
    Set<FindingType> placed = EnumSet.noneOf(FindingType.class);
    for (int i = 0; i < 5; i++) {
      List<Finding> truth = data.truth().get(PhantomDataset.caseId(i));
      List<FindingType> types = truth.stream().map(Finding::type).toList();
      assertEquals(forced.get(i), types, "case " + i + " lost a forced finding");
      placed.addAll(types);
    }
    assertEquals(EnumSet.allOf(FindingType.class), placed);
    JsonObject s = runChecker(dir);
    assertEquals(0, s.getAsJsonArray("failures").size(), s.getAsJsonArray("failures").toString());
    assertEquals(15, s.getAsJsonObject("types").size(), s.get("types").toString());
  }

  @Test
  void groundTruthMatchesReportsQuestionsAndGeometry() throws IOException {
    Phantom.Data data = Phantom.load(ds, true);
    int normal = 0;
    TreeMap<String, Integer> letters = new TreeMap<>();
    int questions = 0;
    for (Case c : data.dataset().cases()) {
      List<Finding> truth = data.truth().get(c.id());
      if (truth.isEmpty()) {
        normal++;
      }
      assertTrue(c.questions().size() >= 4, c.id());
      for (Question q : c.questions()) {
        letters.merge(q.answer(), 1, Integer::sum);
        questions++;
      }
      for (Finding f : truth) {
        if (f.sizeMm() != null && f.type() == FindingType.LUNG_NODULE) {
          String chest = c.findings().get(org.scribe3d.data.Region.CHEST);
          String mm = String.valueOf(Math.round(f.sizeMm()));
          String cm = String.format(java.util.Locale.ROOT, "%.1f", f.sizeMm() / 10);
          assertTrue(chest.contains(mm + " ") || chest.contains(cm + " "), chest);
        }
      }
    }
    assertEquals(2, normal, "17 % of 12 cases are normal");
    for (String l : List.of("A", "B", "C", "D")) {
      int n = letters.getOrDefault(l, 0);
      assertTrue(n >= 0.15 * questions && n <= 0.35 * questions, "letter " + l + ": " + letters);
    }
    // the stated size is what was painted: sphere diameters measured on the label map agree
    JsonObject gt = JsonParser.parseString(Files.readString(ds.resolve("ground_truth.json"))).getAsJsonObject();
    for (JsonElement ce : gt.getAsJsonArray("cases")) {
      double sx = ce.getAsJsonObject().getAsJsonArray("spacing_mm").get(0).getAsDouble();
      for (JsonElement fe : ce.getAsJsonObject().getAsJsonArray("findings")) {
        for (JsonElement ie : fe.getAsJsonObject().getAsJsonArray("instances")) {
          JsonObject in = ie.getAsJsonObject();
          if (in.get("shape").getAsString().equals("sphere")) {
            double d = in.get("diameter_mm").getAsDouble();
            double m = in.get("measured_diameter_x_mm").getAsDouble();
            assertTrue(Math.abs(m - d) <= 1.01 * sx + 1e-6, d + " vs " + m + " at " + sx);
          }
          if (in.has("voxel_count")) {
            assertTrue(in.get("voxel_count").getAsLong() > 0);
          }
        }
      }
    }
  }

  @Test
  void sameSeedGivesIdenticalBytes() throws IOException {
    Path a = tmp.resolve("det-a");
    Path b = tmp.resolve("det-b");
    Path c = tmp.resolve("det-c");
    PhantomDataset.write(a, 3, 99, 0.34, SizePreset.SMALL, null);
    PhantomDataset.write(b, 3, 99, 0.34, SizePreset.SMALL, null);
    PhantomDataset.write(c, 3, 100, 0.34, SizePreset.SMALL, null);
    List<Path> files = list(a);
    assertEquals(files, list(b));
    assertTrue(files.size() >= 5, files.toString());
    for (Path rel : files) {
      assertArrayEquals(Files.readAllBytes(a.resolve(rel)), Files.readAllBytes(b.resolve(rel)), rel.toString());
    }
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve("dataset.json")),
        Files.readAllBytes(c.resolve("dataset.json"))));
  }

  @Test
  void badOptionsAreOneErrorLine() {
    CliTestSupport.Result r = CliTestSupport.run("synth", "--out", tmp.resolve("x").toString(), "--size", "huge");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("error: --size: unknown size 'huge'"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    CliTestSupport.Result v = CliTestSupport.run("synth", "--out", tmp.resolve("x").toString(), "--val-fraction", "1");
    assertEquals(2, v.exitCode());
  }

  private static List<Path> list(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }
}
