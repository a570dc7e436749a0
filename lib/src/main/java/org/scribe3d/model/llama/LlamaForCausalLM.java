package org.scribe3d.model.llama;

import org.scribe3d.model.nn.Scalars;
import org.scribe3d.model.nn.Casts;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.util.Map;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.checkpoint.FusedProjections;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.Placeholders;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorDType;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.model.nn.Embedding;
import org.scribe3d.model.nn.Linear;
import org.scribe3d.model.nn.Module;
import org.scribe3d.model.nn.Param;
import org.scribe3d.model.nn.RmsNorm;

/**
 * Llama decoder-only language model on DJL NDArrays, parameter for parameter the Hugging Face
 * LlamaForCausalLM: {@link #namedParameters()} are exactly the HF checkpoint names
 * ({@code model.embed_tokens.weight}, {@code model.layers.N.self_attn.q_proj.weight}, …,
 * {@code model.norm.weight}, {@code lm_head.weight} unless the head is tied to the embedding).
 *
 * <p>RMSNorm pre-norm blocks, rotary embedding (HF rotate_half, plain or llama3-scaled), grouped-query
 * attention (query heads grouped onto their KV head without copying K/V), causal + padding mask,
 * float32 softmax, SwiGLU MLP. Every linear layer is a {@link Linear}, so LoRA can attach to it.
 *
 * <p>Two types: the weights' ({@link #dtype}, of the embedding and every linear layer) and the activations'
 * ({@link #activationType}, of the hidden states, the norms, the rotary tables and the KV cache). A model built
 * for training has one type for both (float16 on a GPU trains in float16 with float32 softmax and norms); a model
 * loaded for inference computes in float32 whatever its weights are, so float16 weights halve memory and the
 * bytes read per token while the residual stream, the norms and the cache keep float32's range and precision.
 *
 * <p>Forward passes create intermediate arrays; run them inside an {@code NDScope} and unregister
 * what you keep.
 */
public final class LlamaForCausalLM extends Module {
  private final LlamaConfig config;
  private final DataType dtype;
  private final DataType activations;
  private final NDManager manager;
  private final LlamaModel model;
  private final Linear lmHead;
  private final float[] invFreq;

  /** A model with random weights (normal(0, initializer_range) matrices, unit norms), seeded. */
  public LlamaForCausalLM(LlamaConfig config, NDManager manager, DataType dtype, long seed) {
    this.config = config;
    this.dtype = dtype;
    this.activations = dtype;
    this.manager = manager;
    Engine.getInstance().setRandomSeed((int) seed);
    this.model = child("model", new LlamaModel(config, manager, dtype, dtype));
    this.lmHead = config.tieWordEmbeddings() ? null
        : child("lm_head", new Linear(manager, config.hiddenSize(), config.vocabSize(), false, dtype));
    this.invFreq = Rope.invFreq(config);
    float std = (float) config.initializerRange();
    for (Param p : namedParameters().values()) {
      NDArray a = p.array();
      if (a.getShape().dimension() == 2) {
        p.replace(manager.randomNormal(0f, std, a.getShape(), dtype));
      } else if (p.name().equals("bias")) {
        p.replace(manager.zeros(a.getShape(), dtype));
      }
    }
  }

  /**
   * Loads a Hugging Face Llama or Phi-3 directory ({@link LlamaConfig#MODEL_TYPES}; an M3D-LaMed directory's
   * language model too): config.json plus safetensors (single file or shards with model.safetensors.index.json).
   * Weights are converted to {@code dtype} one tensor at a time; activations are float32.
   */
  public static LlamaForCausalLM load(Path hfDir, NDManager manager, DataType dtype) {
    if (!Files.isDirectory(hfDir)) {
      throw new IllegalArgumentException("model directory " + hfDir + " does not exist");
    }
    LlamaConfig config = LlamaConfig.load(hfDir.resolve("config.json"));
    try (TensorSource src = languageModelView(Safetensors.open(hfDir), config)) {
      // allocate small placeholders: every parameter is replaced from the checkpoint
      LlamaForCausalLM lm = new LlamaForCausalLM(config, manager, dtype, 0L, true);
      ModuleLoader.load(lm, src, n -> isLanguageModelTensor(n, config) ? n : null, p -> false);
      return lm;
    }
  }

  /** A checkpoint in Llama's tensor names: Phi-3's fused projections are split ({@link FusedProjections}). */
  public static TensorSource languageModelView(TensorSource src, LlamaConfig config) {
    if (!FusedProjections.isFused(src.names())) {
      return src;
    }
    return new FusedProjections(src, (long) config.numAttentionHeads() * config.headDim(),
        (long) config.numKeyValueHeads() * config.headDim());
  }

  /**
   * Whether a tensor of a Hugging Face directory belongs to the language model: not the rotary inv_freq buffers
   * (recomputed), not a tied model's leftover {@code lm_head.weight}, and not the other parts of a multimodal
   * directory (M3D-LaMed's vision tower, projector and SegVol module beside the language model).
   */
  public static boolean isLanguageModelTensor(String name, LlamaConfig config) {
    return !(name.endsWith("rotary_emb.inv_freq") || config.tieWordEmbeddings() && name.equals("lm_head.weight")
        || name.startsWith("model.vision_tower.") || name.startsWith("model.mm_projector.")
        || name.startsWith("model.seg_module.") || name.startsWith("model.seg_projector."));
  }

  /**
   * A model whose parameters have the right shapes and type but uninitialised contents, for a caller that loads
   * every one of them next (e.g. as part of a multimodal checkpoint). Weights of type {@code dtype}, activations
   * and norms float32, as {@link #load}.
   */
  public static LlamaForCausalLM placeholders(LlamaConfig config, NDManager manager, DataType dtype) {
    return new LlamaForCausalLM(config, manager, dtype, 0L, true);
  }

  /** Construction for loading: shapes right, contents uninitialised (every one is loaded next). */
  private LlamaForCausalLM(LlamaConfig config, NDManager manager, DataType dtype, long unused, boolean empty) {
    this.config = config;
    this.dtype = dtype;
    this.activations = DataType.FLOAT32;
    this.manager = manager;
    NDManager init = Placeholders.manager(manager);
    this.model = child("model", new LlamaModel(config, init, dtype, activations));
    this.lmHead = config.tieWordEmbeddings() ? null
        : child("lm_head", new Linear(init, config.hiddenSize(), config.vocabSize(), false, dtype));
    this.invFreq = Rope.invFreq(config);
  }

  /**
   * Writes this model as a Hugging Face directory: config.json and model.safetensors, or shards of at
   * most {@code maxShardBytes} with model.safetensors.index.json when larger. Floating weights are
   * stored as {@code floatsAs} (null: as they are). Each file is written atomically.
   */
  public void saveHf(Path dir, TensorDType floatsAs, long maxShardBytes) {
    Map<String, NDArray> state = ModuleLoader.stateDict(this);
    long bytes = 0;
    for (NDArray a : state.values()) {
      bytes += a.getShape().size() * (floatsAs != null ? floatsAs.bytes() : TensorDType.of(a.getDataType()).bytes());
    }
    Map<String, String> meta = Map.of("format", "pt");
    if (bytes > maxShardBytes) {
      Safetensors.writeSharded(dir, state, maxShardBytes, meta, floatsAs);
    } else {
      Safetensors.write(dir.resolve(Safetensors.SINGLE_FILE), state, meta, floatsAs);
    }
    LlamaCheckpoint.writeConfig(dir, config, floatsAs);
  }

  public LlamaConfig config() {
    return config;
  }

  /** The weights' type (embedding and linear layers). */
  public DataType dtype() {
    return dtype;
  }

  /** The type of the hidden states, norms and KV cache (see the class comment). */
  public DataType activationType() {
    return activations;
  }

  /** The decoder layers (e.g. to attach LoRA adapters). */
  public List<DecoderLayer> layers() {
    return model.layers;
  }

  /** The token embedding. */
  public Embedding embedTokens() {
    return model.embedTokens;
  }

  /** The norm after the last decoder layer. */
  public RmsNorm finalNorm() {
    return model.norm;
  }

  /** Rotary inverse frequencies (scaling applied), [headDim / 2]. */
  float[] invFreq() {
    return invFreq;
  }

  /** The output projection, or null when tied to the embedding. */
  public Linear lmHead() {
    return lmHead;
  }

  /**
   * Every weight matrix one decoding step reads in full: each layer's seven projections (q, k, v, o, gate, up,
   * down), then the head (lm_head, or the embedding table when tied). Their bytes are what bounds decoding speed.
   */
  public List<NDArray> decodeMatrices() {
    List<NDArray> out = new ArrayList<>();
    for (DecoderLayer layer : model.layers) {
      for (Linear lin : layer.projections()) {
        out.add(lin.weight().array());
      }
    }
    out.add(lmHead != null ? lmHead.weight().array() : model.embedTokens.weight().array());
    return out;
  }

  /** Token ids [B, T] → embeddings [B, T, H], of the activations' type. */
  public NDArray embed(NDArray ids) {
    return Casts.withGrad(model.embedTokens.forward(ids), activations);
  }

  /** Logits [B, T, V] (see {@link #hidden}). */
  public NDArray forward(NDArray inputsEmbeds, NDArray attentionMask, KvCache cache, NDArray positionIds) {
    return logits(hidden(inputsEmbeds, attentionMask, cache, positionIds));
  }

  /** Hidden states [..., H] → logits [..., V] through lm_head (or the tied embedding). */
  public NDArray logits(NDArray hidden) {
    if (lmHead != null) {
      return RowParallel.linear(lmHead, hidden);
    }
    return RowParallel.tied(model.embedTokens, hidden);
  }

  /** A cache for {@code batch} rows of up to {@code maxLen} positions. */
  public KvCache newCache(int batch, int maxLen) {
    return new KvCache(manager, config.numHiddenLayers(), batch, config.numKeyValueHeads(), maxLen,
        config.headDim(), activations);
  }

  /**
   * Final-normed hidden states [B, T, H].
   *
   * @param inputsEmbeds [B, T, H]
   * @param attentionMask [B, T], 1 = real token, 0 = padding (left padding for batches); null = all real.
   *     With a cache, only the new tokens' mask: the cache remembers earlier ones.
   * @param cache null, or a cache that receives these T positions after its current length
   * @param positionIds [B, T] or null: then derived from the mask as HF does
   *     (number of earlier real tokens in the row; padding gets 1)
   */
  public NDArray hidden(NDArray inputsEmbeds, NDArray attentionMask, KvCache cache, NDArray positionIds) {
    Shape s = inputsEmbeds.getShape();
    if (s.dimension() != 3 || s.get(2) != config.hiddenSize()) {
      throw new IllegalArgumentException("inputsEmbeds must be [B, T, " + config.hiddenSize() + "], got " + s);
    }
    int b = (int) s.get(0);
    int t = (int) s.get(1);
    int past = cache == null ? 0 : cache.length();
    if (cache != null && (cache.batch() != b || past + t > cache.maxLen())) {
      throw new IllegalArgumentException("cache of batch " + cache.batch() + " and " + cache.maxLen()
          + " positions cannot take " + b + " rows of " + t + " more after " + past);
    }
    boolean[][] realNew = new boolean[b][t];
    if (attentionMask == null) {
      for (boolean[] r : realNew) {
        java.util.Arrays.fill(r, true);
      }
    } else {
      if (!attentionMask.getShape().equals(new Shape(b, t))) {
        throw new IllegalArgumentException("attentionMask must be [" + b + ", " + t + "], got "
            + attentionMask.getShape());
      }
      float[] m = attentionMask.toType(DataType.FLOAT32, false).toFloatArray();
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < t; j++) {
          realNew[i][j] = m[i * t + j] != 0f;
        }
      }
    }
    long[] pos = new long[b * t];
    if (positionIds != null) {
      if (!positionIds.getShape().equals(new Shape(b, t))) {
        throw new IllegalArgumentException("positionIds must be [" + b + ", " + t + "], got " + positionIds.getShape());
      }
      pos = positionIds.toType(DataType.INT64, false).toLongArray();
    } else {
      for (int i = 0; i < b; i++) {
        int seen = cache == null ? 0 : cache.realCount(i);
        for (int j = 0; j < t; j++) {
          if (realNew[i][j]) {
            pos[i * t + j] = seen++;
          } else {
            pos[i * t + j] = 1; // as HF: masked_fill(mask == 0, 1); never attended to
          }
        }
      }
    }
    if (t == 1) { // a decoding step: the CPU kernels when they apply
      NDArray out = CpuDecodeStep.hidden(this, inputsEmbeds, realNew, pos, cache, past);
      if (out != null) {
        cache.commit(realNew, t);
        return out;
      }
    }
    NDArray bias = attentionBias(cache, realNew, b, t, past, inputsEmbeds.getManager());
    NDArray out = layers(inputsEmbeds, pos, bias, cache, past);
    if (cache != null) {
      cache.commit(realNew, t);
    }
    return out;
  }

  /**
   * Final-normed hidden states [B, T, H] under an explicit attention mask, for packed rows that hold several
   * sequences (the train package's shared-prefix packing): position q attends to position k where
   * {@code bias} is 0, not where it is float32's lowest value. No cache.
   *
   * @param positionIds RoPE position of every token, B·T row-major
   * @param bias additive mask [B, 1, 1, T, T] (float32)
   */
  public NDArray hidden(NDArray inputsEmbeds, long[] positionIds, NDArray bias) {
    Shape s = inputsEmbeds.getShape();
    if (s.dimension() != 3 || s.get(2) != config.hiddenSize()) {
      throw new IllegalArgumentException("inputsEmbeds must be [B, T, " + config.hiddenSize() + "], got " + s);
    }
    long b = s.get(0);
    long t = s.get(1);
    if (positionIds.length != b * t || !bias.getShape().equals(new Shape(b, 1, 1, t, t))) {
      throw new IllegalArgumentException("positions " + positionIds.length + " and bias " + bias.getShape()
          + " do not fit embeddings " + s);
    }
    return layers(inputsEmbeds, positionIds, bias, null, 0);
  }

  /** RoPE tables for the positions, the decoder layers and the final norm. */
  private NDArray layers(NDArray inputsEmbeds, long[] pos, NDArray bias, KvCache cache, int past) {
    Shape s = inputsEmbeds.getShape();
    NDManager nm = inputsEmbeds.getManager();
    int d = config.headDim();
    float[][] cs = Rope.tables(invFreq, pos);
    NDArray cos = nm.create(cs[0], new Shape(s.get(0), 1, s.get(1), d));
    NDArray sin = nm.create(cs[1], new Shape(s.get(0), 1, s.get(1), d));
    if (activations != DataType.FLOAT32) {
      cos = cos.toType(activations, false);
      sin = sin.toType(activations, false);
    }
    NDArray x = inputsEmbeds;
    if (JniUtils.isGradMode()) { // backward needs every intermediate
      for (int l = 0; l < model.layers.size(); l++) {
        x = model.layers.get(l).forward(x, cos, sin, bias, cache, l, past);
      }
      return model.norm.forward(x);
    }
    // Inference frees each layer's intermediates when the layer is done, not at the end of the pass: a prompt
    // pass would otherwise hold ~100 MB per layer (Phi-3-mini, 321 tokens), every page of it freshly faulted in
    // (the page faults took a third of the prompt pass's time).
    for (int l = 0; l < model.layers.size(); l++) {
      NDArray prev = x;
      try (NDScope scope = new NDScope()) {
        x = model.layers.get(l).forward(x, cos, sin, bias, cache, l, past);
        NDScope.unregister(x);
      }
      if (prev != inputsEmbeds) {
        prev.close();
      }
    }
    NDArray out = model.norm.forward(x);
    if (x != inputsEmbeds) {
      x.close();
    }
    return out;
  }

  /**
   * Additive float32 mask [B, 1, 1, T, past + T] (broadcast over KV heads and query groups): 0 where a
   * query may attend (causal, real key), float32 min elsewhere. Null when nothing is masked (a
   * single new token with no padding anywhere), which saves work on every decoding step.
   */
  private static NDArray attentionBias(KvCache cache, boolean[][] realNew, int b, int t, int past, NDManager nm) {
    int len = past + t;
    boolean any = t > 1;
    for (int i = 0; i < b && !any; i++) {
      for (int j = 0; j < len && !any; j++) {
        any = !(j < past ? cache.isReal(i, j) : realNew[i][j - past]);
      }
    }
    if (!any) {
      return null;
    }
    float neg = -Float.MAX_VALUE;
    float[] m = new float[b * t * len];
    for (int i = 0; i < b; i++) {
      for (int q = 0; q < t; q++) {
        int base = (i * t + q) * len;
        for (int j = 0; j < len; j++) {
          boolean keyReal = j < past ? cache.isReal(i, j) : realNew[i][j - past];
          m[base + j] = keyReal && j <= past + q ? 0f : neg;
        }
      }
    }
    return nm.create(m, new Shape(b, 1, 1, t, len));
  }

  /** HF LlamaModel: embeddings, decoder layers, final norm. */
  static final class LlamaModel extends Module {
    final Embedding embedTokens;
    final List<DecoderLayer> layers;
    final RmsNorm norm;

    LlamaModel(LlamaConfig c, NDManager m, DataType dtype, DataType norms) {
      embedTokens = child("embed_tokens", new Embedding(m, c.vocabSize(), c.hiddenSize(), dtype));
      List<DecoderLayer> ls = new ArrayList<>();
      for (int i = 0; i < c.numHiddenLayers(); i++) {
        ls.add(new DecoderLayer(c, m, dtype, norms));
      }
      layers = children("layers", ls);
      norm = child("norm", new RmsNorm(m, c.hiddenSize(), (float) c.rmsNormEps(), norms));
    }
  }

  /** One pre-norm block: x + attn(norm(x)), then h + mlp(norm(h)). */
  public static final class DecoderLayer extends Module {
    private final Attention selfAttn;
    private final Mlp mlp;
    private final RmsNorm inputLayernorm;
    private final RmsNorm postAttentionLayernorm;

    DecoderLayer(LlamaConfig c, NDManager m, DataType dtype, DataType norms) {
      selfAttn = child("self_attn", new Attention(c, m, dtype));
      mlp = child("mlp", new Mlp(c, m, dtype));
      inputLayernorm = child("input_layernorm", new RmsNorm(m, c.hiddenSize(), (float) c.rmsNormEps(), norms));
      postAttentionLayernorm = child("post_attention_layernorm",
          new RmsNorm(m, c.hiddenSize(), (float) c.rmsNormEps(), norms));
    }

    public Attention selfAttn() {
      return selfAttn;
    }

    public Mlp mlp() {
      return mlp;
    }

    /** The layer's seven projections in the order a decoding step runs them: q, k, v, o, gate, up, down. */
    public Linear[] projections() {
      return new Linear[] {selfAttn.qProj(), selfAttn.kProj(), selfAttn.vProj(), selfAttn.oProj(), mlp.gateProj(),
          mlp.upProj(), mlp.downProj()};
    }

    public RmsNorm inputLayernorm() {
      return inputLayernorm;
    }

    public RmsNorm postAttentionLayernorm() {
      return postAttentionLayernorm;
    }

    NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray bias, KvCache cache, int layer, int past) {
      NDArray h = x.add(selfAttn.forward(inputLayernorm.forward(x), cos, sin, bias, cache, layer, past));
      return h.add(mlp.forward(postAttentionLayernorm.forward(h)));
    }
  }

  /** Grouped-query self-attention with rotary embedding. */
  public static final class Attention extends Module {
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear oProj;
    private final int heads;
    private final int kvHeads;
    private final int headDim;

    Attention(LlamaConfig c, NDManager m, DataType dtype) {
      heads = c.numAttentionHeads();
      kvHeads = c.numKeyValueHeads();
      headDim = c.headDim();
      boolean bias = c.attentionBias();
      qProj = child("q_proj", new Linear(m, c.hiddenSize(), heads * headDim, bias, dtype));
      kProj = child("k_proj", new Linear(m, c.hiddenSize(), kvHeads * headDim, bias, dtype));
      vProj = child("v_proj", new Linear(m, c.hiddenSize(), kvHeads * headDim, bias, dtype));
      oProj = child("o_proj", new Linear(m, heads * headDim, c.hiddenSize(), bias, dtype));
    }

    public Linear qProj() {
      return qProj;
    }

    public Linear kProj() {
      return kProj;
    }

    public Linear vProj() {
      return vProj;
    }

    public Linear oProj() {
      return oProj;
    }

    NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray bias, KvCache cache, int layer, int past) {
      long b = x.getShape().get(0);
      long t = x.getShape().get(1);
      int groups = heads / kvHeads;
      // [B, T, heads*D] → [B, heads, T, D]
      NDArray q = rope(RowParallel.linear(qProj, x).reshape(b, t, heads, headDim).transpose(0, 2, 1, 3), cos, sin);
      NDArray k = rope(RowParallel.linear(kProj, x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3), cos, sin);
      NDArray v = RowParallel.linear(vProj, x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3);
      long len = t;
      if (cache != null) {
        cache.write(layer, k, v, past);
        len = past + t;
        k = cache.keys(layer, (int) len);
        v = cache.values(layer, (int) len);
      }
      // query head h uses KV head h / groups: view queries as [B, kv, groups*T, D], no K/V copies
      NDArray qg = Scalars.mul(q, 1.0 / Math.sqrt(headDim)).reshape(b, kvHeads, groups * t, headDim);
      NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)); // [B, kv, groups*T, len]
      DataType dt = scores.getDataType();
      if (dt != DataType.FLOAT32) {
        scores = Casts.withGrad(scores, DataType.FLOAT32); // toType would cut autograd
      }
      if (bias != null) {
        scores = scores.reshape(b, kvHeads, groups, t, len).add(bias).reshape(b, kvHeads, groups * t, len);
      }
      NDArray probs = scores.softmax(-1);
      if (dt != DataType.FLOAT32) {
        probs = Casts.withGrad(probs, dt);
      }
      NDArray out = probs.matMul(v) // [B, kv, groups*T, D] = [B, heads, T, D]
          .reshape(b, heads, t, headDim).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim);
      return RowParallel.linear(oProj, out);
    }

    /** x·cos + rotate_half(x)·sin, with rotate_half as a swap of halves times a signed sin table. */
    private NDArray rope(NDArray x, NDArray cos, NDArray sin) {
      Shape s = x.getShape();
      NDArray swapped = x.reshape(s.get(0), s.get(1), s.get(2), 2, headDim / 2).flip(3).reshape(s);
      return x.mul(cos).add(swapped.mul(sin));
    }
  }

  /** SwiGLU: down(silu(gate(x)) * up(x)). */
  public static final class Mlp extends Module {
    private final Linear gateProj;
    private final Linear upProj;
    private final Linear downProj;

    Mlp(LlamaConfig c, NDManager m, DataType dtype) {
      boolean bias = c.mlpBias();
      gateProj = child("gate_proj", new Linear(m, c.hiddenSize(), c.intermediateSize(), bias, dtype));
      upProj = child("up_proj", new Linear(m, c.hiddenSize(), c.intermediateSize(), bias, dtype));
      downProj = child("down_proj", new Linear(m, c.intermediateSize(), c.hiddenSize(), bias, dtype));
    }

    public Linear gateProj() {
      return gateProj;
    }

    public Linear upProj() {
      return upProj;
    }

    public Linear downProj() {
      return downProj;
    }

    NDArray forward(NDArray x) {
      NDArray g = RowParallel.linear(gateProj, x);
      return RowParallel.linear(downProj, g.mul(Activation.sigmoid(g)).mul(RowParallel.linear(upProj, x)));
    }
  }
}
