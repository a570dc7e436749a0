package org.scribe3d.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A diagnosis hint in words, put in front of every prompt about a scan: the finding types an image
 * classifier (the encoder's finding head) calls present, e.g. "Image findings: cardiomegaly, pleural
 * effusion." or "Image findings: none." — the diagnosis-driven prompt of PromptMRG (Jin et al., AAAI 2024),
 * not part of M3D. A small language model copies a word from its prompt far sooner than it learns to read
 * the same fact from image embeddings (session 9: the finding head separates enlarged hearts with AUC 0.99,
 * and after six epochs no report named one; session 10: its sampled reports named cardiomegaly as often for
 * normal hearts as for enlarged ones).
 *
 * <p>Only types are named, when their {@code type:…} label reaches the threshold. Whatever else a report states
 * (side, lobe, severity, size, count) the language model still reads from the image: hints that also named the
 * head's most likely severity and side (session 10) lifted the severity questions but cost the reports their
 * sides (pleural effusion F1 0.90 → 0.29–0.67, the side labels being seldom above 0.5 and their argmax often
 * wrong), and the finding F1 fell from 0.53 to 0.42–0.43.
 */
public final class FindingHint {
  private FindingHint() {}

  public static final String PREFIX = "Image findings:";
  /** A type is named when the head's probability of it is at least this. */
  public static final double THRESHOLD = 0.5;
  private static final String TYPE = "type:";

  /** The hint for one scan with every type's threshold {@link #THRESHOLD}. */
  public static String of(List<String> labels, float[] probs, int offset) {
    return of(labels, probs, offset, null);
  }

  /**
   * The hint for one scan.
   *
   * @param labels the head's labels, in its order
   * @param probs sigmoid probabilities, {@code labels.size()} per scan
   * @param offset where this scan's probabilities start in {@code probs}
   * @param thresholds per label, the probability at which its type is named (NaN: never), or null for
   *     {@link #THRESHOLD} everywhere; only type labels' entries are read
   */
  public static String of(List<String> labels, float[] probs, int offset, double[] thresholds) {
    List<String> named = new ArrayList<>();
    for (int l = 0; l < labels.size(); l++) {
      float p = probs[offset + l];
      if (!Float.isFinite(p)) {
        throw new IllegalArgumentException("the finding head gives a non-finite probability for " + labels.get(l));
      }
      if (labels.get(l).startsWith(TYPE) && p >= (thresholds == null ? THRESHOLD : thresholds[l])) {
        named.add(words(labels.get(l)));
      }
    }
    return PREFIX + " " + (named.isEmpty() ? "none" : String.join(", ", named)) + ".";
  }

  /** The prompt as the language model sees it with a hint. */
  public static String prepend(String hint, String prompt) {
    return hint + " " + prompt;
  }

  /**
   * Texts that hold every word a hint over these labels can use (for a restricted vocabulary): the hint
   * naming no type and the hint naming all of them.
   */
  public static List<String> vocabularyTexts(List<String> labels) {
    List<String> all = new ArrayList<>();
    for (String l : labels) {
      if (l.startsWith(TYPE)) {
        all.add(words(l));
      }
    }
    return List.of(PREFIX + " none.", PREFIX + " " + String.join(", ", all) + ".");
  }

  private static String words(String typeLabel) {
    return typeLabel.substring(TYPE.length()).replace('_', ' ').toLowerCase(Locale.ROOT);
  }
}
