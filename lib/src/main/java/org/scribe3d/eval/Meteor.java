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
 * most exact matches, smallest summed position distance. A word with more than 10 free candidate
 * positions expands only the 10 nearest to where the current chunk would continue.
 */
public final class Meteor {
  private Meteor() {}

  private static final int BEAM = 40;
  private static final int MAX_CANDIDATES = 10;

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

  /** A match chosen for hypothesis position i (linked to the previous choices). */
  private record Link(Link prev, int hyp, int ref, int stage) {}

  /** A partial alignment; usedRef is a bit set over reference positions. */
  private record Partial(Link last, long[] usedRef, int matches, int chunks, int stage0, int distance) {
    /** Preference as one number: more matches, then fewer chunks, more exact matches, less distance. */
    long key() {
      return ((long) matches << 48) - ((long) chunks << 36) + ((long) stage0 << 24) - Math.min(distance, (1 << 24) - 1);
    }
  }

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
    List<Partial> beam = new ArrayList<>();
    beam.add(new Partial(null, new long[(r + 63) / 64], 0, 0, 0, 0));
    // the packed key holds counts below 4096; longer texts use the same order field by field
    Comparator<Partial> better = h < 4096 && r < 4096 ? Comparator.comparingLong(p -> -p.key())
        : Comparator.comparingInt((Partial p) -> -p.matches).thenComparingInt(p -> p.chunks)
            .thenComparingInt(p -> -p.stage0).thenComparingInt(p -> p.distance);
    for (int i = 0; i < h; i++) {
      if (cand.get(i).isEmpty()) {
        continue;
      }
      List<Partial> next = new ArrayList<>();
      List<int[]> ci = cand.get(i);
      for (Partial p : beam) {
        next.add(p); // leave hypothesis word i unmatched
        for (int[] c : nearest(ci, p, i)) {
          int j = c[0];
          long[] used = p.usedRef.clone();
          used[j >>> 6] |= 1L << j;
          boolean continues = p.last != null && p.last.hyp == i - 1 && p.last.ref == j - 1;
          next.add(new Partial(new Link(p.last, i, j, c[1]), used, p.matches + 1, p.chunks + (continues ? 0 : 1),
              p.stage0 + (c[1] == 0 ? 1 : 0), p.distance + Math.abs(i - j)));
        }
      }
      next.sort(better);
      beam = next.size() > BEAM ? new ArrayList<>(next.subList(0, BEAM)) : next;
    }
    Partial bestP = beam.stream().min(better).orElseThrow();
    return stats(hyp, ref, bestP);
  }

  /**
   * The unused candidates of a state; when a word has more than {@link #MAX_CANDIDATES} of them
   * (long, repetitive texts), only those nearest to where the state's last chunk would continue are
   * expanded, which keeps the search linear in text length.
   */
  private static List<int[]> nearest(List<int[]> cands, Partial p, int i) {
    List<int[]> free = new ArrayList<>(Math.min(cands.size(), 16));
    for (int[] c : cands) {
      if ((p.usedRef[c[0] >>> 6] & (1L << c[0])) == 0) {
        free.add(c);
      }
    }
    if (free.size() <= MAX_CANDIDATES) {
      return free;
    }
    int target = p.last == null ? i : p.last.ref + 1;
    free.sort(Comparator.comparingInt(c -> Math.abs(c[0] - target)));
    return free.subList(0, MAX_CANDIDATES);
  }

  private static MeteorStats stats(List<String> hyp, List<String> ref, Partial bestP) {
    int h = hyp.size();
    int r = ref.size();
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
    for (Link l = bestP.last; l != null; l = l.prev) {
      int stage = l.stage;
      if (isFunctionWord(hyp.get(l.hyp))) {
        s.testFunctionMatches[stage]++;
      } else {
        s.testContentMatches[stage]++;
      }
      if (isFunctionWord(ref.get(l.ref))) {
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
