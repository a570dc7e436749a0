package org.scribe3d.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.scribe3d.model.cpu.CpuKernels;
import org.scribe3d.model.cpu.CpuMatrix;
import org.scribe3d.model.cpu.CpuTeam;
import org.scribe3d.model.cpu.DirectFloats;
import org.scribe3d.model.cpu.TensorStorage;
import org.scribe3d.model.nn.Linear;

/**
 * One decoding position of a {@link LlamaForCausalLM} for every row of a batch, on the CPU kernels instead of
 * DJL's engine: the same model (RMSNorm, RoPE, grouped-query attention over the same {@link KvCache}, SwiGLU),
 * computed in float32 with float16 or float32 weights read in place, a handful of native calls per layer rather
 * than dozens of engine ops. Decoding a token is bound by reading every weight once, and the engine's
 * matrix-vector product and per-op overhead left most of the machine's bandwidth unused.
 *
 * <p>Applies to inference on the CPU (no gradient recording, no training mode) of a model whose linear layers
 * have no bias and no unmerged adapter, whose activations and cache are float32, for one new real token per row;
 * anything else goes through the engine as before ({@link #hidden} returns null). The weights' addresses are
 * looked up once per model and re-checked each step, so a replaced parameter (a loaded checkpoint, a merged
 * adapter) is picked up.
 */
final class CpuDecodeStep {
  private static final Map<LlamaForCausalLM, CpuDecodeStep> PLANS = new WeakHashMap<>();
  /** Per layer, {@link #weights} lists the seven matrices ({@code DecoderLayer.projections()}), then the two norms. */
  private static final int MATRICES = 7;
  private static final int PER_LAYER = MATRICES + 2;
  private static final AtomicLong STEPS = new AtomicLong();

  private final NDArray[] arrays; // every weight this plan reads, to notice a replaced one
  private final CpuMatrix[][] qkv;
  private final CpuMatrix[] o;
  private final CpuMatrix[][] gateUp;
  private final CpuMatrix[] down;
  private final TensorStorage[] inNorm;
  private final TensorStorage[] postNorm;
  private final TensorStorage finalNorm;
  private final float eps;
  private final int hidden;
  private final int heads;
  private final int kvHeads;
  private final int dim;
  private final int inter;
  private Scratch scratch;

  private CpuDecodeStep(LlamaForCausalLM lm, NDArray[] arrays, CpuMatrix[][] qkv, CpuMatrix[] o,
      CpuMatrix[][] gateUp, CpuMatrix[] down, TensorStorage[] norms) {
    LlamaConfig c = lm.config();
    this.arrays = arrays;
    this.qkv = qkv;
    this.o = o;
    this.gateUp = gateUp;
    this.down = down;
    int n = lm.layers().size();
    this.inNorm = new TensorStorage[n];
    this.postNorm = new TensorStorage[n];
    for (int l = 0; l < n; l++) {
      inNorm[l] = norms[2 * l];
      postNorm[l] = norms[2 * l + 1];
    }
    this.finalNorm = norms[2 * n];
    this.eps = (float) c.rmsNormEps();
    this.hidden = c.hiddenSize();
    this.heads = c.numAttentionHeads();
    this.kvHeads = c.numKeyValueHeads();
    this.dim = c.headDim();
    this.inter = c.intermediateSize();
  }

  /**
   * Final-normed hidden states [B, 1, H] of one new position per row, with its keys and values written to the
   * cache at slot {@code past} (the caller commits the slot), or null when this path does not apply.
   */
  static NDArray hidden(LlamaForCausalLM lm, NDArray embeds, boolean[][] realNew, long[] positions, KvCache cache,
      int past) {
    if (!CpuKernels.available() || cache == null
        || embeds.getDataType() != DataType.FLOAT32 || cache.dtype() != DataType.FLOAT32
        || lm.isTraining() || JniUtils.isGradMode()) {
      return null;
    }
    for (boolean[] row : realNew) {
      if (!row[0]) {
        return null; // a padding query: the engine's masked path
      }
    }
    CpuDecodeStep plan = plan(lm);
    return plan == null ? null : plan.run(lm, embeds, positions, cache, past);
  }

  private static CpuDecodeStep plan(LlamaForCausalLM lm) {
    synchronized (PLANS) {
      CpuDecodeStep p = PLANS.get(lm);
      if (p != null && p.current(lm)) {
        return p;
      }
      p = build(lm);
      if (p == null) {
        PLANS.remove(lm);
      } else {
        PLANS.put(lm, p);
      }
      return p;
    }
  }

  private boolean current(LlamaForCausalLM lm) {
    NDArray[] now = weights(lm);
    if (now == null || now.length != arrays.length) {
      return false;
    }
    for (int i = 0; i < now.length; i++) {
      if (now[i] != arrays[i]) {
        return false;
      }
    }
    return true;
  }

  /** Every weight and norm the step reads, in a fixed order; null when a layer cannot take this path. */
  private static NDArray[] weights(LlamaForCausalLM lm) {
    int n = lm.layers().size();
    NDArray[] a = new NDArray[PER_LAYER * n + 1];
    int i = 0;
    for (LlamaForCausalLM.DecoderLayer layer : lm.layers()) {
      for (Linear lin : layer.projections()) {
        if (lin.bias() != null || lin.adapter() != null && !lin.adapter().merged() || lin.isTraining()) {
          return null;
        }
        a[i++] = lin.weight().array();
      }
      a[i++] = layer.inputLayernorm().weight().array();
      a[i++] = layer.postAttentionLayernorm().weight().array();
    }
    a[i] = lm.finalNorm().weight().array();
    return a;
  }

  private static CpuDecodeStep build(LlamaForCausalLM lm) {
    NDArray[] a = weights(lm);
    if (a == null) {
      return null;
    }
    int n = lm.layers().size();
    TensorStorage[] norms = new TensorStorage[2 * n + 1]; // each layer's two, then the final one
    for (int j = 0; j < norms.length; j++) {
      NDArray w = j == 2 * n ? a[a.length - 1] : a[PER_LAYER * (j / 2) + MATRICES + j % 2];
      norms[j] = w.getDataType() == DataType.FLOAT32 ? TensorStorage.of(w) : null;
      if (norms[j] == null) {
        return null;
      }
    }
    CpuMatrix[][] qkv = new CpuMatrix[n][];
    CpuMatrix[] o = new CpuMatrix[n];
    CpuMatrix[][] gateUp = new CpuMatrix[n][];
    CpuMatrix[] down = new CpuMatrix[n];
    for (int l = 0; l < n; l++) {
      CpuMatrix[] m = new CpuMatrix[MATRICES];
      for (int j = 0; j < MATRICES; j++) {
        m[j] = CpuMatrix.of(a[PER_LAYER * l + j]);
        if (m[j] == null) {
          return null;
        }
      }
      qkv[l] = new CpuMatrix[] {m[0], m[1], m[2]};
      o[l] = m[3];
      gateUp[l] = new CpuMatrix[] {m[4], m[5]};
      down[l] = m[6];
    }
    return new CpuDecodeStep(lm, a, qkv, o, gateUp, down, norms);
  }

  /** Working buffers for a batch of {@code rows} and a cache of {@code maxLen} slots. */
  private final class Scratch {
    final int rows;
    final int maxLen;
    final int qkvWidth = (heads + 2 * kvHeads) * dim;
    final DirectFloats x;
    final DirectFloats normed;
    final DirectFloats qkvOut;
    final DirectFloats attn;
    final DirectFloats proj;
    final DirectFloats gate;
    final DirectFloats up;
    final DirectFloats cos;
    final DirectFloats sin;
    final DirectFloats mask; // maxLen bytes per row, in float-sized storage
    final DirectFloats[] scores;

    Scratch(int rows, int maxLen, int threads) {
      this.rows = rows;
      this.maxLen = maxLen;
      x = new DirectFloats(rows * hidden);
      normed = new DirectFloats(rows * Math.max(hidden, heads * dim));
      qkvOut = new DirectFloats(rows * qkvWidth);
      attn = new DirectFloats(rows * heads * dim);
      proj = new DirectFloats(rows * hidden);
      gate = new DirectFloats(rows * inter);
      up = new DirectFloats(rows * inter);
      cos = new DirectFloats(rows * dim);
      sin = new DirectFloats(rows * dim);
      mask = new DirectFloats((rows * maxLen + 3) / 4);
      scores = new DirectFloats[threads];
      for (int i = 0; i < threads; i++) {
        scores[i] = new DirectFloats(kvHeads * maxLen);
      }
    }
  }

  /** Decoding steps run on this path in this process (for tests and benchmarks to see which path ran). */
  static long steps() {
    return STEPS.get();
  }

  private NDArray run(LlamaForCausalLM lm, NDArray embeds, long[] positions, KvCache cache, int past) {
    STEPS.incrementAndGet();
    int b = (int) embeds.getShape().get(0);
    CpuTeam team = RowParallel.team();
    synchronized (this) {
      Scratch s = scratch;
      if (s == null || s.rows < b || s.maxLen < cache.maxLen() || s.scores.length < team.threads()) {
        s = new Scratch(b, cache.maxLen(), team.threads());
        scratch = s;
      }
      s.x.put(0, embeds.toFloatArray());
      float[][] rope = Rope.tables(lm.invFreq(), positions);
      s.cos.put(0, rope[0]);
      s.sin.put(0, rope[1]);
      byte[] m = new byte[b * s.maxLen];
      for (int r = 0; r < b; r++) {
        for (int j = 0; j < past; j++) {
          m[r * s.maxLen + j] = (byte) (cache.isReal(r, j) ? 1 : 0);
        }
      }
      s.mask.bytes().put(0, m);
      for (int l = 0; l < qkv.length; l++) {
        layer(s, l, b, team, cache, past);
      }
      for (int r = 0; r < b; r++) {
        CpuKernels.rmsNorm(s.x.address((long) r * hidden), finalNorm.address(), s.normed.address((long) r * hidden),
            hidden, eps);
      }
      float[] out = new float[b * hidden];
      s.normed.get(0, out);
      return embeds.getManager().create(out, new Shape(b, 1, hidden));
    }
  }

  private void layer(Scratch s, int l, int b, CpuTeam team, KvCache cache, int past) {
    int qw = heads * dim;
    int kw = kvHeads * dim;
    for (int r = 0; r < b; r++) {
      CpuKernels.rmsNorm(s.x.address((long) r * hidden), inNorm[l].address(), s.normed.address((long) r * hidden),
          hidden, eps);
    }
    long q = s.qkvOut.address();
    CpuMatrix.multiply(team, qkv[l], s.normed.address(), hidden, b,
        new long[] {q, q + 4L * qw, q + 4L * (qw + kw)}, s.qkvWidth);
    long rowCache = (long) kvHeads * cache.maxLen() * dim * 4;
    long keys = cache.keyAddress(l);
    long values = cache.valueAddress(l);
    team.run((part, parts) -> {
      int g0 = kvHeads * part / parts;
      int g1 = kvHeads * (part + 1) / parts;
      if (g0 == g1) {
        return;
      }
      for (int r = 0; r < b; r++) {
        long qr = s.qkvOut.address((long) r * s.qkvWidth);
        CpuKernels.attendOne(qr, qr + 4L * qw, qr + 4L * (qw + kw), keys + r * rowCache, values + r * rowCache,
            s.attn.address((long) r * qw), s.mask.address() + (long) r * s.maxLen, s.cos.address((long) r * dim),
            s.sin.address((long) r * dim), s.scores[part].address(), heads, kvHeads, dim, cache.maxLen(), past, g0,
            g1);
      }
    });
    CpuMatrix.multiply(team, new CpuMatrix[] {o[l]}, s.attn.address(), qw, b, new long[] {s.proj.address()}, hidden);
    for (int r = 0; r < b; r++) {
      CpuKernels.addInPlace(s.x.address((long) r * hidden), s.proj.address((long) r * hidden), hidden);
      CpuKernels.rmsNorm(s.x.address((long) r * hidden), postNorm[l].address(), s.normed.address((long) r * hidden),
          hidden, eps);
    }
    CpuMatrix.multiply(team, gateUp[l], s.normed.address(), hidden, b,
        new long[] {s.gate.address(), s.up.address()}, inter);
    for (int r = 0; r < b; r++) {
      CpuKernels.siluMul(s.gate.address((long) r * inter), s.up.address((long) r * inter), inter);
    }
    CpuMatrix.multiply(team, new CpuMatrix[] {down[l]}, s.gate.address(), inter, b, new long[] {s.proj.address()},
        hidden);
    for (int r = 0; r < b; r++) {
      CpuKernels.addInPlace(s.x.address((long) r * hidden), s.proj.address((long) r * hidden), hidden);
    }
  }
}
