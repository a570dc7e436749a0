package org.scribe3d.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.Region;
import org.scribe3d.data.Split;

/** Part-file names of case ids, and the datasets the job reads (no Spark session needed). */
class PartFilesTest {
  @TempDir Path tmp;

  @Test
  void everyIdMapsToOneSafeNameAndBack() throws Exception {
    List<String> ids = List.of("amos_0001", "a/b", "..", ".hidden", "x.jsonl", "x%41", "ü-é", "a b", "train_1_a_1");
    Set<String> names = new HashSet<>();
    PartFiles parts = new PartFiles(tmp);
    for (String id : ids) {
      String n = PartFiles.name(id);
      assertFalse(n.startsWith(".") || n.contains("/") || n.contains(".."), n);
      assertEquals(id, PartFiles.id(n), n);
      assertTrue(names.add(n), "two ids share " + n);
      parts.writeDone(id, List.of("{\"case_id\": \"" + id + "\"}"));
    }
    assertEquals(new HashSet<>(ids), parts.doneIds());
    parts.writeFailed("bad", "no such file: x");
    assertEquals(ids.size(), parts.counts()[0]);
    assertEquals(1, parts.counts()[1]);
    parts.prepare(); // a new run tries failed cases again
    assertEquals(0, parts.counts()[1]);
    assertEquals(ids.size(), parts.counts()[0]);
  }

  @Test
  void ctRateReportsCsvIsReadWithItsVolumePaths() throws Exception {
    Path csv = tmp.resolve("valid_reports.csv");
    Files.writeString(csv, "VolumeName,ClinicalInformation_EN,Technique_EN,Findings_EN,Impressions_EN\n"
        + "valid_1_a_1.nii.gz,,,Small left pleural effusion.,\n"
        + "valid_2_a_2.nii.gz,,,No nodules.,\n");
    Dataset ds = BatchJob.load(csv, null);
    List<Case> val = ds.split(Split.VALIDATION);
    assertEquals(2, val.size());
    assertEquals("valid_1_a_1", val.get(0).id());
    assertEquals(tmp.resolve("dataset/valid/valid_1/valid_1_a/valid_1_a_1.nii.gz"), val.get(0).image());
    assertEquals("Small left pleural effusion.", val.get(0).findings().get(Region.CHEST));
    // rows round-trip: the executor sees the case the driver built
    Case back = CaseRows.toCase(CaseRows.toRow(val.get(0)));
    assertEquals(val.get(0), back);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BatchJob.load(tmp.resolve("missing.json"), null));
    assertTrue(e.getMessage().startsWith("--data: "), e.getMessage());
  }
}
