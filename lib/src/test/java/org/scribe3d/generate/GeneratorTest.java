package org.scribe3d.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scribe3d.model.llama.KvCache;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.llama.LlamaForCausalLM;
import org.scribe3d.model.llama.TinyLlamas;

class GeneratorTest {
  static final int V = 40;
  static NDManager m;
  static LlamaForCausalLM lm;
  static LogitsSource src;

  @BeforeAll
  static void setUp() {
    m = NDManager.newBaseManager();
    lm = TinyLlamas.random(LlamaConfig.of(32, 64, 2, 4, 2, V, false), m, 5);
    src = LogitsSource.of(lm);
  }

  @AfterAll
  static void tearDown() {
    m.close();
  }

  /** Log-probs [T, V] of every position of one sequence, recomputed from scratch (no cache). */
  static float[][] fullLogProbs(long[] seq) {
    try (NDScope s = new NDScope()) {
      NDArray lp = lm.forward(lm.embed(m.create(seq, new Shape(1, seq.length))), null, null, null).logSoftmax(-1);
      float[] f = lp.toFloatArray();
      float[][] out = new float[seq.length][V];
      for (int t = 0; t < seq.length; t++) {
        System.arraycopy(f, t * V, out[t], 0, V);
      }
      return out;
    }
  }

  static long[] concat(long[] a, long[] b) {
    long[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  static int argmax(float[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void cachedGreedyEqualsFullRecomputationTokenForToken() {
    long[] prompt = {3, 17, 9, 22, 5};
    GenerationResult r = Generator.generate(src, m, List.of(prompt), GenerationConfig.greedy(12, Set.of()));
    long[] gen = r.tokens().get(0);
    assertEquals(12, gen.length);
    assertEquals(11, r.decodeSteps()); // one prefill + one step per further token
    double sum = 0;
    for (int i = 0; i < gen.length; i++) {
      long[] prefix = concat(prompt, Arrays.copyOf(gen, i));
      float[] last = fullLogProbs(prefix)[prefix.length - 1];
      assertEquals(argmax(last), gen[i], "token " + i);
      sum += last[(int) gen[i]];
    }
    assertEquals(sum, r.scores()[0], 1e-3);
    assertTrue(r.tokensPerSecond() > 0);
  }

  @Test
  void cachedLogitsEqualUncachedAtEveryStep() {
    long[] seq = {1, 2, 3, 4, 5, 6, 7, 8};
    float[][] full = fullLogProbs(seq);
    try (KvCache cache = lm.newCache(1, 16); NDScope s = new NDScope()) {
      // prompt of 3 in one go, then one token at a time
      NDArray first = lm.forward(lm.embed(m.create(Arrays.copyOf(seq, 3), new Shape(1, 3))), null, cache, null)
          .logSoftmax(-1);
      assertArrayEquals(full[2], first.get(new NDIndex("0, 2")).toFloatArray(), 1e-4f);
      for (int t = 3; t < seq.length; t++) {
        NDArray lp = lm.forward(lm.embed(m.create(new long[] {seq[t]}, new Shape(1, 1))), null, cache, null)
            .logSoftmax(-1);
        assertArrayEquals(full[t], lp.toFloatArray(), 1e-4f, "position " + t);
      }
      assertEquals(8, cache.length());
    }
  }

  @Test
  void batchedLeftPaddedEqualsOneByOne() {
    List<long[]> prompts = List.of(new long[] {4, 8, 15, 16, 23, 42 % V}, new long[] {7}, new long[] {30, 1, 2});
    Set<Long> eos = Set.of(0L);
    GenerationResult batched = Generator.generate(src, m, prompts, GenerationConfig.greedy(10, eos));
    for (int i = 0; i < prompts.size(); i++) {
      GenerationResult alone = Generator.generate(src, m, List.of(prompts.get(i)), GenerationConfig.greedy(10, eos));
      assertArrayEquals(alone.tokens().get(0), batched.tokens().get(i), "prompt " + i);
      assertEquals(alone.scores()[0], batched.scores()[i], 1e-3);
      assertEquals(alone.stoppedAtEos()[0], batched.stoppedAtEos()[i]);
    }
  }

  @Test
  void rowParallelDecodingGivesTheSameTokens() {
    // a vocabulary-sized head is big enough (>= 1M weights) for the row-parallel path
    try (NDManager mm = NDManager.newBaseManager()) {
      LlamaForCausalLM big = TinyLlamas.random(LlamaConfig.of(32, 64, 1, 4, 2, 40000, false), mm, 8);
      LogitsSource s = LogitsSource.of(big);
      List<long[]> prompts = List.of(new long[] {1, 2, 3}, new long[] {4});
      GenerationResult plain = Generator.generate(s, mm, prompts, GenerationConfig.greedy(6, Set.of()));
      GenerationResult plainOne = Generator.generate(s, mm, List.of(prompts.get(0)), GenerationConfig.greedy(6, Set.of()));
      float[] ref;
      try (NDScope sc = new NDScope()) {
        ref = big.forward(big.embed(mm.create(new long[] {1, 2, 3}, new Shape(1, 3))), null, null, null).toFloatArray();
      }
      org.scribe3d.model.llama.RowParallel.enable(2);
      try {
        GenerationResult par = Generator.generate(s, mm, prompts, GenerationConfig.greedy(6, Set.of()));
        assertArrayEquals(plain.tokens().get(0), par.tokens().get(0));
        assertArrayEquals(plain.tokens().get(1), par.tokens().get(1));
        // a single row decodes through matrix-vector products
        GenerationResult parOne = Generator.generate(s, mm, List.of(prompts.get(0)), GenerationConfig.greedy(6, Set.of()));
        assertArrayEquals(plainOne.tokens().get(0), parOne.tokens().get(0));
        assertEquals(plainOne.scores()[0], parOne.scores()[0], 1e-3);
        try (NDScope sc = new NDScope()) {
          float[] got = big.forward(big.embed(mm.create(new long[] {1, 2, 3}, new Shape(1, 3))), null, null, null)
              .toFloatArray();
          assertArrayEquals(ref, got, 1e-4f);
        }
      } finally {
        org.scribe3d.model.llama.RowParallel.disable();
      }
    }
  }

  @Test
  void stopsAtAnyEosId() {
    long[] prompt = {3, 17, 9};
    long[] free = Generator.generate(src, m, List.of(prompt), GenerationConfig.greedy(8, Set.of())).tokens().get(0);
    // declare the 3rd generated token an end token: output stops right before it
    GenerationResult r = Generator.generate(src, m, List.of(prompt), GenerationConfig.greedy(8, Set.of(999L, free[2])));
    int firstStop = 0;
    while (free[firstStop] != free[2]) {
      firstStop++;
    }
    assertArrayEquals(Arrays.copyOf(free, firstStop), r.tokens().get(0));
    assertTrue(r.stoppedAtEos()[0]);
  }

  /** With a stream per row, a prompt's sample is the same alone as in any batch (what makes split decoding reproducible). */
  @Test
  void perRowStreamsMakeASampleIndependentOfItsBatch() {
    List<long[]> prompts = List.of(new long[] {4, 8, 15, 16}, new long[] {7}, new long[] {30, 1, 2});
    long[] seeds = {11, 22, 33};
    GenerationConfig cfg = GenerationConfig.sampling(12, Set.of(), 1.5, 0.9, 42);
    GenerationResult batched = Generator.generate(src, m, prompts, cfg, seeds);
    GenerationResult reordered = Generator.generate(src, m, List.of(prompts.get(2), prompts.get(0)), cfg,
        new long[] {33, 11});
    for (int i = 0; i < prompts.size(); i++) {
      GenerationResult alone = Generator.generate(src, m, List.of(prompts.get(i)), cfg, new long[] {seeds[i]});
      assertArrayEquals(alone.tokens().get(0), batched.tokens().get(i), "prompt " + i);
    }
    assertArrayEquals(batched.tokens().get(2), reordered.tokens().get(0));
    assertArrayEquals(batched.tokens().get(0), reordered.tokens().get(1));
    // one shared stream: a row's draws depend on the rows before it
    GenerationResult shared = Generator.generate(src, m, prompts, cfg);
    GenerationResult sharedAlone = Generator.generate(src, m, List.of(prompts.get(2)), cfg);
    assertFalse(Arrays.equals(shared.tokens().get(2), sharedAlone.tokens().get(0)));
  }

  @Test
  void samplingIsSeededAndTopPBehaves() {
    List<long[]> p = List.of(new long[] {3, 17, 9});
    GenerationResult a = Generator.generate(src, m, p, GenerationConfig.sampling(15, Set.of(), 1.5, 1.0, 42));
    GenerationResult b = Generator.generate(src, m, p, GenerationConfig.sampling(15, Set.of(), 1.5, 1.0, 42));
    GenerationResult c = Generator.generate(src, m, p, GenerationConfig.sampling(15, Set.of(), 1.5, 1.0, 43));
    assertArrayEquals(a.tokens().get(0), b.tokens().get(0));
    assertFalse(Arrays.equals(a.tokens().get(0), c.tokens().get(0)));
    long[] greedy = Generator.generate(src, m, p, GenerationConfig.greedy(15, Set.of())).tokens().get(0);
    assertNotEquals(Arrays.toString(greedy), Arrays.toString(a.tokens().get(0)));
    // a tiny nucleus keeps only the most likely token: sampling becomes greedy
    GenerationResult nucleus = Generator.generate(src, m, p, GenerationConfig.sampling(15, Set.of(), 1.0, 1e-6, 7));
    assertArrayEquals(greedy, nucleus.tokens().get(0));
    // with top-p 0.5 every sampled token lies in the nucleus of its own distribution
    GenerationResult half = Generator.generate(src, m, p, GenerationConfig.sampling(15, Set.of(), 1.0, 0.5, 9));
    long[] gen = half.tokens().get(0);
    for (int i = 0; i < gen.length; i++) {
      long[] prefix = concat(p.get(0), Arrays.copyOf(gen, i));
      float[] lp = fullLogProbs(prefix)[prefix.length - 1];
      double above = 0;
      for (float x : lp) {
        if (x > lp[(int) gen[i]]) {
          above += Math.exp(x);
        }
      }
      assertTrue(above < 0.5 + 1e-4, "token " + i + " outside the top-p nucleus (mass above it " + above + ")");
    }
  }

  @Test
  void beamSearchFindsTheBestSequenceExhaustively() {
    long[] prompt = {11, 2, 33};
    // one beam is greedy
    assertArrayEquals(Generator.generate(src, m, List.of(prompt), GenerationConfig.greedy(6, Set.of())).tokens().get(0),
        Generator.generate(src, m, List.of(prompt), GenerationConfig.beams(6, Set.of(), 1)).tokens().get(0));
    // with as many beams as tokens, two steps are searched exhaustively: compare with brute force
    GenerationResult r = Generator.generate(src, m, List.of(prompt), GenerationConfig.beams(2, Set.of(), V));
    float[] first = fullLogProbs(prompt)[prompt.length - 1];
    double best = Double.NEGATIVE_INFINITY;
    long[] bestSeq = null;
    for (int a = 0; a < V; a++) {
      float[] second = fullLogProbs(concat(prompt, new long[] {a}))[prompt.length];
      for (int b = 0; b < V; b++) {
        double s = first[a] + second[b];
        if (s > best) {
          best = s;
          bestSeq = new long[] {a, b};
        }
      }
    }
    assertArrayEquals(bestSeq, r.tokens().get(0));
    assertEquals(best / 2, r.scores()[0], 1e-3); // length penalty 1: mean log-prob per token
    assertTrue(best > first[argmax(first)] + fullLogProbs(concat(prompt, new long[] {argmax(first)}))[prompt.length][
        argmax(fullLogProbs(concat(prompt, new long[] {argmax(first)}))[prompt.length])] - 1e-4);
  }

  @Test
  void batchedBeamSearchWithEosMatchesSinglePromptsAndReportsItsScore() {
    List<long[]> prompts = List.of(new long[] {5, 6, 7, 8}, new long[] {9, 10});
    Set<Long> eos = Set.of(3L, 4L);
    GenerationResult batched = Generator.generate(src, m, prompts, GenerationConfig.beams(8, eos, 3));
    List<long[]> singles = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      GenerationResult one = Generator.generate(src, m, List.of(prompts.get(i)), GenerationConfig.beams(8, eos, 3));
      singles.add(one.tokens().get(0));
      assertArrayEquals(one.tokens().get(0), batched.tokens().get(i));
      // the reported score is the sequence's own mean log-prob (EOS included when it ended with one)
      long[] gen = one.tokens().get(0);
      long[] full = one.stoppedAtEos()[0] ? concat(gen, new long[] {-1}) : gen;
      double sum = 0;
      for (int t = 0; t < full.length; t++) {
        long[] prefix = concat(prompts.get(i), Arrays.copyOf(gen, Math.min(t, gen.length)));
        float[] lp = fullLogProbs(prefix)[prefix.length - 1];
        sum += full[t] == -1 ? Math.max(lp[3], lp[4]) : lp[(int) full[t]];
      }
      assertEquals(sum / full.length, one.scores()[0], 1e-3, "prompt " + i);
    }
  }
}
