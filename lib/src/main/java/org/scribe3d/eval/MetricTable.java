package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What the metric calculators of one evaluation fill in: each metric as a function of the case
 * weights of a bootstrap resample (null = every case once) with its row count, the notes and counts
 * shown beside the metrics, and the per-case table (one row per case, one column per value).
 */
final class MetricTable {
  /** A metric as a function of case weights, and the number of rows or questions it is computed on. */
  record Stat(ToDoubleFunction<int[]> f, int n) {}

  final Map<String, Stat> stats = new LinkedHashMap<>();
  final List<String> notes = new ArrayList<>();
  final Map<String, Integer> counts = new LinkedHashMap<>();
  final Map<String, Map<String, String>> perCase = new LinkedHashMap<>();

  void cell(String caseId, String column, String value) {
    perCase.computeIfAbsent(caseId, k -> new LinkedHashMap<>()).put(column, value);
  }

  /** A per-case value with six decimals; NaN as an empty cell. */
  static String fmt(double v) {
    return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%.6f", v);
  }
}
