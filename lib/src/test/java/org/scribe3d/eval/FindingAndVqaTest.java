package org.scribe3d.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;

class FindingAndVqaTest {

  static Finding f(FindingType t, String side, String loc, boolean neg) {
    return new Finding(t, side, null, null, loc, neg);
  }

  static long count(List<FindingMatch.Outcome> o, FindingMatch.Kind k) {
    return o.stream().filter(x -> x.kind() == k).count();
  }

  @Test
  void matchingByTypeSideAndLocationWhenBothHaveIt() {
    List<Finding> ref = List.of(
        f(FindingType.LUNG_NODULE, "right", "right upper lobe", false),
        f(FindingType.PLEURAL_EFFUSION, "left", null, false),
        f(FindingType.ASCITES, null, null, true)); // negated: ignored
    List<Finding> pred = List.of(
        f(FindingType.LUNG_NODULE, "right", null, false),          // matches (no location on one side)
        f(FindingType.PLEURAL_EFFUSION, "right", null, false),     // wrong side: FP, and ref effusion FN
        f(FindingType.CARDIOMEGALY, null, null, true));            // negated: ignored
    List<FindingMatch.Outcome> o = FindingMatch.match(pred, ref);
    assertEquals(1, count(o, FindingMatch.Kind.TP));
    assertEquals(1, count(o, FindingMatch.Kind.FP));
    assertEquals(1, count(o, FindingMatch.Kind.FN));
    // different locations on both sides do not match
    o = FindingMatch.match(List.of(f(FindingType.LUNG_NODULE, "right", "right lower lobe", false)),
        List.of(f(FindingType.LUNG_NODULE, "right", "Right upper lobe", false)));
    assertEquals(0, count(o, FindingMatch.Kind.TP));
    // exact-location pairs are matched first, so the unlocated prediction takes the remaining reference
    o = FindingMatch.match(
        List.of(f(FindingType.LUNG_NODULE, "left", null, false), f(FindingType.LUNG_NODULE, "left", "lingula", false)),
        List.of(f(FindingType.LUNG_NODULE, "left", "lingula", false), f(FindingType.LUNG_NODULE, "left", "left lower lobe", false)));
    assertEquals(2, count(o, FindingMatch.Kind.TP));
  }

  @Test
  void vqaFirstLetter() {
    assertEquals("B", VqaAccuracy.letterOf("  b. The liver"));
    assertNull(VqaAccuracy.letterOf(""));
    assertNull(VqaAccuracy.letterOf("(A) liver"));
    assertTrue(VqaAccuracy.correct("C. Spleen", "C"));
    assertTrue(VqaAccuracy.correct("c", "C. Spleen"));
    assertFalse(VqaAccuracy.correct("D", "C"));
    assertFalse(VqaAccuracy.correct("", "C"));
  }
}
