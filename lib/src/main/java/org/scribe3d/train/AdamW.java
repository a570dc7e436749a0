package org.scribe3d.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.model.nn.Param;

/**
 * AdamW with decoupled weight decay, step for step the algorithm of {@code torch.optim.AdamW}
 * (PyTorch 1.13+, non-amsgrad, non-maximize, non-fused): per parameter p with gradient g at step t
 *
 * <pre>
 *   p  ← p · (1 − lr·wd)
 *   m  ← β1·m + (1 − β1)·g
 *   v  ← β2·v + (1 − β2)·g²
 *   p  ← p − lr/(1 − β1ᵗ) · m / (sqrt(v)/sqrt(1 − β2ᵗ) + eps)
 * </pre>
 *
 * <p>Updates are in place on the parameters' tensors (so a Module, its replicas' sources and any
 * views keep pointing at the same storage); temporaries of one step live in an {@link NDScope} and
 * are freed at its end, so steps do not accumulate memory. The moments live on the parameter's
 * device in a manager owned by the optimizer ({@link #close()} frees them), always in float32 (the
 * update is computed in float32 and rounded once into a half-precision weight).
 *
 * <p>Difference from torch: a trainable parameter that received no gradient this step is updated
 * with a zero gradient (torch skips it); every trainable parameter of our models gets a gradient,
 * so this does not arise in practice.
 */
public final class AdamW implements AutoCloseable {

  /** Hyper-parameters; lr here is the base rate, the schedule multiplies it per step. */
  public record Config(double lr, double beta1, double beta2, double eps, double weightDecay) {
    public Config {
      if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0)
          || !(weightDecay >= 0)) {
        throw new IllegalArgumentException("invalid AdamW config " + this);
      }
    }

    /** torch.optim.AdamW defaults (betas 0.9/0.999, eps 1e-8, weight decay 0.01) with a given lr. */
    public static Config torchDefaults(double lr) {
      return new Config(lr, 0.9, 0.999, 1e-8, 0.01);
    }
  }

  private final Config config;
  private final Map<String, Param> params;
  private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
  private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
  private final Map<Device, NDManager> managers = new HashMap<>();
  private long step;

  /** Optimises the given parameters (usually {@code module.trainableParameters()}). */
  public AdamW(Map<String, Param> params, Config config) {
    this.config = config;
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    for (Map.Entry<String, Param> e : this.params.entrySet()) {
      NDArray w = e.getValue().array();
      NDManager mgr = managers.computeIfAbsent(w.getDevice(), NDManager::newBaseManager);
      // moments in float32 whatever the weights' dtype: in float16, g² and eps (1e-8) underflow to 0
      expAvg.put(e.getKey(), persistent(mgr.zeros(w.getShape(), DataType.FLOAT32), mgr));
      expAvgSq.put(e.getKey(), persistent(mgr.zeros(w.getShape(), DataType.FLOAT32), mgr));
    }
  }

  private static NDArray persistent(NDArray a, NDManager mgr) {
    NDScope.unregister(a); // state must outlive any scope the caller happens to be in
    a.attach(mgr);
    return a;
  }

  public Config config() {
    return config;
  }

  /** Number of updates done so far (torch's per-parameter "step", equal for all parameters here). */
  public long stepCount() {
    return step;
  }

  public Map<String, Param> parameters() {
    return params;
  }

  /** One update of every parameter from its current gradient, at learning rate {@code lr}. */
  public void step(double lr) {
    step++;
    double b1 = config.beta1();
    double b2 = config.beta2();
    double bc1 = 1 - Math.pow(b1, step);
    double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, step));
    float decay = (float) (1 - lr * config.weightDecay());
    float stepSize = (float) (lr / bc1);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (Map.Entry<String, Param> e : params.entrySet()) {
        NDArray w = e.getValue().array();
        NDArray g = w.getGradient();
        if (g.getDataType() != DataType.FLOAT32) {
          g = g.toType(DataType.FLOAT32, false);
        }
        NDArray m = expAvg.get(e.getKey());
        NDArray v = expAvgSq.get(e.getKey());
        if (config.weightDecay() != 0) {
          w.muli(decay);
        }
        m.muli((float) b1).addi(g.mul((float) (1 - b1)));
        v.muli((float) b2).addi(g.mul(g).muli((float) (1 - b2)));
        NDArray denom = v.sqrt().divi((float) bc2Sqrt).addi((float) config.eps());
        NDArray update = m.div(denom).muli(stepSize);
        w.subi(update.getDataType() == w.getDataType() ? update : update.toType(w.getDataType(), false));
      }
    }
  }

  /** Sets every gradient to zero (keeps the gradient buffers; NaN-safe unlike g − g). */
  public void zeroGrad() {
    zeroGrad(params.values());
  }

  /** Zeroes the gradients of some parameters (e.g. a replica's). */
  public static void zeroGrad(Iterable<Param> params) {
    for (Param p : params) {
      JniUtils.zeroGrad((PtNDArray) p.array());
    }
  }

  /**
   * The state as named tensors, torch-like names: {@code exp_avg.<param>} and
   * {@code exp_avg_sq.<param>}; the step count is separate ({@link #stepCount()}). The arrays are the
   * live state (not copies): write them out, do not close them.
   */
  public Map<String, NDArray> stateTensors() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    expAvg.forEach((k, v) -> out.put("exp_avg." + k, v));
    expAvgSq.forEach((k, v) -> out.put("exp_avg_sq." + k, v));
    return out;
  }

  /**
   * Restores the state saved by {@link #stateTensors()} / {@link #stepCount()}. Every parameter must
   * be present with the same shape; extra tensors are an error too (a different trainable set).
   */
  public void loadState(Map<String, NDArray> tensors, long stepCount) {
    List<String> problems = new ArrayList<>();
    for (String name : params.keySet()) {
      for (String kind : List.of("exp_avg.", "exp_avg_sq.")) {
        NDArray src = tensors.get(kind + name);
        NDArray dst = (kind.equals("exp_avg.") ? expAvg : expAvgSq).get(name);
        if (src == null) {
          problems.add("missing " + kind + name);
        } else if (!src.getShape().equals(dst.getShape())) {
          problems.add(kind + name + " has shape " + src.getShape() + ", expected " + dst.getShape());
        }
      }
    }
    for (String key : tensors.keySet()) {
      String name = key.startsWith("exp_avg_sq.") ? key.substring(11)
          : key.startsWith("exp_avg.") ? key.substring(8) : null;
      if (name == null || !params.containsKey(name)) {
        problems.add("unexpected optimizer tensor " + key);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("optimizer state does not match the trainable parameters: "
          + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
          + (problems.size() > 5 ? " (+" + (problems.size() - 5) + " more)" : ""));
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (String name : params.keySet()) {
        Tensors.assign(expAvg.get(name), tensors.get("exp_avg." + name), "exp_avg." + name);
        Tensors.assign(expAvgSq.get(name), tensors.get("exp_avg_sq." + name), "exp_avg_sq." + name);
      }
    }
    this.step = stepCount;
  }

  @Override
  public void close() {
    managers.values().forEach(NDManager::close);
    managers.clear();
  }
}
