package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.scribe3d.data.Region;

/**
 * The dotted metric names of eval.json, built in one place: {@code report.<region|all>.<metric>},
 * {@code findings.<region|all>.<precision|recall|f1>}, {@code findings.type.<type>.<...>},
 * {@code hint_findings.all.<...>}, {@code vqa.all.accuracy}, {@code vqa.type.<type>.accuracy}.
 */
final class MetricNames {
  private MetricNames() {}

  static final String ALL = "all";

  static String scope(Region region) {
    return region == null ? ALL : region.key();
  }

  static String report(Region region, ReportMetric m) {
    return "report." + scope(region) + "." + m.key();
  }

  static String findings(Region region, FindingMetric m) {
    return "findings." + scope(region) + "." + m.key();
  }

  static String findingType(String type, FindingMetric m) {
    return "findings.type." + type + "." + m.key();
  }

  static String hintFindings(FindingMetric m) {
    return "hint_findings.all." + m.key();
  }

  static String vqa() {
    return "vqa.all.accuracy";
  }

  static String vqa(String questionType) {
    return "vqa.type." + questionType + ".accuracy";
  }

  /** The middle parts of the names between prefix and suffix, in order of first appearance. */
  static List<String> between(List<String> names, String prefix, String suffix) {
    Set<String> out = new LinkedHashSet<>();
    for (String n : names) {
      if (n.startsWith(prefix) && n.endsWith(suffix) && n.length() > prefix.length() + suffix.length()) {
        out.add(n.substring(prefix.length(), n.length() - suffix.length()));
      }
    }
    return new ArrayList<>(out);
  }
}
