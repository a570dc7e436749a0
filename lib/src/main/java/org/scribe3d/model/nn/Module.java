package org.scribe3d.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PyTorch-style module on DJL NDArrays: named parameters and child modules, so that the dotted
 * names of {@link #namedParameters()} are exactly the checkpoint names (e.g.
 * "layers.0.self_attn.q_proj.weight", "blocks.3.attn.qkv.weight").
 *
 * <p>Why not DJL's Block API: checkpoint names, LoRA wrapping and KV caches map directly onto this
 * small tree, and the forward code reads like the reference implementations it is checked against.
 *
 * <p>Memory: forward passes create intermediate NDArrays; callers run them inside an
 * {@code ai.djl.ndarray.NDScope} (or on a per-step sub-manager) and unregister what they keep.
 */
public abstract class Module {
  private final Map<String, Param> params = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private boolean training;

  /** Registers a parameter under a local name; returns it. */
  protected final Param param(String name, NDArray init, boolean trainable) {
    checkName(name);
    Param p = new Param(name, init, trainable);
    if (trainable) {
      init.setRequiresGradient(true);
    }
    params.put(name, p);
    return p;
  }

  /**
   * Registers a buffer under a local name: saved and loaded with the parameters, never trained and not
   * counted by {@link #parameterCount} (PyTorch's register_buffer).
   */
  protected final Param buffer(String name, NDArray init) {
    checkName(name);
    Param p = new Param(name, init, false, true);
    params.put(name, p);
    return p;
  }

  /** Registers a child module under a local name; returns it. */
  protected final <T extends Module> T child(String name, T module) {
    checkName(name);
    children.put(name, module);
    return module;
  }

  /** Registers a list of children named prefix.0, prefix.1, … (like torch.nn.ModuleList). */
  protected final <T extends Module> List<T> children(String prefix, List<T> modules) {
    ModuleList<T> list = new ModuleList<>(modules);
    child(prefix, list);
    return Collections.unmodifiableList(modules);
  }

  private void checkName(String name) {
    if (params.containsKey(name) || children.containsKey(name)) {
      throw new IllegalStateException("duplicate name " + name + " in " + getClass().getSimpleName());
    }
  }

  /** Every parameter of this module and its descendants under its dotted name, in definition order. */
  public final Map<String, Param> namedParameters() {
    Map<String, Param> out = new LinkedHashMap<>();
    collect("", out);
    return out;
  }

  private void collect(String prefix, Map<String, Param> out) {
    for (Map.Entry<String, Param> e : params.entrySet()) {
      out.put(prefix + e.getKey(), e.getValue());
    }
    for (Map.Entry<String, Module> e : children.entrySet()) {
      e.getValue().collect(prefix + e.getKey() + ".", out);
    }
  }

  /** Direct children by local name. */
  public final Map<String, Module> namedChildren() {
    return Collections.unmodifiableMap(children);
  }

  /** All descendant modules (depth first, this one first) under dotted names ("" for this). */
  public final Map<String, Module> namedModules() {
    Map<String, Module> out = new LinkedHashMap<>();
    collectModules("", this, out);
    return out;
  }

  private static void collectModules(String name, Module m, Map<String, Module> out) {
    out.put(name, m);
    for (Map.Entry<String, Module> e : m.children.entrySet()) {
      collectModules(name.isEmpty() ? e.getKey() : name + "." + e.getKey(), e.getValue(), out);
    }
  }

  /** Parameters that receive gradients. */
  public final Map<String, Param> trainableParameters() {
    Map<String, Param> out = new LinkedHashMap<>();
    namedParameters().forEach((k, v) -> {
      if (v.trainable()) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** Freezes or unfreezes every parameter below this module. */
  public final void setTrainable(boolean trainable) {
    namedParameters().values().forEach(p -> p.setTrainable(trainable));
  }

  /** Training mode (dropout active) or evaluation mode, recursively. */
  public final void train(boolean on) {
    training = on;
    children.values().forEach(c -> c.train(on));
  }

  public final boolean isTraining() {
    return training;
  }

  /** Total number of scalar parameters (buffers excluded). */
  public final long parameterCount() {
    long n = 0;
    for (Param p : namedParameters().values()) {
      n += p.buffer() ? 0 : p.array().getShape().size();
    }
    return n;
  }

  /** Converts every parameter to a dtype (e.g. BFLOAT16 weights on GPU). */
  public final void castTo(DataType type) {
    for (Param p : namedParameters().values()) {
      if (p.array().getDataType() != type) {
        NDArray c = p.array().toType(type, true);
        c.attach(p.array().getManager());
        p.replace(c);
      }
    }
  }

  /** Moves every parameter to the device of a manager (and attaches it there). */
  public final void moveTo(NDManager manager) {
    for (Param p : namedParameters().values()) {
      NDArray c = p.array().toDevice(manager.getDevice(), true);
      c.attach(manager);
      p.replace(c);
    }
  }

  /** A plain list container so that children get index names. */
  static final class ModuleList<T extends Module> extends Module {
    ModuleList(List<T> modules) {
      List<T> copy = new ArrayList<>(modules);
      for (int i = 0; i < copy.size(); i++) {
        child(Integer.toString(i), copy.get(i));
      }
    }
  }
}
