package org.scribe3d.model.llama;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorDType;
import org.scribe3d.io.AtomicFiles;

/**
 * A Llama's Hugging Face checkpoint without the model in memory: its tensor names and shapes, known from the
 * config alone, and a random-weight directory written block by block as it is made (memory of a few blocks,
 * where building a {@link LlamaForCausalLM} first would hold the whole model).
 */
public final class LlamaCheckpoint {
  /** Random matrices are made in blocks of rows of about this many values (one tensor can be 1 GB or more). */
  private static final long BLOCK = 4L << 20;

  private LlamaCheckpoint() {}

  /** The checkpoint's tensor names and shapes, in {@link LlamaForCausalLM#namedParameters()}'s order. */
  public static Map<String, Shape> shapes(LlamaConfig c) {
    long h = c.hiddenSize();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    long ff = c.intermediateSize();
    Map<String, Shape> s = new LinkedHashMap<>();
    s.put("model.embed_tokens.weight", new Shape(c.vocabSize(), h));
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String l = "model.layers." + i + ".";
      linear(s, l + "self_attn.q_proj", h, q, c.attentionBias());
      linear(s, l + "self_attn.k_proj", h, kv, c.attentionBias());
      linear(s, l + "self_attn.v_proj", h, kv, c.attentionBias());
      linear(s, l + "self_attn.o_proj", q, h, c.attentionBias());
      linear(s, l + "mlp.gate_proj", h, ff, c.mlpBias());
      linear(s, l + "mlp.up_proj", h, ff, c.mlpBias());
      linear(s, l + "mlp.down_proj", ff, h, c.mlpBias());
      s.put(l + "input_layernorm.weight", new Shape(h));
      s.put(l + "post_attention_layernorm.weight", new Shape(h));
    }
    s.put("model.norm.weight", new Shape(h));
    if (!c.tieWordEmbeddings()) {
      s.put("lm_head.weight", new Shape(c.vocabSize(), h));
    }
    return s;
  }

  private static void linear(Map<String, Shape> s, String name, long in, long out, boolean bias) {
    s.put(name + ".weight", new Shape(out, in));
    if (bias) {
      s.put(name + ".bias", new Shape(out));
    }
  }

  /**
   * Writes a Hugging Face directory with random weights stored as {@code store} (F32, F16 or BF16), with the
   * statistics of {@link LlamaForCausalLM#LlamaForCausalLM(LlamaConfig, NDManager, DataType, long)}:
   * normal(0, initializer_range) matrices, unit norms, zero biases. The same seed gives the same files.
   * Tensors are made in blocks as they are written; shards of at most {@code maxShardBytes} when larger.
   */
  public static void writeRandom(Path dir, LlamaConfig c, TensorDType store, long seed, long maxShardBytes) {
    float std = (float) c.initializerRange();
    Map<String, Shape> shapes = shapes(c);
    Map<String, Safetensors.Spec> specs = new LinkedHashMap<>();
    shapes.forEach((name, shape) -> specs.put(name, new Safetensors.Spec(shape, store)));
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed((int) seed);
      // float32 blocks, converted to the stored dtype by the writer
      Safetensors.Producer random = (name, rows) -> {
        Shape s = shapes.get(name);
        if (s.dimension() == 2) {
          long block = Math.max(1, BLOCK / s.get(1));
          for (long r = 0; r < s.get(0); r += block) {
            try (NDArray x = m.randomNormal(0f, std, new Shape(Math.min(block, s.get(0) - r), s.get(1)),
                DataType.FLOAT32)) {
              rows.accept(x);
            }
          }
        } else {
          try (NDArray x = name.endsWith(".bias") ? m.zeros(s) : m.ones(s)) {
            rows.accept(x);
          }
        }
      };
      Map<String, String> meta = Map.of("format", "pt");
      if (specs.values().stream().mapToLong(Safetensors.Spec::bytes).sum() > maxShardBytes) {
        Safetensors.writeSharded(dir, specs, random, maxShardBytes, meta);
      } else {
        Safetensors.write(dir.resolve(Safetensors.SINGLE_FILE), specs, random, meta);
      }
    }
    writeConfig(dir, c, store);
  }

  /** Writes {@code dir/config.json}, its torch_dtype naming the stored dtype (null: the config's own). */
  static void writeConfig(Path dir, LlamaConfig c, TensorDType stored) {
    if (stored != null) {
      String name = switch (stored) {
        case BF16 -> "bfloat16";
        case F16 -> "float16";
        default -> "float32";
      };
      c = new LlamaConfig(c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(), c.numAttentionHeads(),
          c.numKeyValueHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(), c.vocabSize(),
          c.tieWordEmbeddings(), c.attentionBias(), c.mlpBias(), c.bosTokenId(), c.eosTokenIds(),
          c.maxPositionEmbeddings(), name, c.initializerRange());
    }
    Path f = dir.resolve("config.json");
    try {
      AtomicFiles.writeBytes(f, c.toJsonString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + f, e);
    }
  }
}
