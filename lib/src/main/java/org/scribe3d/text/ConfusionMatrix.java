package org.scribe3d.text;

import java.util.List;
import java.util.Locale;

/** Confusion matrix over the region labels chest, abdomen, pelvis, unknown (rows gold, columns predicted). */
public final class ConfusionMatrix {
  public static final List<String> LABELS = List.of("chest", "abdomen", "pelvis", "unknown");

  private final long[][] counts = new long[LABELS.size()][LABELS.size()];

  public void add(String gold, String predicted) {
    counts[index(gold)][index(predicted)]++;
  }

  private static int index(String label) {
    int i = LABELS.indexOf(label.toLowerCase(Locale.ROOT));
    if (i < 0) {
      throw new IllegalArgumentException("unknown region label '" + label + "' (expected " + LABELS + ")");
    }
    return i;
  }

  public long count(String gold, String predicted) {
    return counts[index(gold)][index(predicted)];
  }

  public long total() {
    long t = 0;
    for (long[] row : counts) {
      for (long c : row) {
        t += c;
      }
    }
    return t;
  }

  public double accuracy() {
    long ok = 0;
    for (int i = 0; i < counts.length; i++) {
      ok += counts[i][i];
    }
    long t = total();
    return t == 0 ? Double.NaN : (double) ok / t;
  }

  /** Recall of one gold label (NaN when it never occurs). */
  public double recall(String gold) {
    int i = index(gold);
    long row = 0;
    for (long c : counts[i]) {
      row += c;
    }
    return row == 0 ? Double.NaN : (double) counts[i][i] / row;
  }

  /** A plain-text table with row/column labels, per-class recall and overall accuracy. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-10s", "gold\\pred"));
    for (String l : LABELS) {
      b.append(String.format(Locale.ROOT, "%9s", l));
    }
    b.append(String.format(Locale.ROOT, "%9s%n", "recall"));
    for (int i = 0; i < LABELS.size(); i++) {
      b.append(String.format(Locale.ROOT, "%-10s", LABELS.get(i)));
      for (long c : counts[i]) {
        b.append(String.format(Locale.ROOT, "%9d", c));
      }
      double r = recall(LABELS.get(i));
      b.append(Double.isNaN(r) ? String.format("%9s%n", "-") : String.format(Locale.ROOT, "%9.3f%n", r));
    }
    b.append(String.format(Locale.ROOT, "accuracy %.4f (%d sentences)%n", accuracy(), total()));
    return b.toString();
  }
}
