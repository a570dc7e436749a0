package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * METEOR with exact and Porter-stem matching and the METEOR 1.5 English parameters. What differs from
 * the METEOR 1.5 jar (no synonym/paraphrase modules, own function-word list, own alignment search)
 * is written in docs/metrics.md.
 *
 * <p>Alignment: every hypothesis word may match one reference word that is identical (stage 0) or
 * has the same Porter stem (stage 1). A beam search (width 40, as METEOR's) over hypothesis
 * positions keeps the alignments with, in order of preference: most matched words, fewest chunks,
 * most exact matches, smallest summed position distance.
 */
public final class Meteor {
  private Meteor() {}

  private static final int BEAM = 40;

  /** Closed-class English words (determiners, pronouns, prepositions, conjunctions, auxiliaries). */
  static final Set<String> FUNCTION_WORDS = Set.of(
      "a", "an", "the", "this", "that", "these", "those", "some", "any", "each", "every", "no", "all", "both",
      "either", "neither", "such", "what", "which", "whose", "who", "whom", "whatever", "whichever",
      "i", "me", "my", "mine", "myself", "you", "your", "yours", "yourself", "yourselves", "he", "him", "his",
      "himself", "she", "her", "hers", "herself", "it", "its", "itself", "we", "us", "our", "ours", "ourselves",
      "they", "them", "their", "theirs", "themselves", "one", "ones",
      "of", "in", "on", "at", "by", "for", "with", "without", "within", "from", "to", "into", "onto", "upon",
      "about", "above", "across", "after", "against", "along", "among", "around", "before", "behind", "below",
      "beneath", "beside", "besides", "between", "beyond", "down", "during", "except", "inside", "near", "off",
      "out", "outside", "over", "past", "per", "since", "through", "throughout", "till", "toward", "towards",
      "under", "underneath", "until", "up", "via", "versus", "vs", "as", "than",
      "and", "or", "but", "nor", "so", "yet", "if", "because", "although", "though", "while", "whereas",
      "whether", "unless", "when", "where", "whereby", "then", "also", "however", "thus", "there", "here",
      "be", "am", "is", "are", "was", "were", "been", "being", "have", "has", "had", "having", "do", "does",
      "did", "doing", "done", "will", "would", "shall", "should", "can", "could", "may", "might", "must",
      "'s", "'re", "'ve", "'ll", "'d", "'m", "n't", "not", "ca", "wo");

  static boolean isFunctionWord(String w) {
    return FUNCTION_WORDS.contains(w);
  }

  /** The statistics of the best-scoring reference (METEOR scores each reference and keeps the best). */
  static MeteorStats best(List<String> hyp, List<List<String>> refs) {
    MeteorStats best = null;
    double bestScore = -1;
    for (List<String> ref : refs) {
      MeteorStats s = align(hyp, ref);
      double sc = s.score();
      if (sc > bestScore) {
        bestScore = sc;
        best = s;
      }
    }
    return best;
  }

  /** Segment METEOR of tokenised text against tokenised references. */
  public static double score(List<String> hyp, List<List<String>> refs) {
    return best(hyp, refs).score();
  }

  private record Partial(int[] refOf, int stage0, boolean[] usedRef, int matches, int chunks, int distance,
      int lastHyp, int lastRef) {}

  static MeteorStats align(List<String> hyp, List<String> ref) {
    int h = hyp.size();
    int r = ref.size();
    String[] hs = new String[h];
    String[] rs = new String[r];
    for (int i = 0; i < h; i++) {
      hs[i] = PorterStemmer.stem(hyp.get(i));
    }
    for (int j = 0; j < r; j++) {
      rs[j] = PorterStemmer.stem(ref.get(j));
    }
    // candidates per hypothesis position: (ref position, stage)
    List<List<int[]>> cand = new ArrayList<>();
    for (int i = 0; i < h; i++) {
      List<int[]> c = new ArrayList<>();
      for (int j = 0; j < r; j++) {
        if (hyp.get(i).equals(ref.get(j))) {
          c.add(new int[] {j, 0});
        } else if (hs[i].equals(rs[j])) {
          c.add(new int[] {j, 1});
        }
      }
      cand.add(c);
    }
    int[] none = new int[h];
    java.util.Arrays.fill(none, -1);
    List<Partial> beam = new ArrayList<>();
    beam.add(new Partial(none, 0, new boolean[r], 0, 0, 0, -2, -2));
    Comparator<Partial> better = Comparator.comparingInt((Partial p) -> -p.matches)
        .thenComparingInt(p -> p.chunks)
        .thenComparingInt(p -> -p.stage0)
        .thenComparingInt(p -> p.distance);
    for (int i = 0; i < h; i++) {
      if (cand.get(i).isEmpty()) {
        continue;
      }
      List<Partial> next = new ArrayList<>();
      for (Partial p : beam) {
        next.add(p); // leave hypothesis word i unmatched
        for (int[] c : cand.get(i)) {
          int j = c[0];
          if (p.usedRef[j]) {
            continue;
          }
          boolean[] used = p.usedRef.clone();
          used[j] = true;
          int[] refOf = p.refOf.clone();
          refOf[i] = j * 2 + c[1];
          boolean continues = p.lastHyp == i - 1 && p.lastRef == j - 1;
          next.add(new Partial(refOf, p.stage0 + (c[1] == 0 ? 1 : 0), used, p.matches + 1,
              p.chunks + (continues ? 0 : 1), p.distance + Math.abs(i - j), i, j));
        }
      }
      next.sort(better);
      beam = next.size() > BEAM ? new ArrayList<>(next.subList(0, BEAM)) : next;
    }
    Partial bestP = beam.stream().min(better).orElseThrow();
    MeteorStats s = new MeteorStats();
    s.testLength = h;
    s.refLength = r;
    for (String w : hyp) {
      if (isFunctionWord(w)) {
        s.testFunctionWords++;
      }
    }
    for (String w : ref) {
      if (isFunctionWord(w)) {
        s.refFunctionWords++;
      }
    }
    for (int i = 0; i < h; i++) {
      int code = bestP.refOf[i];
      if (code < 0) {
        continue;
      }
      int j = code / 2;
      int stage = code % 2;
      if (isFunctionWord(hyp.get(i))) {
        s.testFunctionMatches[stage]++;
      } else {
        s.testContentMatches[stage]++;
      }
      if (isFunctionWord(ref.get(j))) {
        s.refFunctionMatches[stage]++;
      } else {
        s.refContentMatches[stage]++;
      }
    }
    s.testTotalMatches = bestP.matches;
    s.refTotalMatches = bestP.matches;
    s.chunks = bestP.chunks;
    return s;
  }
}
