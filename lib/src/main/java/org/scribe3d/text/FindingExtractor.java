package org.scribe3d.text;

import static org.scribe3d.text.FindingMentions.ci;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;
import org.scribe3d.text.FindingMentions.Mention;

/**
 * Report text → structured findings in the shared {@link FindingType} vocabulary: type (hence region
 * and organ), side, size in mm (the largest dimension of "12 mm", "1.2 cm", "12 x 9 mm"), severity,
 * location (lung lobe, liver segment, kidney part, nodal station) and negation.
 *
 * <p>How: per sentence, trigger words are found by family (nodule, effusion, fluid, lesion, stone,
 * node, wall thickening, enlargement, plus direct terms such as "cardiomegaly" or "ascites"); the
 * organ context nearest to each trigger decides the type ("cyst" near "kidney" is a renal cyst, near
 * "liver" a liver lesion, near "pancreas" nothing). Mentions of one type in a sentence merge unless
 * a new item starts ("... and a 4 mm nodule"). Each mention takes its attributes from its own stretch
 * of the sentence (bounded by the neighbouring mentions), and is negated when {@link Negation} puts
 * any of its words in a negation scope. "Heart size is normal" and similar yield negated
 * cardiomegaly / hepatomegaly / splenomegaly.
 *
 * <p>This class is the algorithm (split, merge, bound each mention's stretch); the trigger and
 * context vocabulary is {@link FindingMentions}', the attribute reading {@link FindingAttributes}'.
 */
public final class FindingExtractor {
  private FindingExtractor() {}

  private static final Pattern SEPARATOR = ci(";|\\band (?:a|an|another)\\b|\\banother\\b|,\\s*(?:a|an)\\b|\\bbut\\b");
  private static final Pattern CLAUSE_BREAK = ci(";|,|\\band\\b|\\bbut\\b|\\bwith\\b|\\bwhile\\b");

  /** All findings of a report text (sentence by sentence), positive and negated, in text order. */
  public static List<Finding> extract(String text) {
    List<Finding> out = new ArrayList<>();
    for (String s : SentenceSplitter.split(text)) {
      out.addAll(extractSentence(s));
    }
    return out;
  }

  /** The positive (not negated) findings of a report text. */
  public static List<Finding> extractPositive(String text) {
    return extract(text).stream().filter(f -> !f.negated()).toList();
  }

  /** The positive findings of one case's reports, region by region in map order (empty reports give none). */
  public static List<Finding> extractPositive(Map<?, String> reports) {
    List<Finding> out = new ArrayList<>();
    for (String text : reports.values()) {
      if (text != null && !text.isBlank()) {
        out.addAll(extractPositive(text));
      }
    }
    return out;
  }

  /** Findings of one sentence. */
  public static List<Finding> extractSentence(String sentence) {
    List<Mention> raw = FindingMentions.find(sentence);
    List<Mention> merged = merge(sentence, raw);
    List<Finding> out = new ArrayList<>();
    for (int i = 0; i < merged.size(); i++) {
      Mention m = merged.get(i);
      int lo = i == 0 ? 0 : boundary(sentence, merged.get(i - 1), m);
      int hi = i == merged.size() - 1 ? sentence.length() : boundary(sentence, m, merged.get(i + 1));
      out.add(FindingAttributes.of(sentence, m, lo, hi));
    }
    return out;
  }

  private static List<Mention> merge(String s, List<Mention> raw) {
    List<Mention> out = new ArrayList<>();
    for (Mention m : raw) {
      Mention same = null;
      for (Mention o : out) {
        if (o.type == m.type && o.forcedNegated == m.forcedNegated) {
          int from = Math.min(o.spans.get(0)[1], m.anchor);
          int to = Math.max(o.spans.get(0)[1], m.anchor);
          if (!SEPARATOR.matcher(s.substring(from, to)).find()) {
            same = o;
          }
        }
      }
      if (same != null) {
        same.spans.addAll(m.spans);
      } else {
        out.add(m);
      }
    }
    out.sort(Comparator.comparingInt(m -> m.anchor));
    return out;
  }

  /** Where the stretch of one mention ends and the next begins: the last clause break between them. */
  private static int boundary(String s, Mention a, Mention b) {
    int from = a.spans.get(0)[1];
    int to = b.anchor;
    if (to <= from) {
      return Math.max(a.anchor, Math.min(from, to));
    }
    Matcher m = CLAUSE_BREAK.matcher(s);
    m.region(from, to);
    int last = -1;
    while (m.find()) {
      last = m.start();
    }
    return last >= 0 ? last : (from + to) / 2;
  }
}
