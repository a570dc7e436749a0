package org.scribe3d.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.data.DatasetException;
import org.scribe3d.data.Region;

class RegionSplitTest {
  @TempDir Path dir;

  private Path csv() throws Exception {
    Path csv = dir.resolve("reports.csv");
    Files.writeString(csv, "VolumeName,Findings_EN\r\n"
        + "train_1_a_1.nii.gz,\"Small right pleural effusion. The liver has a 2 cm cyst. Comparison with prior CT.\"\r\n"
        + "train_1_a_1.nii.gz,\"A repeated row.\"\r\n"
        + "valid_7_b_2.nii.gz,\"Bladder wall is thickened.\"\r\n", StandardCharsets.UTF_8);
    return csv;
  }

  @Test
  void splitReturnsSentencesAndVolumesWithoutWriting() throws Exception {
    RegionSplit.Result r = RegionSplit.split(csv(), RegionSplit.Settings.defaults());
    assertEquals(3, r.rows());
    assertEquals(1, r.duplicates());
    assertEquals(List.of("chest", "abdomen", "unknown", "unknown", "pelvis"),
        r.sentences().stream().map(RegionSplit.Sentence::regionKey).toList());
    assertNull(r.sentences().get(2).region());
    assertTrue(r.sentences().get(1).terms().contains("liver"), r.sentences().get(1).terms().toString());
    assertEquals(Map.of("chest", 1L, "abdomen", 1L, "pelvis", 1L, "unknown", 2L), r.sentencesPerRegion());
    assertEquals("3 rows, 5 sentences: chest 1, abdomen 1, pelvis 1, unknown 2", r.summary());
    assertEquals(2, r.volumes().size());
    RegionSplit.Volume first = r.volumes().get(0);
    assertEquals("dataset/train/train_1/train_1_a/train_1_a_1.nii.gz", first.image());
    assertEquals("training", first.split());
    assertEquals("", first.findings().get(Region.PELVIS));
    assertEquals("validation", r.volumes().get(1).split());
    assertEquals(List.of("reports.csv"), Files.list(dir).map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void unknownSentencesGoWhereTheSettingsSay() throws Exception {
    RegionSplit.Result r = RegionSplit.split(csv(), RegionSplit.Settings.defaults().withUnknownTo(Region.CHEST));
    assertEquals("Small right pleural effusion. Comparison with prior CT.",
        r.volumes().get(0).findings().get(Region.CHEST));
  }

  @Test
  void runWritesBothFiles() throws Exception {
    Path jsonl = dir.resolve("s.jsonl");
    Path manifest = dir.resolve("m.json");
    RegionSplit.Result r = RegionSplit.run(csv(), RegionSplit.Settings.defaults(), jsonl, manifest, null);
    assertEquals(r.sentences().size(), Files.readAllLines(jsonl).size());
    JsonObject m = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
    assertEquals("drop", m.get("unknown_sentences").getAsString());
    assertEquals(1, m.getAsJsonArray("training").size());
    assertEquals(1, m.getAsJsonArray("validation").size());
  }

  @Test
  void inputErrorsComeBeforeAnyOutput() throws Exception {
    Path jsonl = dir.resolve("s.jsonl");
    DatasetException e = assertThrows(DatasetException.class,
        () -> RegionSplit.run(csv(), RegionSplit.Settings.defaults().withColumn("Impressions_EN"), jsonl, null, null));
    assertTrue(e.getMessage().contains("no column 'Impressions_EN'"), e.getMessage());
    assertFalse(Files.exists(jsonl));
    assertThrows(DatasetException.class, () -> RegionSplit.run(csv(), RegionSplit.Settings.defaults(),
        dir.resolve("missing/s.jsonl"), null, null));
  }
}
