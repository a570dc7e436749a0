package org.scribe3d.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.scribe3d.checkpoint.CheckpointInventory;
import org.scribe3d.infer.GenerationMemory;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.cpu.CpuKernels;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.multimodal.M3dLamed;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.ParamCounts;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.run.RunDirectory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code scribe3d model-info --preset NAME | --config FILE | --model DIR [--json]}: parameter counts per part and
 * weight memory,
 * computed from the configuration (nothing is allocated, so the 8B preset is instant).
 */
@Command(name = "model-info", mixinStandardHelpOptions = true,
    description = "Parameter counts (vision, projector, LLM, LoRA, trainable, total) and weight memory in fp32/bf16"
        + " of a model preset or a saved model's config.json; or, for a model directory, its parts, stored dtypes and"
        + " the memory generation needs.")
public final class ModelInfoCommand implements Callable<Integer> {
  static final class Source {
    @Option(names = "--preset", description = "paper | paper-reduced | tiny.")
    String preset;

    @Option(names = "--config", description = "A saved model's config.json (Scribe3D multimodal format).")
    Path config;

    @Option(names = "--model", paramLabel = "DIR",
        description = "A model directory: a released M3D-LaMed or Hugging Face Llama / Phi-3 directory, or a Scribe3D"
            + " run. Reads its config and safetensors headers (no weights) and prints the parts, stored dtypes and the"
            + " memory generation needs at each --weights type.")
    Path model;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--vocab", defaultValue = "1024",
      description = "tiny preset only: size of the restricted vocabulary, which a real run takes from its training"
          + " corpus (default ${DEFAULT-VALUE}).")
  int vocab;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (source.model != null) {
      return modelInfo(source.model, spec.commandLine().getOut());
    }
    MultimodalConfig c;
    if (source.config != null) {
      c = MultimodalConfig.load(source.config);
    } else {
      if (vocab < 3) {
        throw new CliExit("--vocab must be at least 3 (BOS, EOS and the image placeholder)", 2);
      }
      try {
        c = ModelPresets.byName(source.preset, nominalVocab(vocab));
      } catch (IllegalArgumentException e) {
        throw new CliExit(e.getMessage(), 2);
      }
    }
    ParamCounts p = c.parameterCounts();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonObject o = new JsonObject();
      o.addProperty("model", c.name());
      o.addProperty("vision", p.vision());
      o.addProperty("projector", p.projector());
      o.addProperty("llm", p.llm());
      o.addProperty("lora", p.lora());
      o.addProperty("trainable", p.trainable());
      o.addProperty("total", p.total());
      o.addProperty("bytes_fp32", p.bytes(4));
      o.addProperty("bytes_bf16", p.bytes(2));
      o.addProperty("image_tokens", c.imageTokens());
      o.addProperty("vocab_size", c.llm().vocabSize());
      o.addProperty("restricted_vocab", c.vocab() != null);
      out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
    } else {
      var v = c.vision();
      var l = c.llm();
      out.printf(Locale.ROOT, "model %s%n", c.name());
      out.printf(Locale.ROOT, "  vision    ViT3D input %dx%dx%dx%d, patch %dx%dx%d (%d patches), hidden %d, %d layers,"
          + " %d heads, MLP %d%n", v.channels(), v.depth(), v.height(), v.width(), v.patchD(), v.patchH(), v.patchW(),
          v.numPatches(), v.hidden(), v.layers(), v.heads(), v.mlpDim());
      out.printf(Locale.ROOT, "  projector spp pool %d -> %d image tokens, %d -> %d%n", c.pool(), c.imageTokens(),
          v.hidden(), l.hiddenSize());
      out.printf(Locale.ROOT, "  llm       Llama hidden %d, %d layers, %d heads / %d KV, MLP %d, vocab %d%s, %s head%n",
          l.hiddenSize(), l.numHiddenLayers(), l.numAttentionHeads(), l.numKeyValueHeads(), l.intermediateSize(),
          l.vocabSize(), c.vocab() != null ? " (restricted)" : "", l.tieWordEmbeddings() ? "tied" : "untied");
      out.printf(Locale.ROOT, "  lora      %s%n", c.lora() == null ? "none (language model trained in full)"
          : "r " + c.lora().r() + ", alpha " + fmt(c.lora().alpha()) + ", dropout " + fmt(c.lora().dropout())
              + ", targets " + c.lora().targetModules());
      out.println();
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"vision", count(p.vision())});
      rows.add(new String[] {"projector", count(p.projector())});
      rows.add(new String[] {"llm", count(p.llm())});
      rows.add(new String[] {"lora", count(p.lora())});
      rows.add(new String[] {"trainable", count(p.trainable())});
      rows.add(new String[] {"total", count(p.total())});
      out.printf(Locale.ROOT, "  %-10s %16s%n", "part", "parameters");
      for (String[] r : rows) {
        out.printf(Locale.ROOT, "  %-10s %16s%n", r[0], r[1]);
      }
      out.println();
      out.printf(Locale.ROOT, "  weights   fp32 %s, bf16 %s%n", bytes(p.bytes(4)), bytes(p.bytes(2)));
    }
    out.flush();
    return 0;
  }

  /** Longest sequence the memory figures assume beyond the image tokens: prompt plus new tokens. */
  static final int TEXT_POSITIONS = 512;

  private int modelInfo(Path dir, PrintWriter out) {
    if (!Files.isDirectory(dir)) {
      throw new CliExit("model directory " + dir + " does not exist");
    }
    Path modelDir = dir;
    RunDirectory run = RunDirectory.of(dir);
    if (Files.isRegularFile(run.modelConfig()) && Files.isDirectory(run.model())) {
      modelDir = run.model();
    }
    if (!Files.isRegularFile(modelDir.resolve("config.json"))) {
      throw new CliExit(dir + " is not a model directory (no config.json; a Scribe3D run has model/config.json)");
    }
    String kind;
    LlamaConfig llm;
    int imageTokens;
    if (M3dLamed.isLamed(modelDir)) {
      MultimodalConfig c = M3dLamed.config(modelDir, -1);
      kind = "M3D-LaMed (" + c.name() + ")";
      llm = c.llm();
      imageTokens = c.imageTokens();
    } else if (modelDir != dir) {
      MultimodalConfig c = MultimodalConfig.load(modelDir.resolve("config.json"));
      kind = "Scribe3D run (" + c.name() + ")";
      llm = c.llm();
      imageTokens = c.imageTokens();
    } else {
      llm = LlamaConfig.load(modelDir.resolve("config.json"));
      kind = "Hugging Face causal LM";
      imageTokens = 0;
    }
    CheckpointInventory inv = CheckpointInventory.of(modelDir);
    long vision = inv.parameters(CheckpointInventory.VISION) + inv.parameters(CheckpointInventory.PROJECTOR);
    long lm = inv.parameters(CheckpointInventory.LANGUAGE_MODEL);
    int positions = imageTokens + TEXT_POSITIONS;
    Map<String, GenerationMemory> mem = new LinkedHashMap<>();
    mem.put("float32", GenerationMemory.estimate(llm, lm, 4, vision, positions));
    mem.put("float16", GenerationMemory.estimate(llm, lm, 2, vision, positions));
    if (json) {
      JsonObject o = new JsonObject();
      o.addProperty("model", dir.toString());
      o.addProperty("kind", kind);
      JsonObject parts = new JsonObject();
      inv.parts().forEach((k, v) -> {
        JsonObject p = new JsonObject();
        p.addProperty("parameters", v.parameters());
        p.addProperty("stored_bytes", v.storedBytes());
        parts.add(k, p);
      });
      o.add("parts", parts);
      JsonObject dt = new JsonObject();
      inv.dtypes().forEach((k, v) -> dt.addProperty(k.name(), v));
      o.add("stored_dtypes", dt);
      o.addProperty("total_parameters", inv.totalParameters());
      o.addProperty("image_tokens", imageTokens);
      o.addProperty("positions", positions);
      JsonObject m = new JsonObject();
      mem.forEach((k, v) -> {
        JsonObject e = new JsonObject();
        e.addProperty("llm_weights", v.llmWeights());
        e.addProperty("vision_weights", v.visionWeights());
        e.addProperty("kv_cache", v.kvCache());
        e.addProperty("logits", v.logits());
        e.addProperty("runtime", v.runtime());
        e.addProperty("total", v.total());
        m.add(k, e);
      });
      o.add("generation_memory", m);
      o.addProperty("cpu_kernels", CpuKernels.status());
      out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
      out.flush();
      return 0;
    }
    out.printf(Locale.ROOT, "model %s: %s%n", dir, kind);
    out.printf(Locale.ROOT, "  llm       hidden %d, %d layers, %d heads / %d KV, MLP %d, vocab %d, %s head, %d positions%n",
        llm.hiddenSize(), llm.numHiddenLayers(), llm.numAttentionHeads(), llm.numKeyValueHeads(),
        llm.intermediateSize(), llm.vocabSize(), llm.tieWordEmbeddings() ? "tied" : "untied",
        llm.maxPositionEmbeddings());
    out.printf(Locale.ROOT, "  stored    %s%n", inv.dtypes());
    out.println();
    out.printf(Locale.ROOT, "  %-13s %16s %12s%n", "part", "parameters", "stored");
    inv.parts().forEach((k, v) -> out.printf(Locale.ROOT, "  %-13s %16s %12s%s%n", k, count(v.parameters()),
        gb(v.storedBytes()), k.equals(CheckpointInventory.SEGMENTATION) || k.equals(CheckpointInventory.OTHER)
            ? "  (not loaded for text generation)" : ""));
    out.printf(Locale.ROOT, "  %-13s %16s %12s%n", "total", count(inv.totalParameters()), gb(inv.totalStoredBytes()));
    out.println();
    out.printf(Locale.ROOT, "  memory to generate (%d positions%s):%n", positions,
        imageTokens > 0 ? " = " + imageTokens + " image tokens + " + TEXT_POSITIONS : "");
    out.printf(Locale.ROOT, "  %-9s %10s %10s %10s %10s %10s %10s%n", "--weights", "llm", "vision", "kv cache", "logits",
        "runtime", "total");
    mem.forEach((k, v) -> out.printf(Locale.ROOT, "  %-9s %10s %10s %10s %10s %10s %10s%n", k, gb(v.llmWeights()),
        gb(v.visionWeights()), gb(v.kvCache()), gb(v.logits()), gb(v.runtime()), gb(v.total())));
    out.println();
    out.printf(Locale.ROOT, "  decoding on the CPU kernels: %s%n", CpuKernels.status());
    out.flush();
    return 0;
  }

  private static String gb(long b) {
    return String.format(Locale.ROOT, "%.2f GB", b / 1e9);
  }

  /** A stand-in restricted vocabulary of n ids covering the specials the tiny preset needs. */
  static VocabMap nominalVocab(int n) {
    VocabMap.Builder b = new VocabMap.Builder().add(ModelPresets.BOS, ModelPresets.EOS,
        MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID);
    for (long i = 0; i < n - 3; i++) {
      b.add(i);
    }
    return b.build();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String bytes(long b) {
    return String.format(Locale.ROOT, "%.2f GB (%.2f GiB)", b / 1e9, b / (double) (1L << 30));
  }
}
