package org.scribe3d.model.lora;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.model.nn.Linear;
import org.scribe3d.model.nn.Module;

/**
 * The LoRA adapters of one model (usually the language model): attaching them to the targeted
 * Linear layers (base weights frozen), merging/unmerging, and saving/loading them on their own in
 * the PEFT layout — {@code adapter_config.json} plus {@code adapter_model.safetensors} with names
 * {@code base_model.model.<module>.lora_A.weight} / {@code .lora_B.weight}, where {@code <module>} is
 * the module name inside the model (e.g. {@code model.layers.0.self_attn.q_proj}).
 */
public final class LoraAdapters {
  public static final String CONFIG_FILE = "adapter_config.json";
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";
  static final String PEFT_PREFIX = "base_model.model.";

  private final Module model;
  private final LoraConfig config;
  private final Map<String, LoraLinear> adapters;

  private LoraAdapters(Module model, LoraConfig config, Map<String, LoraLinear> adapters) {
    this.model = model;
    this.config = config;
    this.adapters = Collections.unmodifiableMap(adapters);
  }

  /**
   * Freezes every parameter of {@code model} and attaches a fresh adapter (B = 0) to each Linear the
   * config targets. A is drawn from the engine's generator seeded with {@code seed}.
   *
   * @throws IllegalArgumentException if no Linear matches, or a matched layer already has an adapter
   */
  public static LoraAdapters attach(Module model, LoraConfig config, NDManager manager, DataType dtype, long seed) {
    model.setTrainable(false);
    Engine.getInstance().setRandomSeed((int) seed);
    Map<String, LoraLinear> out = new LinkedHashMap<>();
    for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
      if (e.getValue() instanceof Linear lin && config.targets(e.getKey())) {
        if (lin.adapter() != null) {
          throw new IllegalArgumentException("layer " + e.getKey() + " already has an adapter");
        }
        out.put(e.getKey(), lin.attachAdapter(LoraLinear.CHILD, new LoraLinear(lin, config, manager, dtype)));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("LoRA target_modules " + config.targetModules() + " match no linear layer");
    }
    return new LoraAdapters(model, config, out);
  }

  public LoraConfig config() {
    return config;
  }

  /** Adapters by the dotted name of the Linear they sit on. */
  public Map<String, LoraLinear> adapters() {
    return adapters;
  }

  /** Number of adapter parameters: Σ r · (in + out). */
  public long parameterCount() {
    long n = 0;
    for (LoraLinear l : adapters.values()) {
      n += l.parameterCount();
    }
    return n;
  }

  /** Merges every adapter into its base weight (for inference). */
  public void merge() {
    adapters.values().forEach(LoraLinear::merge);
  }

  /** Undoes {@link #merge()}. */
  public void unmerge() {
    adapters.values().forEach(LoraLinear::unmerge);
  }

  /** PEFT tensor name of an adapter matrix: base_model.model.&lt;module&gt;.lora_A.weight. */
  public static String peftName(String module, boolean isA) {
    return PEFT_PREFIX + module + (isA ? ".lora_A.weight" : ".lora_B.weight");
  }

  /**
   * PEFT tensor name → our parameter name ({@code <module>.lora.A}); null if it is not a LoRA matrix.
   * Accepts names with or without the adapter name ({@code lora_A.default.weight}, older PEFT).
   */
  static String fromPeftName(String name) {
    String n = name.startsWith(PEFT_PREFIX) ? name.substring(PEFT_PREFIX.length()) : name;
    for (String[] s : new String[][] {{".lora_A.weight", "A"}, {".lora_A.default.weight", "A"},
        {".lora_B.weight", "B"}, {".lora_B.default.weight", "B"}}) {
      if (n.endsWith(s[0])) {
        return n.substring(0, n.length() - s[0].length()) + "." + LoraLinear.CHILD + "." + s[1];
      }
    }
    // not a LoRA matrix: a name no parameter has, so the loader reports it as unexpected (and never
    // loads it into a base weight of the same name)
    return "non-LoRA tensor " + name;
  }

  /**
   * Writes the adapters (unmerged values: merging does not touch A and B) in the PEFT layout. Each
   * file is written atomically.
   *
   * @param baseModel recorded as base_model_name_or_path (may be null)
   */
  public void save(Path dir, String baseModel) {
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    TreeSet<String> targets = new TreeSet<>();
    for (Map.Entry<String, LoraLinear> e : adapters.entrySet()) {
      tensors.put(peftName(e.getKey(), true), e.getValue().a().array());
      tensors.put(peftName(e.getKey(), false), e.getValue().b().array());
      String m = e.getKey();
      targets.add(m.substring(m.lastIndexOf('.') + 1));
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    Safetensors.write(dir.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
    JsonObject o = new JsonObject();
    o.addProperty("peft_type", "LORA");
    o.addProperty("task_type", "CAUSAL_LM");
    o.addProperty("r", config.r());
    if (config.alpha() == Math.rint(config.alpha())) {
      o.addProperty("lora_alpha", (long) config.alpha()); // PEFT writes an int here
    } else {
      o.addProperty("lora_alpha", config.alpha());
    }
    o.addProperty("lora_dropout", config.dropout());
    JsonArray t = new JsonArray();
    targets.forEach(t::add); // PEFT also stores the resolved module names for "all-linear"
    o.add("target_modules", t);
    o.addProperty("bias", "none");
    o.addProperty("fan_in_fan_out", false);
    o.addProperty("inference_mode", true);
    o.addProperty("init_lora_weights", true);
    o.addProperty("use_rslora", false);
    o.addProperty("use_dora", false);
    o.add("modules_to_save", JsonNull.INSTANCE);
    o.add("layers_to_transform", JsonNull.INSTANCE);
    if (baseModel == null) {
      o.add("base_model_name_or_path", JsonNull.INSTANCE);
    } else {
      o.addProperty("base_model_name_or_path", baseModel);
    }
    writeAtomically(dir.resolve(CONFIG_FILE),
        new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o));
  }

  /** Reads a PEFT {@code adapter_config.json}; unsupported variants are rejected by name. */
  public static LoraConfig readConfig(Path dir) {
    Path f = dir.resolve(CONFIG_FILE);
    JsonObject o;
    try {
      JsonElement el = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8));
      if (!el.isJsonObject()) {
        throw new IllegalArgumentException(f + " is not a JSON object");
      }
      o = el.getAsJsonObject();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read LoRA adapter config " + f + ": " + e.getMessage());
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(f + " is not valid JSON: " + e.getMessage());
    }
    try {
      String type = str(o, "peft_type", "LORA");
      if (!type.equals("LORA")) {
        throw new IllegalArgumentException("peft_type is '" + type + "', only LORA is supported");
      }
      if (!str(o, "bias", "none").equals("none")) {
        throw new IllegalArgumentException("bias '" + str(o, "bias", "") + "' is not supported (only none)");
      }
      for (String flag : new String[] {"fan_in_fan_out", "use_rslora", "use_dora"}) {
        if (o.has(flag) && !o.get(flag).isJsonNull() && o.get(flag).getAsBoolean()) {
          throw new IllegalArgumentException(flag + " = true is not supported");
        }
      }
      for (String f2 : new String[] {"layers_to_transform", "modules_to_save"}) {
        if (o.has(f2) && !o.get(f2).isJsonNull()) {
          throw new IllegalArgumentException(f2 + " is not supported");
        }
      }
      for (String f2 : new String[] {"rank_pattern", "alpha_pattern"}) {
        if (o.has(f2) && o.get(f2).isJsonObject() && o.getAsJsonObject(f2).size() > 0) {
          throw new IllegalArgumentException(f2 + " is not supported");
        }
      }
      if (!o.has("r")) {
        throw new IllegalArgumentException("field r is missing");
      }
      int r = o.get("r").getAsInt();
      double alpha = o.has("lora_alpha") ? o.get("lora_alpha").getAsDouble() : 8; // PEFT defaults
      double dropout = o.has("lora_dropout") ? o.get("lora_dropout").getAsDouble() : 0;
      List<String> targets = new ArrayList<>();
      JsonElement tm = o.get("target_modules");
      if (tm == null || tm.isJsonNull()) {
        throw new IllegalArgumentException("field target_modules is missing");
      } else if (tm.isJsonArray()) {
        tm.getAsJsonArray().forEach(x -> targets.add(x.getAsString()));
      } else if (tm.getAsString().equals(LoraConfig.ALL_LINEAR)) {
        targets.add(LoraConfig.ALL_LINEAR);
      } else {
        throw new IllegalArgumentException("target_modules as a regular expression ('" + tm.getAsString()
            + "') is not supported; give a list of module names");
      }
      return new LoraConfig(r, alpha, dropout, targets);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("LoRA adapter config " + f + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("LoRA adapter config " + f + " has a malformed field: " + e.getMessage(), e);
    }
  }

  private static String str(JsonObject o, String k, String dflt) {
    return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsString() : dflt;
  }

  /**
   * Reads a PEFT adapter directory, attaches adapters to {@code model} as its config says and loads
   * their weights. Every missing, unexpected or mis-shaped adapter tensor is listed in one error.
   */
  public static LoraAdapters load(Path dir, Module model, NDManager manager, DataType dtype) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no LoRA adapter directory " + dir);
    }
    LoraConfig cfg = readConfig(dir);
    LoraAdapters a = attach(model, cfg, manager, dtype, 0);
    a.loadWeights(dir);
    return a;
  }

  /** Loads {@code adapter_model.safetensors} from a PEFT directory into these (attached) adapters. */
  public void loadWeights(Path dir) {
    Path f = dir.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException("no " + WEIGHTS_FILE + " in " + dir);
    }
    boolean wasMerged = adapters.values().stream().anyMatch(LoraLinear::merged);
    unmerge();
    try (TensorSource src = Safetensors.open(f)) {
      String loraSuffixA = "." + LoraLinear.CHILD + ".A";
      String loraSuffixB = "." + LoraLinear.CHILD + ".B";
      ModuleLoader.load(model, src, LoraAdapters::fromPeftName,
          p -> !(p.endsWith(loraSuffixA) || p.endsWith(loraSuffixB)));
    }
    if (wasMerged) {
      merge();
    }
  }

  static void writeAtomically(Path target, String text) {
    try {
      AtomicFiles.writeString(target, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
