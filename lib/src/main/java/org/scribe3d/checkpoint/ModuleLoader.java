package org.scribe3d.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.scribe3d.model.nn.Module;
import org.scribe3d.model.nn.Param;

/**
 * Copies checkpoint tensors into a {@link Module}'s parameters by name. Everything is checked before
 * anything is loaded: every missing, unexpected and mis-shaped tensor is listed in ONE error.
 */
public final class ModuleLoader {
  private static final int LIST_LIMIT = 25;

  private ModuleLoader() {}

  /** What a load did. */
  public record Report(List<String> loaded, List<String> ignored, List<String> missingOptional) {}

  /** Loads with identical names, no tensor ignored and no parameter optional. */
  public static Report load(Module module, TensorSource source) {
    return load(module, source, Function.identity(), p -> false);
  }

  /**
   * Loads a checkpoint into a module.
   *
   * @param nameMap maps a checkpoint name to a parameter name of {@code module}, or to null to skip
   *     that tensor (e.g. the language-model weights inside a multimodal checkpoint)
   * @param optional parameter names that may be absent from the checkpoint (e.g. LoRA adapters); they
   *     keep their current values
   * @throws CheckpointException listing every missing, unexpected and mis-shaped tensor
   */
  public static Report load(Module module, TensorSource source, Function<String, String> nameMap,
      Predicate<String> optional) {
    Map<String, Param> params = module.namedParameters();
    Map<String, String> plan = new LinkedHashMap<>(); // param name -> checkpoint name
    List<String> unexpected = new ArrayList<>();
    List<String> misShaped = new ArrayList<>();
    List<String> duplicate = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (String ck : source.names()) {
      String target = nameMap.apply(ck);
      if (target == null) {
        ignored.add(ck);
        continue;
      }
      Param p = params.get(target);
      if (p == null) {
        unexpected.add(target.equals(ck) ? ck : ck + " (as " + target + ")");
        continue;
      }
      String prev = plan.put(target, ck);
      if (prev != null) {
        duplicate.add(target + " <- " + prev + ", " + ck);
        continue;
      }
      Shape have = source.info(ck).shape();
      Shape want = p.array().getShape();
      if (!have.equals(want)) {
        misShaped.add(ck + " checkpoint " + have + " vs model " + want);
      }
    }
    List<String> missing = new ArrayList<>();
    List<String> missingOptional = new ArrayList<>();
    for (String name : params.keySet()) {
      if (!plan.containsKey(name)) {
        if (optional.test(name)) {
          missingOptional.add(name);
        } else {
          missing.add(name);
        }
      }
    }
    if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty() || !duplicate.isEmpty()) {
      StringBuilder sb = new StringBuilder("checkpoint " + source.describe() + " does not fit "
          + module.getClass().getSimpleName() + ":");
      appendList(sb, "missing", missing);
      appendList(sb, "unexpected", unexpected);
      appendList(sb, "mis-shaped", misShaped);
      appendList(sb, "mapped twice", duplicate);
      throw new CheckpointException(sb.toString());
    }
    List<String> loaded = new ArrayList<>();
    for (Map.Entry<String, String> e : plan.entrySet()) {
      Param p = params.get(e.getKey());
      NDArray cur = p.array();
      NDArray value = source.load(e.getValue(), cur.getManager(), cur.getDataType());
      p.replace(value);
      loaded.add(e.getKey());
    }
    return new Report(List.copyOf(loaded), List.copyOf(ignored), List.copyOf(missingOptional));
  }

  private static void appendList(StringBuilder sb, String what, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    sb.append(' ').append(items.size()).append(' ').append(what).append(" [");
    for (int i = 0; i < Math.min(items.size(), LIST_LIMIT); i++) {
      sb.append(i == 0 ? "" : ", ").append(items.get(i));
    }
    if (items.size() > LIST_LIMIT) {
      sb.append(", … ").append(items.size() - LIST_LIMIT).append(" more");
    }
    sb.append("];");
  }

  /** The module's parameters as a name → array map (the arrays themselves, not copies). */
  public static Map<String, NDArray> stateDict(Module module) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    module.namedParameters().forEach((k, v) -> out.put(k, v.array()));
    return out;
  }
}
