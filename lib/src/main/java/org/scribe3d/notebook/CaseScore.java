package org.scribe3d.notebook;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.io.Csv;
import org.scribe3d.data.Region;

/**
 * One row of an evaluation's {@code per_case.csv}, typed: matched (TP), invented (FP) and missed (FN)
 * findings summed over the regions, BLEU-4 per region, and the case's VQA score. Cells that the
 * evaluation left empty (a region without a reference) count as 0 findings and a NaN BLEU-4.
 */
public record CaseScore(String caseId, int tp, int fp, int fn, Map<Region, Double> bleu4, int vqaCorrect,
    int vqaTotal) {
  /** Lowest finding F1 first; ties: most missed findings first, then case id. */
  public static final Comparator<CaseScore> WORST_FIRST = Comparator.comparingDouble(CaseScore::findingF1)
      .thenComparing(Comparator.comparingInt(CaseScore::fn).reversed())
      .thenComparing(CaseScore::caseId);

  public CaseScore {
    bleu4 = Map.copyOf(bleu4);
  }

  /**
   * The case's finding F1, 2·TP / (2·TP + FP + FN) over all its regions; 1 for a case with nothing
   * to find and nothing invented.
   */
  public double findingF1() {
    return tp + fp + fn == 0 ? 1.0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }

  /** BLEU-4 of one region; NaN when the region was not scored. */
  public double bleu4(Region r) {
    return bleu4.getOrDefault(r, Double.NaN);
  }

  /** Reads per_case.csv (as {@code EvalResult.perCaseCsv} writes it), in file order. */
  public static List<CaseScore> read(Path perCaseCsv) {
    Csv csv = Csv.read(perCaseCsv);
    List<CaseScore> out = new ArrayList<>();
    for (Csv.Row row : csv.rows()) {
      int tp = 0;
      int fp = 0;
      int fn = 0;
      Map<Region, Double> bleu = new EnumMap<>(Region.class);
      for (Region r : Region.values()) {
        tp += count(csv, row, r.key() + "_findings_tp");
        fp += count(csv, row, r.key() + "_findings_fp");
        fn += count(csv, row, r.key() + "_findings_fn");
        double b = number(csv, row, r.key() + "_bleu_4");
        if (!Double.isNaN(b)) {
          bleu.put(r, b);
        }
      }
      out.add(new CaseScore(row.fields().get(csv.column("case_id")), tp, fp, fn, bleu,
          count(csv, row, "vqa_correct"), count(csv, row, "vqa_total")));
    }
    return out;
  }

  private static double number(Csv csv, Csv.Row row, String column) {
    if (!csv.has(column)) {
      return Double.NaN;
    }
    int i = csv.column(column);
    String v = i < row.fields().size() ? row.fields().get(i).strip() : "";
    if (v.isEmpty()) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(csv.file() + ":" + row.line() + ": " + column + " is not a number: '" + v + "'");
    }
  }

  private static int count(Csv csv, Csv.Row row, String column) {
    double v = number(csv, row, column);
    return Double.isNaN(v) ? 0 : (int) Math.max(0, v);
  }
}
