package org.scribe3d.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.cli.CliTestSupport;
import org.scribe3d.io.Csv;
import org.scribe3d.nifti.NiftiDatatype;
import org.scribe3d.nifti.NiftiWriter;
import org.scribe3d.testing.PythonReference;

/** Loaders on fixtures the tests write in the real AMOS-MM and CT-RATE layouts. */
class DataLoadersTest {
  @TempDir Path tmp;

  static void tinyImage(Path p) throws IOException {
    float[] v = new float[4 * 4 * 3];
    java.util.Arrays.fill(v, -1000f);
    NiftiWriter.write(p, v, 4, 4, 3, new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 2, 0}, {0, 0, 0, 1}},
        NiftiDatatype.INT16);
  }

  static String qa(String q, String answer) {
    return "{\"question\": \"" + q + "\", \"options\": {\"A\": \"Liver\", \"B\": \"Spleen\", \"C\": \"Kidney\","
        + " \"D\": \"Bladder\"}, \"answer\": \"" + answer + "\", \"type\": \"organ\"}";
  }

  /** An AMOS-MM dataset.json with three training and one validation case, images on disk. */
  Path amos(Path root) throws IOException {
    StringBuilder b = new StringBuilder("{\n \"name\": \"AMOS-MM fixture\",\n \"training\": [\n");
    for (int i = 1; i <= 3; i++) {
      b.append("  {\"image\": \"./imagesTr/amos_000").append(i).append(".nii.gz\", \"labels\": {\"report\": {")
          .append("\"findings\": {\"chest\": \"No pleural effusion.\", \"abdomen\": \"")
          .append(i == 2 ? "" : "Fatty liver.").append("\", \"pelvis\": \"\"}}, \"qa\": [")
          .append(qa("Which organ is enlarged?", "B")).append("]}}").append(i < 3 ? ",\n" : "\n");
      tinyImage(root.resolve("imagesTr/amos_000" + i + ".nii.gz"));
    }
    b.append(" ],\n \"validation\": [\n  {\"image\": \"./imagesVa/amos_0101.nii.gz\", \"labels\": {\"report\": "
        + "{\"findings\": {\"chest\": \"\", \"abdomen\": \"\", \"pelvis\": \"Bladder wall thickening.\"}},"
        + " \"qa\": []}}\n ]\n}\n");
    tinyImage(root.resolve("imagesVa/amos_0101.nii.gz"));
    Path ds = root.resolve("dataset.json");
    Files.writeString(ds, b.toString());
    return ds;
  }

  @Test
  void amosMmLoadsCasesRegionsQuestionsAndExamples() throws IOException {
    Path root = tmp.resolve("AMOS-MM");
    Path ds = amos(root);
    Dataset d = DatasetLoader.load(root, DatasetLoader.Options.defaults());
    assertEquals("amos-mm", d.format());
    assertEquals(4, d.cases().size());
    assertEquals(3, d.split(Split.TRAIN).size());
    Case c1 = d.cases().get(0);
    assertEquals("amos_0001", c1.id());
    assertEquals(root.resolve("imagesTr/amos_0001.nii.gz").toAbsolutePath().normalize(), c1.image());
    assertEquals("Fatty liver.", c1.findings().get(Region.ABDOMEN));
    assertEquals("", c1.findings().get(Region.PELVIS));
    List<TrainingExample> ex = c1.examples();
    assertEquals(3, ex.size()); // chest + abdomen report, one question
    assertEquals("Describe the findings of the chest in this CT scan.", ex.get(0).prompt());
    assertEquals("No pleural effusion.", ex.get(0).answer());
    TrainingExample v = ex.get(2);
    assertEquals(TrainingExample.Kind.VQA, v.kind());
    assertEquals("Which organ is enlarged? Choices: A. Liver B. Spleen C. Kidney D. Bladder", v.prompt());
    assertEquals("B. Spleen", v.answer());
    assertEquals(1, d.cases().get(1).examples().stream().filter(e -> e.kind() == TrainingExample.Kind.MRG).count());
    // the same file through its path, and the stats
    assertEquals(4, DatasetLoader.load(ds, DatasetLoader.Options.defaults()).cases().size());
    DatasetStats s = DatasetStats.of(d);
    assertEquals(Map.of("A", 0, "B", 3, "C", 0, "D", 0), s.answerLetters());
    assertEquals(3, s.regionsWithFindings().get("chest"));
    assertEquals(6, s.mrgExamples());
  }

  @Test
  void missingImagesAreOneErrorNamingEveryPath() throws IOException {
    Path root = tmp.resolve("AMOS-MM");
    Path ds = amos(root);
    Files.delete(root.resolve("imagesTr/amos_0002.nii.gz"));
    Files.delete(root.resolve("imagesVa/amos_0101.nii.gz"));
    MissingImagesException e = assertThrows(MissingImagesException.class,
        () -> DatasetLoader.load(ds, DatasetLoader.Options.defaults()));
    assertTrue(e.getMessage().contains("2 of 4 image file(s) missing"), e.getMessage());
    assertTrue(e.getMessage().contains("amos_0002.nii.gz") && e.getMessage().contains("amos_0101.nii.gz"),
        e.getMessage());
    assertEquals(2, e.missing().size());
    // the CLI prints it as one line; --no-check-images reads the rest
    CliTestSupport.Result r = CliTestSupport.run("dataset-info", ds.toString());
    assertEquals(1, r.exitCode());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: " + ds), r.err());
    assertEquals(0, CliTestSupport.run("dataset-info", ds.toString(), "--no-check-images").exitCode());
  }

  @Test
  void manyMissingImagesAreCapped() throws IOException {
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < 27; i++) {
      cases.add(new Case("c" + i, tmp.resolve("nope/c" + i + ".nii.gz"), Map.of(), List.of(), Split.TRAIN));
    }
    MissingImagesException e = assertThrows(MissingImagesException.class,
        () -> MissingImagesException.check("fixture", cases));
    assertTrue(e.getMessage().contains("27 of 27"), e.getMessage());
    assertTrue(e.getMessage().endsWith("... and 7 more"), e.getMessage());
  }

  @Test
  void malformedJsonNamesFileAndLine() throws IOException {
    Path f = tmp.resolve("dataset.json");
    Files.writeString(f, "{\n \"training\": [\n  {\"image\": \"a.nii.gz\" \"labels\": {}}\n ]\n}\n");
    DatasetException e = assertThrows(DatasetException.class,
        () -> DatasetLoader.load(f, DatasetLoader.Options.defaults()));
    assertTrue(e.getMessage().startsWith(f + ":3:"), e.getMessage());
    assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    CliTestSupport.Result r = CliTestSupport.run("dataset-info", f.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("error: " + f + ":3:"), r.err());
    assertEquals(1, r.err().strip().lines().count());
  }

  @Test
  void badFieldsNameTheirJsonPath() throws IOException {
    Path f = tmp.resolve("dataset.json");
    Files.writeString(f, "{\"training\": [{\"image\": \"./imagesTr/x.nii.gz\", \"labels\": {\"qa\": ["
        + qa("Q?", "E") + "]}}]}");
    DatasetException e = assertThrows(DatasetException.class,
        () -> DatasetLoader.load(f, new DatasetLoader.Options(false, null, null)));
    assertTrue(e.getMessage().contains("training[0].labels.qa[0].answer"), e.getMessage());
    Files.writeString(f, "{\"training\": [{\"labels\": {}}]}");
    e = assertThrows(DatasetException.class, () -> DatasetLoader.load(f, new DatasetLoader.Options(false, null, null)));
    assertTrue(e.getMessage().contains("training[0]: missing 'image'"), e.getMessage());
  }

  // ------------------------------------------------------------------ CT-RATE

  static final String FINDINGS_1 = "Trachea and both main bronchi are open. \"Ground-glass\" densities, 12 mm, in the"
      + " right lower lobe.\nNo pleural effusion.";

  Path ctRate(Path root) throws IOException {
    for (String v : List.of("train_1_a_1", "train_1_a_2", "train_2_b_1", "valid_7_a_1")) {
      tinyImage(root.resolve(CtRate.volumePath(v + ".nii.gz")));
    }
    Path reports = root.resolve("dataset/radiology_text_reports/train_reports.csv");
    Files.createDirectories(reports.getParent());
    String q = "\"" + FINDINGS_1.replace("\"", "\"\"") + "\"";
    Files.writeString(reports, "VolumeName,ClinicalInformation_EN,Technique_EN,Findings_EN,Impressions_EN\r\n"
        + "train_1_a_1.nii.gz,\"Cough, fever\",Non-contrast chest CT.," + q + ",Pneumonia.\r\n"
        + "train_1_a_2.nii.gz,\"Cough, fever\",Non-contrast chest CT.," + q + ",Pneumonia.\r\n"
        + "train_2_b_1.nii.gz,,Chest CT.,Normal lungs.,Normal.\r\n");
    Path valid = root.resolve("dataset/radiology_text_reports/validation_reports.csv");
    Files.writeString(valid, "VolumeName,ClinicalInformation_EN,Technique_EN,Findings_EN,Impressions_EN\n"
        + "valid_7_a_1.nii.gz,,,Heart size normal.,\n");
    Path meta = root.resolve("dataset/metadata/train_metadata.csv");
    Files.createDirectories(meta.getParent());
    Files.writeString(meta, "VolumeName,Manufacturer,XYSpacing,ZSpacing,RescaleIntercept,RescaleSlope\n"
        + "train_1_a_1.nii.gz,SIEMENS,\"[0.75, 0.75]\",1.5,-1024,1\n"
        + "train_1_a_2.nii.gz,SIEMENS,\"[0.6, 0.62]\",3,-1024.0,1.0\n");
    Path manifest = tmp.resolve("manifests/ct-rate.json");
    Files.createDirectories(manifest.getParent());
    Files.writeString(manifest, "{\"name\": \"ct-rate\", \"format\": \"ct-rate\", \"root\": \"${NO_SUCH_VAR_X:-../CT-RATE}\","
        + " \"layout\": {\"reports\": [\"dataset/radiology_text_reports/train_reports.csv\","
        + " \"dataset/radiology_text_reports/validation_reports.csv\"], \"metadata\": ["
        + "\"dataset/metadata/train_metadata.csv\", \"dataset/metadata/validation_metadata.csv\"]}}");
    return manifest;
  }

  @Test
  void ctRateLoadsReportsMetadataAndVolumePaths() throws IOException {
    Path root = tmp.resolve("CT-RATE");
    Path manifest = ctRate(root);
    Dataset d = DatasetLoader.load(manifest, DatasetLoader.Options.defaults());
    assertEquals("ct-rate", d.format());
    assertEquals(4, d.cases().size());
    Case c = d.cases().get(0);
    assertEquals("train_1_a_1", c.id());
    assertEquals(root.resolve("dataset/train/train_1/train_1_a/train_1_a_1.nii.gz").toAbsolutePath().normalize(),
        c.image().toAbsolutePath().normalize());
    assertEquals(FINDINGS_1, c.findings().get(Region.CHEST));
    assertEquals("", c.findings().get(Region.ABDOMEN));
    assertEquals(1.0, c.meta().rescaleSlope());
    assertEquals(-1024.0, c.meta().rescaleIntercept());
    assertEquals(List.of(0.75, 0.75, 1.5), List.of(c.meta().spacingMm()[0], c.meta().spacingMm()[1],
        c.meta().spacingMm()[2]));
    assertTrue(d.cases().get(2).meta().isEmpty());
    assertEquals(Split.VALIDATION, d.cases().get(3).split());
    assertEquals(1, d.cases().get(0).examples().size());
    // a pluggable region splitter (the text package's classifier in the product)
    RegionSplitter halves = t -> Map.of(Region.CHEST, t.split("\n")[0], Region.PELVIS, t.split("\n")[t.split("\n").length - 1]);
    Dataset d2 = DatasetLoader.load(manifest, new DatasetLoader.Options(true, null, halves));
    assertEquals("No pleural effusion.", d2.cases().get(0).findings().get(Region.PELVIS));
  }

  @Test
  void ctRateMissingVolumesAndBadCsvAreClearErrors() throws IOException {
    Path root = tmp.resolve("CT-RATE");
    Path manifest = ctRate(root);
    Files.delete(root.resolve("dataset/train/train_2/train_2_b/train_2_b_1.nii.gz"));
    MissingImagesException e = assertThrows(MissingImagesException.class,
        () -> DatasetLoader.load(manifest, DatasetLoader.Options.defaults()));
    assertTrue(e.getMessage().contains("dataset/train/train_2/train_2_b/train_2_b_1.nii.gz"), e.getMessage());
    assertTrue(e.getMessage().contains("1 of 4"), e.getMessage());

    Path reports = root.resolve("dataset/radiology_text_reports/train_reports.csv");
    Files.writeString(reports, "VolumeName,ClinicalInformation_EN,Technique_EN,Findings_EN,Impressions_EN\n"
        + "train_1_a_1.nii.gz,,,ok,\n"
        + "train_1_a_2.nii.gz,,,\"never closed,\n"
        + "more text\n");
    DatasetException bad = assertThrows(DatasetException.class,
        () -> DatasetLoader.load(manifest, DatasetLoader.Options.defaults()));
    assertEquals(reports + ":3: malformed CSV (quoted field never closed)", bad.getMessage());

    Files.writeString(reports, "VolumeName,Findings_EN\ntrain_1_a_1.nii.gz,ok\ntrain_1_a_2.nii.gz,a,b\n");
    bad = assertThrows(DatasetException.class, () -> DatasetLoader.load(manifest, DatasetLoader.Options.defaults()));
    assertTrue(bad.getMessage().startsWith(reports + ":3: malformed CSV (expected 2 fields"), bad.getMessage());

    Files.writeString(reports, "VolumeName,Impressions_EN\ntrain_1_a_1.nii.gz,ok\n");
    bad = assertThrows(DatasetException.class, () -> DatasetLoader.load(manifest, DatasetLoader.Options.defaults()));
    assertTrue(bad.getMessage().startsWith(reports + ":1: missing column 'Findings_EN'"), bad.getMessage());

    Files.writeString(reports, "VolumeName,Findings_EN\ntrain_1.nii.gz,ok\n");
    bad = assertThrows(DatasetException.class, () -> DatasetLoader.load(manifest, DatasetLoader.Options.defaults()));
    assertTrue(bad.getMessage().startsWith(reports + ":2: VolumeName 'train_1.nii.gz'"), bad.getMessage());
  }

  @Test
  void volumePathFollowsTheCtRateLayout() {
    assertEquals(Path.of("dataset/train/train_1/train_1_a/train_1_a_1.nii.gz"), CtRate.volumePath("train_1_a_1.nii.gz"));
    assertEquals(Path.of("dataset/valid/valid_953/valid_953_b/valid_953_b_2.nii.gz"),
        CtRate.volumePath("valid_953_b_2.nii.gz"));
    assertThrows(IllegalArgumentException.class, () -> CtRate.volumePath("scan.nii.gz"));
  }

  @Test
  void csvMatchesPythonsCsvModule() throws Exception {
    Path f = tmp.resolve("tricky.csv");
    Files.writeString(f, "\uFEFFa,b,c\r\n"
        + "1,\"x, y\",\"he said \"\"hi\"\"\"\r\n"
        + "2,\"multi\nline\r\nfield\",\n"
        + "\n"
        + "3,,\"\"\n"
        + "4,plain text,\"ünïcödé, ok\"\r"
        + "5,lone CR ends records,\"a\rb\"\r"
        + "6,x,y");
    Csv csv = Csv.read(f);
    List<List<String>> mine = new ArrayList<>();
    mine.add(csv.header());
    csv.rows().forEach(r -> mine.add(r.fields()));
    String ref = PythonReference.run(PythonReference.resource(DataLoadersTest.class, "python_csv.py"), List.of(f.toString()), 60);
    JsonArray rows = JsonParser.parseString(ref).getAsJsonArray();
    assertEquals(rows.size(), mine.size());
    for (int i = 0; i < rows.size(); i++) {
      List<String> r = new ArrayList<>();
      rows.get(i).getAsJsonArray().forEach(x -> r.add(x.getAsString()));
      assertEquals(r, mine.get(i), "row " + i);
    }
    assertEquals(List.of(2, 3, 7, 8, 9, 11), csv.rows().stream().map(Csv.Row::line).toList());
  }

  @Test
  void committedManifestsRead() {
    Path dir = Path.of("..", "data-manifests");
    for (String n : List.of("amos-mm", "ct-rate", "phantom")) {
      Manifest m = Manifest.read(dir.resolve(n + ".json"));
      assertEquals(n, m.name());
      assertEquals(n, m.format());
    }
    Manifest amos = Manifest.read(dir.resolve("amos-mm.json"));
    assertEquals(dir.resolve("../data/AMOS-MM").toAbsolutePath().normalize(), amos.root(Map.of()));
    assertEquals(Path.of("/x/AMOS-MM"), amos.root(Map.of("SCRIBE3D_DATA", "/x")));
    Manifest broken = new Manifest(dir.resolve("t.json"), "t", "amos-mm", "${UNSET_FOR_TEST}/a", null, null);
    DatasetException e = assertThrows(DatasetException.class, () -> broken.root(Map.of()));
    assertTrue(e.getMessage().contains("${UNSET_FOR_TEST}"), e.getMessage());
    // a manifest whose data is absent says where to get it
    e = assertThrows(DatasetException.class, () -> DatasetLoader.fromManifest(amos,
        DatasetLoader.Options.defaults(), Map.of("SCRIBE3D_DATA", tmp.resolve("none").toString())));
    assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("AMOS-MM challenge"),
        e.getMessage());
  }

  @Test
  void caseNormalisesRegions() {
    Case c = new Case("x", Path.of("x.nii.gz"), Map.of(Region.CHEST, "  Clear.  "), null, Split.TEST);
    assertEquals("Clear.", c.findings().get(Region.CHEST));
    assertEquals("", c.findings().get(Region.PELVIS));
    assertTrue(c.questions().isEmpty());
    assertNull(c.meta().spacingMm());
  }
}
