package org.scribe3d.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HintThresholdsTest {
  static final List<String> LABELS = List.of("type:ascites", "type:lung_nodule", "side:lung_nodule:left",
      "type:renal_cyst");

  @Test
  void hintsFileRoundTripsAndABrokenOneIsAClearError(@TempDir Path tmp) throws Exception {
    double[] th = {0.5, Double.NaN, Double.NaN, 0.5};
    Path f = tmp.resolve("finding-hints.json");
    Files.writeString(f, HintThresholds.toJson(LABELS, th).toString());
    double[] back = HintThresholds.read(f, LABELS);
    assertEquals(0.5, back[0], 0);
    assertTrue(Double.isNaN(back[1]) && Double.isNaN(back[2]));
    assertEquals(0.5, back[3], 0);
    Files.writeString(f, "{not json");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HintThresholds.read(f, LABELS));
    assertTrue(e.getMessage().startsWith(f + " is not a finding-hints file"), e.getMessage());
  }
}
