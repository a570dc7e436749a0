package org.scribe3d.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.scribe3d.model.llama.KvCache;

/**
 * Autoregressive decoding with a KV cache: greedy, temperature + top-p sampling (own seeded random
 * stream), and beam search; batched prompts are left-padded. Each step feeds one new token per row
 * and keeps only what the choice needs on the host (greedy: the argmax ids computed on the device).
 */
public final class Generator {
  private Generator() {}

  /** Generates from token-id prompts (each its own length; left-padded into one batch). */
  public static GenerationResult generate(LogitsSource src, NDManager manager, List<long[]> prompts,
      GenerationConfig cfg) {
    return generate(src, manager, prompts, cfg, null);
  }

  /** As above; when sampling with {@code rowSeeds}, prompt b draws from its own stream seeded by {@code rowSeeds[b]}. */
  public static GenerationResult generate(LogitsSource src, NDManager manager, List<long[]> prompts,
      GenerationConfig cfg, long[] rowSeeds) {
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("no prompts");
    }
    int t = 0;
    for (long[] p : prompts) {
      if (p.length == 0) {
        throw new IllegalArgumentException("empty prompt");
      }
      t = Math.max(t, p.length);
    }
    long[] ids = new long[prompts.size() * t];
    float[] mask = new float[prompts.size() * t];
    Arrays.fill(ids, cfg.padId());
    for (int b = 0; b < prompts.size(); b++) {
      long[] p = prompts.get(b);
      int off = t - p.length;
      System.arraycopy(p, 0, ids, b * t + off, p.length);
      Arrays.fill(mask, b * t + off, (b + 1) * t, 1f);
    }
    try (NDManager m = manager.newSubManager()) {
      NDArray idArr = m.create(ids, new Shape(prompts.size(), t));
      NDArray maskArr = m.create(mask, new Shape(prompts.size(), t));
      NDArray embeds;
      try (NDScope scope = new NDScope()) {
        embeds = src.embed(idArr);
        embeds.attach(m);
        NDScope.unregister(embeds);
      }
      return generate(src, embeds, maskArr, cfg, rowSeeds);
    }
  }

  /**
   * Generates after prompt embeddings [B, T, H] with mask [B, T] (1 = real; left padding), e.g. a
   * multimodal prompt whose image embeddings were spliced in by the caller.
   */
  public static GenerationResult generate(LogitsSource src, NDArray embeds, NDArray mask, GenerationConfig cfg) {
    return generate(src, embeds, mask, cfg, null);
  }

  /**
   * As {@link #generate(LogitsSource, NDArray, NDArray, GenerationConfig)}; when sampling with {@code rowSeeds}
   * (one per row), row b draws from its own stream seeded by {@code rowSeeds[b]} instead of all rows sharing the
   * config's, so a row's sample does not depend on the other rows of its batch.
   */
  public static GenerationResult generate(LogitsSource src, NDArray embeds, NDArray mask, GenerationConfig cfg,
      long[] rowSeeds) {
    return cfg.numBeams() > 1 ? beamSearch(src, embeds, mask, cfg) : sampleOrGreedy(src, embeds, mask, cfg, rowSeeds);
  }

  private static GenerationResult sampleOrGreedy(LogitsSource src, NDArray embeds, NDArray mask,
      GenerationConfig cfg, long[] rowSeeds) {
    int batch = (int) embeds.getShape().get(0);
    if (rowSeeds != null && rowSeeds.length != batch) {
      throw new IllegalArgumentException(rowSeeds.length + " row seeds for a batch of " + batch);
    }
    SplittableRandom[] rngs = new SplittableRandom[batch];
    SplittableRandom shared = new SplittableRandom(cfg.seed());
    for (int b = 0; b < batch; b++) {
      rngs[b] = rowSeeds == null ? shared : new SplittableRandom(rowSeeds[b]);
    }
    return decode(src, embeds, mask, cfg, (logits, scores, done) -> choose(logits, cfg, rngs, scores, done));
  }

  /** Picks each of B rows' next token from one step's logits; adds the chosen tokens' log-probs to scores. */
  private interface Chooser {
    long[] choose(NDArray logits, double[] scores, boolean[] done);
  }

  /**
   * Token-by-token decoding of the prompts with embeddings {@code embeds} [B, T, H]: every step feeds each row
   * the token {@code chooser} picked for it, until every row has ended (EOS or {@code maxNewTokens}).
   */
  private static GenerationResult decode(LogitsSource src, NDArray embeds, NDArray mask, GenerationConfig cfg,
      Chooser chooser) {
    int batch = (int) embeds.getShape().get(0);
    int promptLen = (int) embeds.getShape().get(1);
    NDManager nm = embeds.getManager();
    List<List<Long>> out = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      out.add(new ArrayList<>());
    }
    boolean[] done = new boolean[batch];
    boolean[] eos = new boolean[batch];
    double[] scores = new double[batch];
    if (cfg.maxNewTokens() == 0) {
      return result(out, eos, scores, 0, 0, 0);
    }
    long t0 = System.nanoTime();
    long tPrefill;
    int steps = 0;
    try (KvCache cache = src.newCache(batch, promptLen + cfg.maxNewTokens())) {
      long[] next;
      try (NDScope scope = new NDScope()) {
        next = chooser.choose(src.lastLogits(embeds, mask, cache), scores, done);
      }
      tPrefill = System.nanoTime();
      while (true) {
        boolean all = true;
        for (int b = 0; b < batch; b++) {
          if (done[b]) {
            continue;
          }
          if (cfg.eosIds().contains(next[b])) {
            done[b] = true;
            eos[b] = true;
          } else {
            out.get(b).add(next[b]);
            if (out.get(b).size() >= cfg.maxNewTokens()) {
              done[b] = true;
            }
          }
          all &= done[b];
        }
        if (all) {
          break;
        }
        long[] feed = new long[batch];
        for (int b = 0; b < batch; b++) {
          feed[b] = done[b] ? cfg.padId() : next[b]; // finished rows idle on padding; no one attends across rows
        }
        try (NDScope scope = new NDScope()) {
          NDArray ids = nm.create(feed, new Shape(batch, 1));
          next = chooser.choose(src.lastLogits(src.embed(ids), null, cache), scores, done);
        }
        steps++;
      }
    }
    long t1 = System.nanoTime();
    return result(out, eos, scores, (tPrefill - t0) / 1e9, (t1 - tPrefill) / 1e9, steps);
  }

  private static GenerationResult result(List<List<Long>> out, boolean[] eos, double[] scores, double pre,
      double dec, int steps) {
    List<long[]> tokens = new ArrayList<>();
    for (List<Long> l : out) {
      tokens.add(l.stream().mapToLong(Long::longValue).toArray());
    }
    return new GenerationResult(tokens, eos, scores, pre, dec, steps);
  }

  /** Picks the next token of every row from logits [B, V]; adds the chosen tokens' log-probs to scores. */
  private static long[] choose(NDArray logits, GenerationConfig cfg, SplittableRandom[] rng, double[] scores,
      boolean[] done) {
    NDArray lf = logits.getDataType() == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
    NDArray logp = lf.logSoftmax(-1);
    int batch = (int) lf.getShape().get(0);
    if (!cfg.sampling()) {
      // greedy: argmax and its log-prob on the device; only B ids and B floats cross to the host
      long[] ids = lf.argMax(-1).toLongArray();
      float[] best = logp.max(new int[] {-1}).toFloatArray();
      for (int b = 0; b < batch; b++) {
        if (!done[b]) {
          scores[b] += best[b];
        }
      }
      return ids;
    }
    NDArray probs = lf.div((float) cfg.temperature()).softmax(-1);
    NDArray order = probs.argSort(-1, false); // descending
    NDArray sorted = probs.gather(order, -1);
    int v = (int) lf.getShape().get(1);
    int keep = v;
    if (cfg.topP() < 1) {
      // nucleus: keep a token while the mass ranked above it is below top_p (HF TopPLogitsWarper)
      NDArray before = sorted.cumSum(-1).sub(sorted);
      int[] counts = before.lt((float) cfg.topP()).toType(DataType.INT32, false).sum(new int[] {-1})
          .toType(DataType.INT32, false).toIntArray();
      keep = 1;
      for (int c : counts) {
        keep = Math.max(keep, c);
      }
      int[] perRow = counts;
      float[] p = sorted.get(new NDIndex(":, :{}", keep)).toFloatArray();
      long[] ix = order.get(new NDIndex(":, :{}", keep)).toLongArray();
      return draw(p, ix, perRow, keep, batch, rng, logp, scores, done);
    }
    float[] p = sorted.toFloatArray();
    long[] ix = order.toLongArray();
    int[] all = new int[batch];
    Arrays.fill(all, v);
    return draw(p, ix, all, keep, batch, rng, logp, scores, done);
  }

  private static long[] draw(float[] p, long[] ix, int[] counts, int stride, int batch, SplittableRandom[] rng,
      NDArray logp, double[] scores, boolean[] done) {
    long[] out = new long[batch];
    for (int b = 0; b < batch; b++) {
      int n = Math.max(1, counts[b]);
      double total = 0;
      for (int i = 0; i < n; i++) {
        total += p[b * stride + i];
      }
      double u = rng[b].nextDouble() * total;
      int pick = n - 1;
      double acc = 0;
      for (int i = 0; i < n; i++) {
        acc += p[b * stride + i];
        if (u < acc) {
          pick = i;
          break;
        }
      }
      out[b] = ix[b * stride + pick];
    }
    float[] lp = logp.gather(logp.getManager().create(out, new Shape(batch, 1)), -1).toFloatArray();
    for (int b = 0; b < batch; b++) {
      if (!done[b]) {
        scores[b] += lp[b];
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- beam search

  /** Finished hypotheses of one prompt: the best {@code n} by length-normalised score. */
  private static final class Hypotheses {
    final int n;
    final double lengthPenalty;
    final List<double[]> scores = new ArrayList<>(); // {score}
    final List<long[]> seqs = new ArrayList<>();
    final List<Boolean> eos = new ArrayList<>();

    Hypotheses(int n, double lengthPenalty) {
      this.n = n;
      this.lengthPenalty = lengthPenalty;
    }

    void add(long[] seq, double sumLogProb, int generatedLen, boolean endedWithEos) {
      double score = sumLogProb / Math.pow(Math.max(1, generatedLen), lengthPenalty);
      if (seqs.size() < n || score > worst()) {
        scores.add(new double[] {score});
        seqs.add(seq);
        eos.add(endedWithEos);
        if (seqs.size() > n) {
          int w = 0;
          for (int i = 1; i < scores.size(); i++) {
            if (scores.get(i)[0] < scores.get(w)[0]) {
              w = i;
            }
          }
          scores.remove(w);
          seqs.remove(w);
          eos.remove(w);
        }
      }
    }

    double worst() {
      double w = Double.POSITIVE_INFINITY;
      for (double[] s : scores) {
        w = Math.min(w, s[0]);
      }
      return w;
    }

    int best() {
      int bi = 0;
      for (int i = 1; i < scores.size(); i++) {
        if (scores.get(i)[0] > scores.get(bi)[0]) {
          bi = i;
        }
      }
      return bi;
    }

    /** HF's default (early_stopping=False) heuristic: no running beam can still beat the worst kept one. */
    boolean isDone(double bestRunningSum, int generatedLen) {
      if (seqs.size() < n) {
        return false;
      }
      return worst() >= bestRunningSum / Math.pow(Math.max(1, generatedLen), lengthPenalty);
    }
  }

  private static GenerationResult beamSearch(LogitsSource src, NDArray embeds, NDArray mask, GenerationConfig cfg) {
    int batch = (int) embeds.getShape().get(0);
    int promptLen = (int) embeds.getShape().get(1);
    int beams = cfg.numBeams();
    int rows = batch * beams;
    NDManager nm = embeds.getManager();
    List<Hypotheses> hyps = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      hyps.add(new Hypotheses(beams, cfg.lengthPenalty()));
    }
    boolean[] done = new boolean[batch];
    long[][] seqs = new long[rows][0];
    double[] beamScores = new double[rows];
    for (int r = 0; r < rows; r++) {
      beamScores[r] = r % beams == 0 ? 0 : -1e9; // first step: expand only beam 0 (all beams are equal)
    }
    if (cfg.maxNewTokens() == 0) {
      return result(List.of(), new boolean[0], new double[0], 0, 0, 0);
    }
    long t0 = System.nanoTime();
    long tPrefill = t0;
    int steps = 0;
    try (KvCache cache = src.newCache(rows, promptLen + cfg.maxNewTokens())) {
      NDArray logits;
      try (NDScope scope = new NDScope()) {
        Shape s = embeds.getShape();
        NDArray e = embeds.expandDims(1).broadcast(new Shape(batch, beams, s.get(1), s.get(2)))
            .reshape(rows, s.get(1), s.get(2));
        NDArray mk = mask == null ? null : mask.expandDims(1).broadcast(new Shape(batch, beams, s.get(1)))
            .reshape(rows, s.get(1));
        logits = src.lastLogits(e, mk, cache);
        NDScope.unregister(logits);
      }
      tPrefill = System.nanoTime();
      for (int step = 0; step < cfg.maxNewTokens(); step++) {
        float[] topVals;
        long[] topIdx;
        int v = (int) logits.getShape().get(1);
        int k = Math.min(2 * beams, beams * v);
        try (NDScope scope = new NDScope()) {
          NDArray lp = logits.toType(DataType.FLOAT32, false).logSoftmax(-1)
              .add(nm.create(toFloats(beamScores), new Shape(rows, 1)))
              .reshape(batch, (long) beams * v);
          NDList top = lp.topK(k, -1, true, true);
          topVals = top.get(0).toFloatArray();
          topIdx = top.get(1).toLongArray();
        }
        logits.close();
        long[] nextTok = new long[rows];
        long[] source = new long[rows];
        double[] nextScores = new double[rows];
        long[][] nextSeqs = new long[rows][];
        boolean allDone = true;
        for (int b = 0; b < batch; b++) {
          if (done[b]) {
            for (int j = 0; j < beams; j++) {
              int r = b * beams + j;
              nextTok[r] = cfg.padId();
              source[r] = r;
              nextScores[r] = 0;
              nextSeqs[r] = seqs[r];
            }
            continue;
          }
          int chosen = 0;
          double bestCandidate = Double.NEGATIVE_INFINITY;
          for (int rank = 0; rank < k && chosen < beams; rank++) {
            long idx = topIdx[b * k + rank];
            int beam = (int) (idx / v);
            long tok = idx % v;
            double sc = topVals[b * k + rank];
            bestCandidate = Math.max(bestCandidate, sc);
            int from = b * beams + beam;
            if (cfg.eosIds().contains(tok)) {
              if (rank < beams) {
                hyps.get(b).add(seqs[from], sc, step + 1, true);
              }
              continue;
            }
            int r = b * beams + chosen;
            nextTok[r] = tok;
            source[r] = from;
            nextScores[r] = sc;
            long[] ns = Arrays.copyOf(seqs[from], step + 1);
            ns[step] = tok;
            nextSeqs[r] = ns;
            chosen++;
          }
          done[b] = hyps.get(b).isDone(bestCandidate, step + 1);
          allDone &= done[b];
        }
        seqs = nextSeqs;
        beamScores = nextScores;
        if (allDone || step == cfg.maxNewTokens() - 1) {
          break;
        }
        cache.reorder(source);
        try (NDScope scope = new NDScope()) {
          NDArray ids = nm.create(nextTok, new Shape(rows, 1));
          logits = src.lastLogits(src.embed(ids), null, cache);
          NDScope.unregister(logits);
        }
        steps++;
      }
    }
    // prompts that ran out of tokens: their running beams compete with the finished ones
    for (int b = 0; b < batch; b++) {
      if (!done[b]) {
        for (int j = 0; j < beams; j++) {
          int r = b * beams + j;
          hyps.get(b).add(seqs[r], beamScores[r], seqs[r].length, false);
        }
      }
    }
    long t1 = System.nanoTime();
    List<long[]> tokens = new ArrayList<>();
    boolean[] eos = new boolean[batch];
    double[] scores = new double[batch];
    for (int b = 0; b < batch; b++) {
      Hypotheses h = hyps.get(b);
      int best = h.best();
      tokens.add(h.seqs.get(best));
      eos[b] = h.eos.get(best);
      scores[b] = h.scores.get(best)[0];
    }
    return new GenerationResult(tokens, eos, scores, (tPrefill - t0) / 1e9, (t1 - tPrefill) / 1e9, steps);
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
