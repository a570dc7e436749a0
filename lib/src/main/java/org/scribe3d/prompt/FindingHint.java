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
 * <p>A type is named when its {@code type:…} label reaches {@link #THRESHOLD}, with the head's most likely
 * severity and side for it when the head has such labels ("moderate left pleural effusion"): the head ranks
 * those well (AUC 0.93–1.00 for the diffuse types on the demo's held-out scans) but is seldom above 0.5 on any
 * one of them. Whatever else a report states (lobe, size, count) the language model still reads from the image.
 */
public final class FindingHint {
  private FindingHint() {}

  public static final String PREFIX = "Image findings:";
  /** A type is named when the head's probability of it is at least this. */
  public static final double THRESHOLD = 0.5;
  private static final String TYPE = "type:";
  private static final String SEVERITY = "severity:";
  private static final String SIDE = "side:";

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
        String type = labels.get(l).substring(TYPE.length());
        String severity = mostLikely(labels, probs, offset, SEVERITY + type + ":");
        String side = mostLikely(labels, probs, offset, SIDE + type + ":");
        named.add((severity == null ? "" : severity + " ") + (side == null ? "" : side + " ") + words(labels.get(l)));
      }
    }
    return PREFIX + " " + (named.isEmpty() ? "none" : String.join(", ", named)) + ".";
  }

  /** The value of the most probable label starting with {@code prefix} (e.g. "moderate"), or null if none. */
  private static String mostLikely(List<String> labels, float[] probs, int offset, String prefix) {
    String best = null;
    float bestP = Float.NEGATIVE_INFINITY;
    for (int l = 0; l < labels.size(); l++) {
      if (labels.get(l).startsWith(prefix) && probs[offset + l] > bestP) {
        bestP = probs[offset + l];
        best = labels.get(l).substring(prefix.length()).replace('_', ' ').toLowerCase(Locale.ROOT);
      }
    }
    return best;
  }

  /** The prompt as the language model sees it with a hint. */
  public static String prepend(String hint, String prompt) {
    return hint + " " + prompt;
  }

  /**
   * Texts that hold every word a hint over these labels can use (for a restricted vocabulary): the hint
   * naming no type, the hint naming all of them, and every severity and side word after a space.
   */
  public static List<String> vocabularyTexts(List<String> labels) {
    List<String> all = new ArrayList<>();
    java.util.Set<String> qualifiers = new java.util.TreeSet<>();
    for (String l : labels) {
      if (l.startsWith(TYPE)) {
        all.add(words(l));
      } else if (l.startsWith(SEVERITY) || l.startsWith(SIDE)) {
        qualifiers.add(l.substring(l.lastIndexOf(':') + 1).replace('_', ' ').toLowerCase(Locale.ROOT));
      }
    }
    List<String> out = new ArrayList<>(List.of(PREFIX + " none.", PREFIX + " " + String.join(", ", all) + "."));
    if (!qualifiers.isEmpty()) {
      out.add(PREFIX + " " + String.join(" ", qualifiers) + ", " + String.join(", ", qualifiers) + ".");
    }
    return out;
  }

  private static String words(String typeLabel) {
    return typeLabel.substring(TYPE.length()).replace('_', ' ').toLowerCase(Locale.ROOT);
  }
}
