package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.data.Region;

class CaseScoreTest {
  @TempDir
  Path tmp;

  @Test
  void perCaseRowsSumFindingsOverRegionsAndSortWorstFirst() throws Exception {
    Path csv = tmp.resolve("per_case.csv");
    Files.writeString(csv, String.join("\n",
        "case_id,chest_bleu_4,chest_findings_tp,chest_findings_fp,chest_findings_fn,abdomen_findings_tp,abdomen_findings_fp,"
            + "abdomen_findings_fn,pelvis_findings_tp,pelvis_findings_fp,pelvis_findings_fn,vqa_correct,vqa_total",
        "c1,0.25,1,0,1,1,0,0,,,,2,4",
        "c2,0.5,0,1,0,0,0,2,0,0,0,1,4",
        "c3,,0,0,0,0,0,0,0,0,0,4,4",
        "c4,0.1,0,0,1,0,0,2,0,0,0,0,4", ""));
    List<CaseScore> scores = CaseScore.read(csv);
    assertEquals(4, scores.size());
    CaseScore c1 = scores.get(0);
    assertEquals(2, c1.tp());
    assertEquals(0, c1.fp());
    assertEquals(1, c1.fn());
    assertEquals(0.8, c1.findingF1(), 1e-12);
    assertEquals(0.25, c1.bleu4(Region.CHEST));
    assertTrue(Double.isNaN(c1.bleu4(Region.PELVIS)));
    assertEquals(2, c1.vqaCorrect());
    assertEquals(4, c1.vqaTotal());
    assertEquals(1.0, scores.get(2).findingF1()); // nothing to find, nothing invented
    assertTrue(Double.isNaN(scores.get(2).bleu4(Region.CHEST)));

    List<CaseScore> sorted = new ArrayList<>(scores);
    sorted.sort(CaseScore.WORST_FIRST);
    // c2 and c4 both have F1 0; c4 misses more findings (3 against 2)
    assertEquals(List.of("c4", "c2", "c1", "c3"), sorted.stream().map(CaseScore::caseId).toList());
  }
}
