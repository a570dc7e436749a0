package org.scribe3d.eval;

import java.util.List;
import org.scribe3d.data.Region;

/**
 * One scored report: a case's region with a non-empty reference, the generated text and the finding
 * hint its prompt carried (or null). {@code caseIndex} ties the row to its case in a bootstrap resample.
 */
record ReportRow(int caseIndex, String caseId, Region region, String prediction, String reference, String hint) {

  /** Multiplicity of each row under a case-level resample (null stays null: every row once). */
  static int[] weights(List<ReportRow> rows, int[] caseWeights) {
    if (caseWeights == null) {
      return null;
    }
    int[] w = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      w[i] = caseWeights[rows.get(i).caseIndex];
    }
    return w;
  }

  /** Whether a resample keeps at least one row (null weights keep all). */
  static boolean anyWeight(int[] w) {
    if (w == null) {
      return true;
    }
    for (int x : w) {
      if (x > 0) {
        return true;
      }
    }
    return false;
  }
}
