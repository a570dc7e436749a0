package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import org.scribe3d.model.nn.Module;
import org.scribe3d.model.nn.Param;

/**
 * The copies between a data-parallel master and its replicas: every parameter once at the start,
 * then per optimizer step only the trainable ones (their gradients to the master, their updated
 * weights back). Frozen parameters (an 8B base under LoRA) never change during a run, so copying
 * them each step would only cost bandwidth.
 *
 * <p>The gradient sum runs parameter by parameter, adding the replicas in their fixed order to the
 * master's gradient ((g0 + g1) + g2 ...), so a run's result does not depend on thread timing.
 */
final class ReplicaSync {
  /** What a copy carried. */
  enum Kind { WEIGHTS, GRADIENT }

  /** Told of every tensor copied between master and a replica (tests count the bytes). */
  @FunctionalInterface
  interface CopyHook {
    CopyHook NONE = (kind, name, bytes) -> {};

    void copied(Kind kind, String name, long bytes);
  }

  private final Module master;
  private final List<Module> replicas;
  private final CopyHook hook;

  ReplicaSync(Module master, List<Module> replicas, CopyHook hook) {
    this.master = master;
    this.replicas = replicas;
    this.hook = hook == null ? CopyHook.NONE : hook;
  }

  /** Every parameter, frozen ones and buffers included: at the start of a run or after a resume. */
  void broadcastAll() {
    broadcast(master.namedParameters());
  }

  /** The trainable parameters only: after each optimizer step. */
  void broadcastTrainable() {
    broadcast(master.trainableParameters());
  }

  private void broadcast(Map<String, Param> source) {
    for (Module r : replicas) {
      Map<String, Param> dst = r.namedParameters();
      for (Map.Entry<String, Param> e : source.entrySet()) {
        NDArray src = e.getValue().array();
        Tensors.assign(dst.get(e.getKey()).array(), src, e.getKey());
        hook.copied(Kind.WEIGHTS, e.getKey(), bytes(src));
      }
    }
  }

  /** Adds each replica's gradient of every trainable parameter into the master's, in replica order. */
  void reduceGradients() {
    Map<String, Param> params = master.trainableParameters();
    for (Module r : replicas) {
      Map<String, Param> rp = r.trainableParameters();
      for (Map.Entry<String, Param> e : params.entrySet()) {
        NDArray target = e.getValue().array().getGradient();
        NDArray g = rp.get(e.getKey()).array().getGradient();
        NDArray moved = g.toDevice(target.getDevice(), false);
        target.addi(moved);
        hook.copied(Kind.GRADIENT, e.getKey(), bytes(g));
        // freed per tensor: a whole model's worth of copied gradients would otherwise sit on the master
        if (moved != g) {
          moved.close();
        }
        g.close();
        target.close(); // the gradient handles are views; the gradients themselves stay
      }
    }
  }

  void zeroReplicaGradients() {
    for (Module r : replicas) {
      AdamW.zeroGrad(r.trainableParameters().values());
    }
  }

  static long bytes(NDArray a) {
    return a.getShape().size() * a.getDataType().getNumOfBytes();
  }
}
