package org.scribe3d.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A Phi-3 checkpoint seen in Llama's names: Hugging Face's {@code modeling_phi3} fuses the attention input
 * projections into {@code self_attn.qkv_proj} (rows of q, then k, then v) and the MLP's gate and up projections
 * into {@code mlp.gate_up_proj} (gate rows, then up rows: {@code chunk(2, -1)}); the rest of the block is
 * Llama's (RMSNorm, rotate-half RoPE, SwiGLU). This view lists {@code q_proj/k_proj/v_proj} and
 * {@code gate_proj/up_proj} in their place, each loaded as its rows of the fused tensor, so that one Llama module
 * loads Llama and Phi-3 checkpoints alike. Other names pass through unchanged.
 */
public final class FusedProjections implements TensorSource {
  private static final String QKV = "self_attn.qkv_proj.weight";
  private static final String GATE_UP = "mlp.gate_up_proj.weight";

  /** A split tensor: rows [from, to) of a fused one. */
  private record Part(String fused, long from, long to) {}

  private final TensorSource source;
  private final Map<String, Part> parts = new LinkedHashMap<>();
  private final Set<String> names;

  /**
   * @param qRows rows of q in qkv_proj (heads × head_dim)
   * @param kvRows rows of k and of v each (key/value heads × head_dim)
   * @throws CheckpointException if a fused tensor does not have the rows these sizes need
   */
  public FusedProjections(TensorSource source, long qRows, long kvRows) {
    this.source = source;
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (String n : source.names()) {
      if (n.endsWith(QKV)) {
        String base = n.substring(0, n.length() - QKV.length()) + "self_attn.";
        checkRows(n, qRows + 2 * kvRows, "q, k and v rows (" + qRows + " + 2 × " + kvRows + ")");
        put(out, base + "q_proj.weight", new Part(n, 0, qRows));
        put(out, base + "k_proj.weight", new Part(n, qRows, qRows + kvRows));
        put(out, base + "v_proj.weight", new Part(n, qRows + kvRows, qRows + 2 * kvRows));
      } else if (n.endsWith(GATE_UP)) {
        String base = n.substring(0, n.length() - GATE_UP.length()) + "mlp.";
        long rows = source.info(n).shape().get(0);
        if (rows % 2 != 0) {
          throw new CheckpointException(source.describe() + ": " + n + " has " + rows
              + " rows, not an even number (gate rows, then up rows)");
        }
        put(out, base + "gate_proj.weight", new Part(n, 0, rows / 2));
        put(out, base + "up_proj.weight", new Part(n, rows / 2, rows));
      } else {
        out.put(n, Boolean.TRUE);
      }
    }
    this.names = Collections.unmodifiableSet(out.keySet());
  }

  /** Whether a checkpoint has Phi-3's fused projections. */
  public static boolean isFused(Set<String> names) {
    return names.stream().anyMatch(n -> n.endsWith(QKV) || n.endsWith(GATE_UP));
  }

  private void put(Map<String, Boolean> out, String name, Part p) {
    out.put(name, Boolean.TRUE);
    parts.put(name, p);
  }

  private void checkRows(String name, long want, String what) {
    Shape s = source.info(name).shape();
    if (s.dimension() != 2 || s.get(0) != want) {
      throw new CheckpointException(source.describe() + ": " + name + " has shape " + s + ", expected " + want
          + " rows of " + what);
    }
  }

  @Override
  public Set<String> names() {
    return names;
  }

  @Override
  public TensorInfo info(String name) {
    Part p = parts.get(name);
    if (p == null) {
      return source.info(name);
    }
    TensorInfo f = source.info(p.fused);
    long cols = f.shape().get(1);
    long rowBytes = cols * f.dtype().bytes();
    return new TensorInfo(name, f.dtype(), new Shape(p.to - p.from, cols), f.file(), f.offset() + p.from * rowBytes,
        (p.to - p.from) * rowBytes);
  }

  @Override
  public NDArray load(String name, NDManager manager, DataType type) {
    Part p = parts.get(name);
    if (p == null) {
      return source.load(name, manager, type);
    }
    try (NDManager tmp = manager.newSubManager()) {
      NDArray rows = source.load(p.fused, tmp, type).get(new NDIndex("{}:{}", p.from, p.to));
      NDArray own = rows.duplicate(); // its own storage, so the fused tensor is released with tmp
      own.attach(manager);
      return own;
    }
  }

  @Override
  public Map<String, String> metadata() {
    return source.metadata();
  }

  @Override
  public String describe() {
    return source.describe();
  }

  @Override
  public void close() {
    source.close();
  }
}
