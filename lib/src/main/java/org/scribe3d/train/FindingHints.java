package org.scribe3d.train;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.scribe3d.data.Finding;
import org.scribe3d.data.PipelineCache;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.prompt.FindingHint;
import org.scribe3d.prompt.HintThresholds;

/**
 * {@code train --finding-hints}: the frozen finding head's probabilities for each scan (once, on its
 * deterministic preprocessing, as generation sees it), which finding types the hints may name (those the head
 * gets right on the training scans), and the examples' prompts with each scan's {@link FindingHint}.
 */
public final class FindingHints {
  private FindingHints() {}

  /**
   * A type is named in hints only if, on the training scans, at least this fraction of the head's calls at
   * {@link FindingHint#THRESHOLD} are right against the labels read from their reports: a hint that names what is not
   * there misleads the language model, which learns (from true hints) to follow it. Precision, not F1 (an F1 of 0.5
   * was measured to leave two types never named): a type the head finds only sometimes but rightly when it does is
   * worth naming — where the hint is silent the model is where it would be had the type never been named. On the
   * demo's training scans kidney stones are called right 18 times in 24 (F1 0.49 for a recall of 0.37), liver
   * lesions 10 in 10 (F1 0.31); naming them raised the hints' own F1 from 0.791 to 0.823 (docs/experiments.md).
   */
  public static final double MIN_PRECISION = 0.7;

  /** The fewest right calls on the training scans on which that precision is judged. */
  public static final int MIN_RIGHT_CALLS = 5;

  /** How often the head's most probable severity of a named type must be right for hints to give it. */
  public static final double MIN_SEVERITY_ACCURACY = 0.6;

  /** The fewest training scans stating a type's severity on which that accuracy is judged. */
  public static final int MIN_SEVERITY_SCANS = 5;

  /** The heads' outputs ({@link MultimodalModel#findingScores}) for every scan the examples use. */
  public static Map<Path, FindingHint.Scores> scores(MultimodalModel model, PipelineCache volumes,
      List<TrainingExample> examples, int batch) throws IOException {
    if (!model.hasFindingHead()) {
      throw new IllegalArgumentException("finding hints need a finding head");
    }
    List<Path> scans = new ArrayList<>(new LinkedHashSet<>(examples.stream().map(TrainingExample::image).toList()));
    NDManager base = model.vision().namedParameters().values().iterator().next().array().getManager();
    Map<Path, FindingHint.Scores> out = new LinkedHashMap<>();
    ScanBatches.forEach(volumes, scans, batch, base, (images, from, n) -> {
      FindingHint.Scores[] s = model.findingScores(model.vision().forward(images));
      for (int i = 0; i < n; i++) {
        out.put(scans.get(from + i), s[i]);
      }
    });
    return out;
  }

  /**
   * Per label, the probability at which its type is named: {@link FindingHint#THRESHOLD} for each {@code type:}
   * label whose calls at that threshold on the given scans are right at least {@link #MIN_PRECISION} of the time (and
   * at least {@link #MIN_RIGHT_CALLS} times), NaN (never named) for the other type labels and every other label
   * except the severity labels of named types the head grades well (0: the hint gives the most probable, see
   * {@code nameSeverities}). A fixed threshold rather than each type's
   * F1-optimal one: on the demo's training scans the optimal cut sat on the edge of the positives (ascites 0.98,
   * the head's scores being separable there) and missed held-out positives just below it (ascites F1 0.96 → 0.25
   * with the per-type cut); under an F1 rule no threshold in 0.2–0.7 let kidney stones or liver lesions in either.
   *
   * @param probs the head's probabilities per scan
   * @param truth the labels each scan's reports state (same order as {@code probs})
   */
  public static double[] thresholds(List<String> labels, List<float[]> probs, List<? extends Collection<String>> truth) {
    if (probs.size() != truth.size()) {
      throw new IllegalArgumentException(probs.size() + " scans of probabilities but " + truth.size() + " of labels");
    }
    double[] out = new double[labels.size()];
    Arrays.fill(out, Double.NaN);
    for (int l = 0; l < labels.size(); l++) {
      if (!labels.get(l).startsWith("type:")) {
        continue;
      }
      int tp = 0;
      int fp = 0;
      for (int i = 0; i < probs.size(); i++) {
        boolean said = probs.get(i)[l] >= FindingHint.THRESHOLD;
        boolean there = truth.get(i).contains(labels.get(l));
        tp += said && there ? 1 : 0;
        fp += said && !there ? 1 : 0;
      }
      if (tp >= MIN_RIGHT_CALLS && tp >= MIN_PRECISION * (tp + fp)) {
        out[l] = FindingHint.THRESHOLD;
        nameSeverities(labels, probs, truth, labels.get(l).substring("type:".length()), out);
      }
    }
    return out;
  }

  /**
   * A named type's severity is named too when, on the scans whose reports state one, the head's most probable
   * severity of the type is the stated one at least {@link #MIN_SEVERITY_ACCURACY} of the time (over at least
   * {@link #MIN_SEVERITY_SCANS} scans): its severity labels then get threshold 0, so the hint gives the most
   * probable one. Wrong attributes in hints were measured to cost the reports more than right ones gained.
   */
  private static void nameSeverities(List<String> labels, List<float[]> probs, List<? extends Collection<String>> truth,
      String type, double[] out) {
    String prefix = "severity:" + type + ":";
    List<Integer> cols = new ArrayList<>();
    for (int l = 0; l < labels.size(); l++) {
      if (labels.get(l).startsWith(prefix)) {
        cols.add(l);
      }
    }
    int stated = 0;
    int right = 0;
    for (int i = 0; i < probs.size(); i++) {
      String said = null;
      for (int c : cols) {
        if (truth.get(i).contains(labels.get(c))) {
          said = labels.get(c);
        }
      }
      if (said == null) {
        continue;
      }
      int best = cols.get(0);
      for (int c : cols) {
        best = probs.get(i)[c] > probs.get(i)[best] ? c : best;
      }
      stated++;
      right += labels.get(best).equals(said) ? 1 : 0;
    }
    if (stated >= MIN_SEVERITY_SCANS && right >= MIN_SEVERITY_ACCURACY * stated) {
      cols.forEach(c -> out[c] = 0.0);
    }
  }

  /** Each scan's hint from its heads' outputs and the thresholds. */
  public static Map<Path, String> hints(FindingHint.Heads heads, Map<Path, FindingHint.Scores> scores,
      double[] thresholds) {
    Map<Path, String> out = new LinkedHashMap<>();
    scores.forEach((scan, s) -> out.put(scan, FindingHint.of(heads, s, thresholds)));
    return out;
  }

  /**
   * The hint a perfect head would give a scan: its reports' findings of the types the thresholds name, in label
   * order, each with its location, side and (when the thresholds name the type's severities) severity.
   */
  public static String trueHint(List<Finding> findings, List<String> labels, double[] thresholds) {
    List<FindingHint.Item> items = new ArrayList<>();
    for (int l = 0; l < labels.size(); l++) {
      if (!labels.get(l).startsWith("type:") || Double.isNaN(thresholds[l])) {
        continue;
      }
      String type = labels.get(l).substring("type:".length());
      boolean graded = false;
      for (int m = 0; m < labels.size(); m++) {
        graded |= labels.get(m).startsWith("severity:" + type + ":") && !Double.isNaN(thresholds[m]);
      }
      for (Finding f : findings) {
        if (!f.negated() && f.type().key().equals(type)) {
          String severity = graded && f.severity() != null ? f.severity().toLowerCase(java.util.Locale.ROOT) : null;
          items.add(new FindingHint.Item(type, f.location(), f.side(), severity));
        }
      }
    }
    return FindingHint.text(items);
  }

  /**
   * {@code hints} with the hints of a seeded {@code fraction} of the scans in {@code truth} replaced by their
   * {@link #trueHint}s ({@code train --true-hints}): on those scans the hint is always right, so the language model
   * learns to follow it rather than to second-guess it from the image.
   */
  public static Map<Path, String> withTrueHints(Map<Path, String> hints, Map<Path, List<Finding>> truth,
      List<String> labels, double[] thresholds, double fraction, long seed) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("the fraction of true hints must be in [0, 1], got " + fraction);
    }
    List<Path> scans = new ArrayList<>(truth.keySet());
    java.util.Collections.shuffle(scans, new java.util.Random(seed));
    Map<Path, String> out = new LinkedHashMap<>(hints);
    for (Path scan : scans.subList(0, trueHintCount(fraction, scans.size()))) {
      out.put(scan, trueHint(truth.get(scan), labels, thresholds));
    }
    return out;
  }

  /** How many of {@code scans} training scans {@link #withTrueHints} hints truly. */
  static int trueHintCount(double fraction, int scans) {
    return (int) Math.round(fraction * scans);
  }

  /**
   * What {@link #prepare} made: the examples with hints, the thresholds (head label order), one hint, the scans
   * hinted and how many training scans got their true hint.
   */
  public record Prepared(List<TrainingExample> train, List<TrainingExample> val, double[] thresholds,
      String example, int scans, int trueHints) {}

  /**
   * Hints for a run: the head's probabilities for every scan of {@code train} and {@code val}, which types may
   * be named (judged on the training scans against {@code trainTruth}, their reports' labels, unless
   * {@code given} thresholds in head label order are passed, e.g. from {@code prompts.hint_thresholds}), and both
   * example lists with each scan's hint in front of its prompts. A seeded {@code trueFraction} of the training
   * scans (those in {@code trainFindings}, their reports' findings) is hinted with their {@link #trueHint} instead
   * of the head's (validation scans always get the head's).
   */
  public static Prepared prepare(MultimodalModel model, PipelineCache volumes, List<TrainingExample> train,
      List<TrainingExample> val, Map<Path, List<String>> trainTruth, int batch, Map<Path, List<Finding>> trainFindings,
      double trueFraction, long seed, double[] given) throws IOException {
    List<TrainingExample> both = new ArrayList<>(train);
    both.addAll(val);
    Map<Path, FindingHint.Scores> scores = scores(model, volumes, both, batch);
    List<float[]> trainProbs = new ArrayList<>();
    List<List<String>> truth = new ArrayList<>();
    trainTruth.forEach((scan, labels) -> {
      trainProbs.add(scores.get(scan).probs());
      truth.add(labels);
    });
    double[] th = given != null ? given : thresholds(model.config().findingLabels(), trainProbs, truth);
    Map<Path, String> hints = hints(model.findingHeads(), scores, th);
    Map<Path, String> trainHints = withTrueHints(hints, trainFindings, model.config().findingLabels(), th,
        trueFraction, seed);
    return new Prepared(apply(train, trainHints), apply(val, hints), th, hints.values().iterator().next(),
        hints.size(), trueHintCount(trueFraction, trainFindings.size()));
  }

  /** The run's hints file ({@link HintThresholds#toJson}). */
  public static JsonObject toJson(List<String> labels, double[] thresholds) {
    return HintThresholds.toJson(labels, thresholds);
  }

  /** The examples with their scan's hint in front of each prompt. */
  public static List<TrainingExample> apply(List<TrainingExample> examples, Map<Path, String> hints) {
    List<TrainingExample> out = new ArrayList<>(examples.size());
    for (TrainingExample e : examples) {
      String h = hints.get(e.image());
      if (h == null) {
        throw new IllegalArgumentException("no finding hint for " + e.image());
      }
      out.add(new TrainingExample(e.caseId(), e.image(), e.kind(), e.region(), e.questionType(),
          FindingHint.prepend(h, e.prompt()), e.answer()));
    }
    return out;
  }
}
