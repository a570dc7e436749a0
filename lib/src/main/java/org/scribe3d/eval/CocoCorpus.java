package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BLEU-1..4, ROUGE-L, CIDEr-D and METEOR over a set of (hypothesis, references) cases, computed as
 * pycocoevalcap computes them, from per-case statistics cached once so that a bootstrap resample
 * (a multiplicity per case) is scored without touching text again.
 *
 * <ul>
 *   <li>BLEU ({@code bleu/bleu_scorer.py}, option "closest"): clipped n-gram matches and guesses summed
 *       over cases; effective reference length per case is the reference length closest to the
 *       hypothesis length, ties to the shorter; brevity penalty exp(1 - r/c) when c &lt; r, with the
 *       reference's constants tiny = 1e-15 and small = 1e-9.</li>
 *   <li>ROUGE-L ({@code rouge/rouge.py}): LCS-based precision and recall, each maximised over the
 *       references separately, F with beta 1.2; tokens split on single spaces; corpus = mean.</li>
 *   <li>CIDEr-D ({@code cider/cider_scorer.py}): n = 1..4 tf-idf vectors, document frequency over the
 *       references of the evaluated set, idf = log(N) - log(max(1, df)), hypothesis weights clipped
 *       by reference weights, Gaussian penalty on the difference of bigram counts (sigma 6), mean over
 *       n, divided by the number of references, x10; corpus = mean. A resample is a new evaluated set:
 *       document frequencies and N are recomputed from it (duplicates count as separate images).</li>
 * </ul>
 *
 * Inputs must already be tokenised (see {@link PtbTokenizer}); tokens are what Python's split gives.
 */
public final class CocoCorpus {
  static final int N = 4;
  private static final double TINY = 1e-15;
  private static final double SMALL = 1e-9;
  private static final double SIGMA = 6.0;
  private static final double BETA = 1.2;

  private final int size;
  // BLEU per case
  private final int[] testLen;
  private final int[] refLen; // closest reference length
  private final int[][] guess;
  private final int[][] correct;
  // ROUGE-L per case
  private final double[] rouge;
  // CIDEr per case
  private final int vocab;
  private final int[] ngramOrder; // n-1 per n-gram id
  private final int[][] hypIds;
  private final int[][] hypCounts;
  private final int[] hypBigrams;
  private final int[][][] refIds;
  private final int[][][] refCounts;
  private final int[][] refBigrams;
  private final int[][] docIds; // distinct n-grams over a case's references
  private final MeteorStats[] meteor;

  private CocoCorpus(List<String> hyps, List<List<String>> refs, boolean withMeteor) {
    this(hyps, refs, withMeteor ? meteorStats(hyps, refs) : null);
  }

  /** METEOR statistics of every case, computed in parallel (the alignment search dominates the cost). */
  static MeteorStats[] meteorStats(List<String> hyps, List<List<String>> refs) {
    checkShape(hyps, refs);
    MeteorStats[] out = new MeteorStats[hyps.size()];
    java.util.stream.IntStream.range(0, hyps.size()).parallel().forEach(i ->
        out[i] = Meteor.best(PyStrings.split(hyps.get(i)), refs.get(i).stream().map(PyStrings::split).toList()));
    return out;
  }

  /** Cases with METEOR statistics computed beforehand (null = without METEOR). */
  static CocoCorpus withMeteorStats(List<String> hyps, List<List<String>> refs, MeteorStats[] meteor) {
    return new CocoCorpus(hyps, refs, meteor);
  }

  private static void checkShape(List<String> hyps, List<List<String>> refs) {
    if (hyps.size() != refs.size()) {
      throw new IllegalArgumentException(hyps.size() + " hypotheses but " + refs.size() + " reference sets");
    }
    for (int i = 0; i < refs.size(); i++) {
      if (refs.get(i).isEmpty()) {
        throw new IllegalArgumentException("case " + i + " has no reference");
      }
    }
  }

  private CocoCorpus(List<String> hyps, List<List<String>> refs, MeteorStats[] meteorStats) {
    checkShape(hyps, refs);
    if (meteorStats != null && meteorStats.length != hyps.size()) {
      throw new IllegalArgumentException(meteorStats.length + " METEOR statistics for " + hyps.size() + " cases");
    }
    size = hyps.size();
    testLen = new int[size];
    refLen = new int[size];
    guess = new int[size][N];
    correct = new int[size][N];
    rouge = new double[size];
    hypIds = new int[size][];
    hypCounts = new int[size][];
    hypBigrams = new int[size];
    refIds = new int[size][][];
    refCounts = new int[size][][];
    refBigrams = new int[size][];
    docIds = new int[size][];
    meteor = meteorStats;
    Map<String, Integer> ids = new HashMap<>();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      List<String> rs = refs.get(i);
      String hyp = hyps.get(i);
      List<String> hw = PyStrings.split(hyp);
      Map<String, Integer> hc = ngramCounts(hw);
      // BLEU
      testLen[i] = hw.size();
      Map<String, Integer> maxRef = new HashMap<>();
      int bestDiff = Integer.MAX_VALUE;
      int best = 0;
      List<Map<String, Integer>> refMaps = new ArrayList<>();
      for (String r : rs) {
        List<String> rw = PyStrings.split(r);
        Map<String, Integer> rc = ngramCounts(rw);
        refMaps.add(rc);
        for (Map.Entry<String, Integer> e : rc.entrySet()) {
          maxRef.merge(e.getKey(), e.getValue(), Math::max);
        }
        int diff = Math.abs(rw.size() - hw.size());
        if (diff < bestDiff || (diff == bestDiff && rw.size() < best)) {
          bestDiff = diff;
          best = rw.size();
        }
      }
      refLen[i] = best;
      for (int k = 1; k <= N; k++) {
        guess[i][k - 1] = Math.max(0, hw.size() - k + 1);
      }
      for (Map.Entry<String, Integer> e : hc.entrySet()) {
        int k = order(e.getKey());
        correct[i][k - 1] += Math.min(maxRef.getOrDefault(e.getKey(), 0), e.getValue());
      }
      // ROUGE-L
      rouge[i] = rougeL(hyp, rs);
      // CIDEr
      hypIds[i] = new int[hc.size()];
      hypCounts[i] = new int[hc.size()];
      fill(hc, ids, order, hypIds[i], hypCounts[i]);
      hypBigrams[i] = bigrams(hc);
      refIds[i] = new int[rs.size()][];
      refCounts[i] = new int[rs.size()][];
      refBigrams[i] = new int[rs.size()];
      java.util.TreeSet<Integer> doc = new java.util.TreeSet<>();
      for (int j = 0; j < rs.size(); j++) {
        Map<String, Integer> rc = refMaps.get(j);
        refIds[i][j] = new int[rc.size()];
        refCounts[i][j] = new int[rc.size()];
        fill(rc, ids, order, refIds[i][j], refCounts[i][j]);
        refBigrams[i][j] = bigrams(rc);
        for (int id : refIds[i][j]) {
          doc.add(id);
        }
      }
      docIds[i] = doc.stream().mapToInt(Integer::intValue).toArray();
    }
    vocab = ids.size();
    ngramOrder = order.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Cases of already-tokenised text (hypothesis i against references i). METEOR statistics included. */
  public static CocoCorpus of(List<String> hyps, List<List<String>> refs) {
    return new CocoCorpus(hyps, refs, true);
  }

  /** As {@link #of} but without METEOR (its alignment search is the slowest part). */
  public static CocoCorpus withoutMeteor(List<String> hyps, List<List<String>> refs) {
    return new CocoCorpus(hyps, refs, false);
  }

  /** Tokenises raw reports the way COCOEvalCap does (references and hypotheses as separate streams). */
  public static CocoCorpus fromRawText(List<String> hyps, List<List<String>> refs) {
    return fromRawText(hyps, refs, true);
  }

  /** As {@link #fromRawText(List, List)}, with or without METEOR statistics. */
  public static CocoCorpus fromRawText(List<String> hyps, List<List<String>> refs, boolean withMeteor) {
    List<String> flatRefs = new ArrayList<>();
    for (List<String> r : refs) {
      flatRefs.addAll(r);
    }
    List<String> tokRefs = PtbTokenizer.tokenizeLines(flatRefs);
    List<List<String>> nested = new ArrayList<>();
    int k = 0;
    for (List<String> r : refs) {
      nested.add(new ArrayList<>(tokRefs.subList(k, k + r.size())));
      k += r.size();
    }
    return new CocoCorpus(PtbTokenizer.tokenizeLines(hyps), nested, withMeteor);
  }

  public int size() {
    return size;
  }

  public boolean hasMeteor() {
    return meteor != null;
  }

  // ------------------------------------------------------------------------------ corpus scores

  /** Corpus BLEU-1..4 for a resample (multiplicity per case; null = every case once). */
  public double[] bleu(int[] w) {
    double tl = 0;
    double rl = 0;
    double[] g = new double[N];
    double[] c = new double[N];
    for (int i = 0; i < size; i++) {
      int m = w == null ? 1 : w[i];
      if (m == 0) {
        continue;
      }
      tl += (double) m * testLen[i];
      rl += (double) m * refLen[i];
      for (int k = 0; k < N; k++) {
        g[k] += (double) m * guess[i][k];
        c[k] += (double) m * correct[i][k];
      }
    }
    return bleuFrom(tl, rl, g, c);
  }

  private static double[] bleuFrom(double testlen, double reflen, double[] guessSum, double[] correctSum) {
    double[] out = new double[N];
    double b = 1.0;
    for (int k = 0; k < N; k++) {
      b *= (correctSum[k] + TINY) / (guessSum[k] + SMALL);
      out[k] = Math.pow(b, 1.0 / (k + 1));
    }
    double ratio = (testlen + TINY) / (reflen + SMALL);
    if (ratio < 1) {
      for (int k = 0; k < N; k++) {
        out[k] *= Math.exp(1 - 1 / ratio);
      }
    }
    return out;
  }

  /** pycocoevalcap's per-image BLEU (sentence level, same constants), order n in 1..4. */
  public double bleuOfCase(int i, int n) {
    double[] g = new double[N];
    double[] c = new double[N];
    for (int k = 0; k < N; k++) {
      g[k] = guess[i][k];
      c[k] = correct[i][k];
    }
    return bleuFrom(testLen[i], refLen[i], g, c)[n - 1];
  }

  public double rougeL(int[] w) {
    return weightedMean(rouge, w);
  }

  public double rougeOfCase(int i) {
    return rouge[i];
  }

  /** Corpus CIDEr-D of a resample: the resample is the evaluated set (df and N from it). */
  public double cider(int[] w) {
    double[] s = ciderScores(w);
    return weightedMean(s, w);
  }

  /** Per-case CIDEr-D within the (resampled) set; entries of cases with weight 0 are 0. */
  public double[] ciderScores(int[] w) {
    int[] df = new int[vocab];
    int images = 0;
    for (int i = 0; i < size; i++) {
      int m = w == null ? 1 : w[i];
      if (m == 0) {
        continue;
      }
      images += m;
      for (int id : docIds[i]) {
        df[id] += m;
      }
    }
    double refLenLog = Math.log(images);
    // document frequencies are whole numbers up to the number of images: tabulate log(max(1, df))
    double[] logDf = new double[images + 1];
    for (int k = 2; k <= images; k++) {
      logDf[k] = Math.log(k);
    }
    double[] idf = new double[vocab];
    for (int id = 0; id < vocab; id++) {
      idf[id] = refLenLog - logDf[df[id]];
    }
    double[] scores = new double[size];
    double[] hypVec = new double[vocab];
    double[] refVec = new double[vocab];
    for (int i = 0; i < size; i++) {
      int m = w == null ? 1 : w[i];
      if (m == 0) {
        continue;
      }
      double[] hypNorm = new double[N];
      for (int t = 0; t < hypIds[i].length; t++) {
        int id = hypIds[i][t];
        double v = hypCounts[i][t] * idf[id];
        hypVec[id] = v;
        hypNorm[ngramOrder[id]] += v * v;
      }
      for (int k = 0; k < N; k++) {
        hypNorm[k] = Math.sqrt(hypNorm[k]);
      }
      double[] sum = new double[N];
      for (int j = 0; j < refIds[i].length; j++) {
        double[] refNorm = new double[N];
        for (int t = 0; t < refIds[i][j].length; t++) {
          int id = refIds[i][j][t];
          double v = refCounts[i][j][t] * idf[id];
          refVec[id] = v;
          refNorm[ngramOrder[id]] += v * v;
        }
        for (int k = 0; k < N; k++) {
          refNorm[k] = Math.sqrt(refNorm[k]);
        }
        double delta = hypBigrams[i] - refBigrams[i][j];
        double penalty = Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
        double[] val = new double[N];
        for (int t = 0; t < hypIds[i].length; t++) {
          int id = hypIds[i][t];
          val[ngramOrder[id]] += Math.min(hypVec[id], refVec[id]) * refVec[id];
        }
        for (int k = 0; k < N; k++) {
          if (hypNorm[k] != 0 && refNorm[k] != 0) {
            val[k] /= hypNorm[k] * refNorm[k];
          }
          sum[k] += val[k] * penalty;
        }
        for (int id : refIds[i][j]) {
          refVec[id] = 0;
        }
      }
      for (int id : hypIds[i]) {
        hypVec[id] = 0;
      }
      double mean = (sum[0] + sum[1] + sum[2] + sum[3]) / N;
      scores[i] = mean / refIds[i].length * 10.0;
    }
    return scores;
  }

  /** Corpus METEOR of a resample from summed statistics, as the METEOR 1.5 jar's EVAL does. */
  public double meteor(int[] w) {
    if (meteor == null) {
      throw new IllegalStateException("METEOR statistics were not computed");
    }
    MeteorStats sum = new MeteorStats();
    for (int i = 0; i < size; i++) {
      int m = w == null ? 1 : w[i];
      if (m > 0) {
        sum.add(meteor[i], m);
      }
    }
    return sum.score();
  }

  public double meteorOfCase(int i) {
    if (meteor == null) {
      throw new IllegalStateException("METEOR statistics were not computed");
    }
    return meteor[i].score();
  }

  // ------------------------------------------------------------------------------ helpers

  static double weightedMean(double[] v, int[] w) {
    double s = 0;
    double n = 0;
    for (int i = 0; i < v.length; i++) {
      int m = w == null ? 1 : w[i];
      s += m * v[i];
      n += m;
    }
    return n == 0 ? Double.NaN : s / n;
  }

  private static Map<String, Integer> ngramCounts(List<String> words) {
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    for (int k = 1; k <= N; k++) {
      for (int i = 0; i + k <= words.size(); i++) {
        counts.merge(String.join(" ", words.subList(i, i + k)) + "\u0001" + k, 1, Integer::sum);
      }
    }
    return counts;
  }

  private static int order(String key) {
    return key.charAt(key.length() - 1) - '0';
  }

  private static int bigrams(Map<String, Integer> counts) {
    int n = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (order(e.getKey()) == 2) {
        n += e.getValue();
      }
    }
    return n;
  }

  private static void fill(Map<String, Integer> counts, Map<String, Integer> ids, List<Integer> order, int[] idOut,
      int[] countOut) {
    int t = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      Integer id = ids.get(e.getKey());
      if (id == null) {
        id = ids.size();
        ids.put(e.getKey(), id);
        order.add(order(e.getKey()) - 1);
      }
      idOut[t] = id;
      countOut[t] = e.getValue();
      t++;
    }
  }

  /** ROUGE-L of one candidate against its references, exactly as rouge.py's calc_score. */
  static double rougeL(String candidate, List<String> refs) {
    List<String> c = PyStrings.splitOnSpace(candidate);
    double precMax = 0;
    double recMax = 0;
    for (String r : refs) {
      List<String> t = PyStrings.splitOnSpace(r);
      int lcs = lcs(t, c);
      precMax = Math.max(precMax, lcs / (double) c.size());
      recMax = Math.max(recMax, lcs / (double) t.size());
    }
    if (precMax != 0 && recMax != 0) {
      return ((1 + BETA * BETA) * precMax * recMax) / (recMax + BETA * BETA * precMax);
    }
    return 0.0;
  }

  static int lcs(List<String> a, List<String> b) {
    int[] prev = new int[b.size() + 1];
    int[] cur = new int[b.size() + 1];
    for (int i = 1; i <= a.size(); i++) {
      String ai = a.get(i - 1);
      for (int j = 1; j <= b.size(); j++) {
        cur[j] = ai.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      int[] tmp = prev;
      prev = cur;
      cur = tmp;
      Arrays.fill(cur, 0);
    }
    return prev[b.size()];
  }
}
