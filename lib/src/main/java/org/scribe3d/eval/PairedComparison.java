package org.scribe3d.eval;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.scribe3d.data.Region;

/**
 * A paired bootstrap of two prediction sets, A (this run) and B (the other), on the cases both have:
 * per metric both have, A, B, the difference A - B with its 95% interval, p-value and verdict. GREEN
 * is not compared (it would run the judge over both sets again). A metric that was not compared comes
 * back with NaN values, zero cases and the verdict "not compared".
 *
 * @param a predictions file of A
 * @param b predictions file of B
 * @param metrics one entry per compared metric, in eval.json order
 */
public record PairedComparison(Path a, Path b, List<Evaluator.Comparison> metrics) {
  /** What eval.json says of the comparison. */
  public static final String NOTE =
      "paired bootstrap over the cases both runs have; difference = a - b; GREEN not compared";

  public PairedComparison {
    metrics = List.copyOf(metrics);
  }

  /** The comparison of one metric by its eval.json name, or null when it was not compared. */
  public Evaluator.Comparison metric(String name) {
    for (Evaluator.Comparison c : metrics) {
      if (c.metric().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** Cases both runs have (the bootstrap's population). */
  public int cases() {
    return metrics.isEmpty() ? 0 : metrics.get(0).cases();
  }

  public Evaluator.Comparison reportMetric(ReportMetric m) {
    return get(MetricNames.report(null, m));
  }

  public Evaluator.Comparison reportMetric(Region region, ReportMetric m) {
    return get(MetricNames.report(region, m));
  }

  public Evaluator.Comparison findingF1() {
    return get(MetricNames.findings(null, FindingMetric.F1));
  }

  public Evaluator.Comparison findingF1(Region region) {
    return get(MetricNames.findings(region, FindingMetric.F1));
  }

  public Evaluator.Comparison findingMetric(Region region, FindingMetric m) {
    return get(MetricNames.findings(region, m));
  }

  public Evaluator.Comparison vqaAccuracy() {
    return get(MetricNames.vqa());
  }

  public Evaluator.Comparison vqaAccuracy(String questionType) {
    return get(MetricNames.vqa(questionType));
  }

  private Evaluator.Comparison get(String name) {
    Evaluator.Comparison c = metric(name);
    if (c != null) {
      return c;
    }
    double nan = Double.NaN;
    return new Evaluator.Comparison(name, 0, new Bootstrap.Paired(nan, nan, nan, nan, nan, nan, "not compared", 0));
  }

  /** The "comparison" object of eval.json. */
  JsonObject toJson() {
    JsonObject c = new JsonObject();
    c.addProperty("a", a.toString());
    c.addProperty("b", b.toString());
    c.addProperty("note", NOTE);
    c.add("metrics", Evaluator.comparisonsToJson(metrics));
    return c;
  }
}
