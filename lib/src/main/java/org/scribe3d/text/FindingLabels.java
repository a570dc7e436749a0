package org.scribe3d.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;
import org.scribe3d.data.Region;

/**
 * Multi-label targets read from a case's reference reports: what a report says, turned into yes/no
 * labels an image classifier can learn ("type:lung_nodule", "location:lung_nodule:right upper lobe",
 * "count:lung_nodule:2+", "size:renal_cyst:24-36mm", …). They come from the report TEXT through
 * {@link FindingExtractor}, not from phantom ground truth, so the same labels exist for any data set with
 * reports (AMOS-MM, CT-RATE).
 *
 * <p>Why: the paper's vision encoder starts from M3D-CLIP, pretrained on image–report pairs; the tiny
 * preset's encoder starts from random weights and, through the language loss alone, gets only a few
 * finding tokens per scan. These labels give it a dense report-derived signal (an auxiliary head in
 * training, see MultimodalModel's finding head).
 */
public final class FindingLabels {
  private FindingLabels() {}

  /** Size buckets (mm): labels name the bucket a stated size falls in. */
  private static final double[] SIZE_EDGES = {7, 12, 24, 36, 55};

  /** The labels one case's reports state (sorted, no duplicates). Empty reports give no labels. */
  public static List<String> of(Map<Region, String> reports) {
    Map<FindingType, Integer> counts = new EnumMap<>(FindingType.class);
    TreeSet<String> out = new TreeSet<>();
    for (Finding f : FindingExtractor.extractPositive(reports)) {
      counts.merge(f.type(), 1, Integer::sum);
      out.addAll(ofFinding(f));
    }
    counts.forEach((type, n) -> {
      String t = type.name().toLowerCase(Locale.ROOT);
      if (n >= 2) {
        out.add("count:" + t + ":2+");
      }
      if (n >= 3) {
        out.add("count:" + t + ":3+");
      }
    });
    return new ArrayList<>(out);
  }

  /**
   * The labels one finding states about itself: its type, side, location, severity and size bucket (the
   * per-case {@code count:} labels are not a finding's own). Also used for findings whose place in the image is
   * known (phantom ground truth), to label the encoder tokens they lie in.
   */
  public static List<String> ofFinding(Finding f) {
    List<String> out = new ArrayList<>();
    String t = f.type().name().toLowerCase(Locale.ROOT);
    out.add("type:" + t);
    String side = FindingMatcher.side(f);
    if (side != null) {
      out.add("side:" + t + ":" + side.toLowerCase(Locale.ROOT));
    }
    if (f.location() != null) {
      out.add("location:" + t + ":" + f.location().toLowerCase(Locale.ROOT));
    }
    if (f.severity() != null) {
      out.add("severity:" + t + ":" + f.severity().toLowerCase(Locale.ROOT));
    }
    if (f.sizeMm() != null) {
      out.add("size:" + t + ":" + sizeBucket(f.sizeMm()));
    }
    return out;
  }

  /** Every label that occurs in the given cases' label lists, sorted (the head's output order). */
  public static List<String> vocabulary(Collection<List<String>> perCase) {
    TreeSet<String> all = new TreeSet<>();
    perCase.forEach(all::addAll);
    return new ArrayList<>(all);
  }

  /** A 0/1 target vector over {@code vocabulary} (labels outside it are ignored). */
  public static float[] targets(List<String> labels, List<String> vocabulary) {
    float[] y = new float[vocabulary.size()];
    for (String l : labels) {
      int i = java.util.Collections.binarySearch(vocabulary, l);
      if (i >= 0) {
        y[i] = 1f;
      }
    }
    return y;
  }

  static String sizeBucket(double mm) {
    int i = 0;
    while (i < SIZE_EDGES.length && mm >= SIZE_EDGES[i]) {
      i++;
    }
    String lo = i == 0 ? "0" : fmt(SIZE_EDGES[i - 1]);
    return i == SIZE_EDGES.length ? lo + "+mm" : lo + "-" + fmt(SIZE_EDGES[i]) + "mm";
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
