package org.scribe3d.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.scribe3d.data.Region;

/**
 * Assigns a report sentence to chest, abdomen or pelvis (or unknown) from the anatomy it names, as
 * the paper does to split CT-RATE reports by region.
 *
 * <p>Each lexicon term votes for its region with its weight. The head of the sentence (the first
 * anatomical term, usually the grammatical subject) counts 1.5x; findings ("atelectasis",
 * "ascites") count 2x, because they say what the sentence is about ("The liver dome and right lung
 * base show atelectasis" is a chest sentence); terms after a relational word ("extending into",
 * "above", "adjacent to") count half; devices never head a sentence (a tube is where its tip is).
 * Unknown: no regional term, a technique / comparison header, or technique wording whose only
 * regional words are scan-coverage words ("CT of the chest, abdomen and pelvis was performed").
 */
public final class RegionClassifier {

  /** One classified sentence; {@code region} is null for unknown. */
  public record Result(String sentence, Region region, List<TermMatch> terms, Map<Region, Double> scores) {
    /** "chest", "abdomen", "pelvis" or "unknown". */
    public String regionKey() {
      return region == null ? "unknown" : region.key();
    }

    /** The matched terms as written, in text order (technique cues included). */
    public List<String> termTexts() {
      List<String> out = new ArrayList<>();
      terms.forEach(t -> out.add(t.text()));
      return out;
    }
  }

  private static final Pattern HEADER = Pattern.compile(
      "^\\s*(technique|comparison|clinical (information|history|indication)|indication|history|protocol|"
          + "examination|exam|procedure)\\b\\s*[:\\-]", Pattern.CASE_INSENSITIVE);

  private static final Set<String> RELATIONAL = Set.of("into", "toward", "towards", "abutting",
      "adjacent", "near", "extending", "extends", "extend", "compressing", "displacing", "above",
      "below", "beneath", "inferior", "level", "through");

  private final AnatomyLexicon lexicon;

  public RegionClassifier() {
    this(AnatomyLexicon.standard());
  }

  public RegionClassifier(AnatomyLexicon lexicon) {
    this.lexicon = lexicon;
  }

  /** Splits the text into sentences and classifies each. */
  public List<Result> classifyText(String text) {
    List<Result> out = new ArrayList<>();
    for (String s : SentenceSplitter.split(text)) {
      out.add(classify(s));
    }
    return out;
  }

  public Result classify(String sentence) {
    List<TermMatch> terms = lexicon.match(sentence);
    Map<Region, Double> scores = new EnumMap<>(Region.class);
    for (Region r : Region.values()) {
      scores.put(r, 0.0);
    }
    boolean technique = false;
    boolean anatomical = false;
    for (TermMatch t : terms) {
      if (t.region() == null) {
        technique |= "technique".equals(t.kind());
      } else if (!"region".equals(t.kind())) {
        anatomical = true;
      }
    }
    if (HEADER.matcher(sentence).find() || technique && !anatomical) {
      return new Result(sentence, null, terms, Collections.unmodifiableMap(scores));
    }
    List<Tokens.Token> toks = Tokens.of(sentence);
    boolean headSeen = false;
    Region first = null;
    for (TermMatch t : terms) {
      if (t.region() == null || t.weight() <= 0) {
        continue;
      }
      double w = t.weight();
      boolean modifier = precededByRelational(toks, t.start());
      if ("finding".equals(t.kind())) {
        w *= 2;
      }
      if (!headSeen && !"device".equals(t.kind())) {
        headSeen = true;
        if (!modifier) {
          w *= 1.5;
        }
      }
      if (modifier) {
        w *= 0.5;
      }
      if (first == null) {
        first = t.region();
      }
      scores.merge(t.region(), w, Double::sum);
    }
    Region best = null;
    double bestScore = 0;
    for (Region r : Region.values()) {
      double s = scores.get(r);
      if (s > bestScore + 1e-9 || s > 0 && Math.abs(s - bestScore) <= 1e-9 && r == first) {
        best = r;
        bestScore = s;
      }
    }
    return new Result(sentence, best, terms, Collections.unmodifiableMap(scores));
  }

  private static boolean precededByRelational(List<Tokens.Token> toks, int start) {
    int idx = -1;
    for (int i = 0; i < toks.size(); i++) {
      if (toks.get(i).start() >= start) {
        idx = i;
        break;
      }
    }
    for (int k = Math.max(0, idx - 3); k >= 0 && k < idx; k++) {
      if (RELATIONAL.contains(toks.get(k).norm())) {
        return true;
      }
    }
    return false;
  }
}
