package org.scribe3d.model.multimodal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.checkpoint.VisionNames;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.llama.LlamaForCausalLM;
import org.scribe3d.model.lora.LoraLinear;
import org.scribe3d.prompt.VocabMap;

/**
 * Starting a multimodal model's language model from a pretrained one: a Hugging Face Llama directory (its config
 * must describe the same architecture) or a Scribe3D model directory, whose rows are placed by token into this
 * model's (restricted) vocabulary, which must contain theirs.
 */
final class LanguageModelInit {
  private LanguageModelInit() {}

  /**
   * Loads a Hugging Face Llama directory (e.g. Asclepius-Llama3-8B, or an M3D-LaMed directory whose
   * vision-tower and projector tensors are skipped here) into the language model; LoRA adapters keep
   * their values. The directory's config.json must describe the same architecture. A Scribe3D model directory
   * ({@link MultimodalModel#save}: a trained run's {@code model/}) works too: its language model, whose restricted vocabulary
   * this model's must contain (see {@code loadLanguageModelOf}).
   */
  static ModuleLoader.Report load(MultimodalModel model, Path hfDir) {
    MultimodalConfig config = model.config();
    LlamaForCausalLM llm = model.llm();
    MultimodalConfig scribe = scribe3dConfig(hfDir);
    if (scribe != null) {
      return loadLanguageModelOf(model, hfDir, scribe);
    }
    LlamaConfig theirs = LlamaConfig.load(hfDir.resolve("config.json"));
    LlamaConfig ours = config.llm();
    List<String> diff = new ArrayList<>();
    check(diff, "hidden_size", theirs.hiddenSize(), ours.hiddenSize());
    check(diff, "intermediate_size", theirs.intermediateSize(), ours.intermediateSize());
    check(diff, "num_hidden_layers", theirs.numHiddenLayers(), ours.numHiddenLayers());
    check(diff, "num_attention_heads", theirs.numAttentionHeads(), ours.numAttentionHeads());
    check(diff, "num_key_value_heads", theirs.numKeyValueHeads(), ours.numKeyValueHeads());
    check(diff, "vocab_size", theirs.vocabSize(), ours.vocabSize());
    check(diff, "tie_word_embeddings", theirs.tieWordEmbeddings(), ours.tieWordEmbeddings());
    check(diff, "rope_theta", theirs.ropeTheta(), ours.ropeTheta());
    check(diff, "rope_scaling", theirs.ropeScaling(), ours.ropeScaling());
    if (!diff.isEmpty()) {
      throw new IllegalArgumentException(hfDir.resolve("config.json") + " does not match the model's language model: "
          + String.join(", ", diff));
    }
    String a = "." + LoraLinear.CHILD + ".A";
    String b = "." + LoraLinear.CHILD + ".B";
    try (TensorSource src = Safetensors.open(hfDir)) {
      // an M3D-LaMed directory also holds the vision tower and projector: not the language model's
      return ModuleLoader.load(llm, src, n -> n.endsWith("rotary_emb.inv_freq")
          || n.startsWith(VisionNames.Layout.M3D_LAMED.prefix()) || n.startsWith(VisionNames.LAMED_PROJECTOR_PREFIX)
          || ours.tieWordEmbeddings() && n.equals("lm_head.weight") ? null : n, p -> p.endsWith(a) || p.endsWith(b));
    }
  }

  /**
   * The config of a Scribe3D model directory ({@link MultimodalModel#save}), or null when {@code dir} holds another kind of
   * config.json (a Hugging Face one), an unreadable one or none (LlamaConfig.load then says what is wrong). A
   * config that says it is Scribe3D's is loaded as one, so that its own errors are the ones reported.
   */
  static MultimodalConfig scribe3dConfig(Path dir) {
    Path file = dir.resolve(MultimodalModel.CONFIG_FILE);
    boolean ours;
    try {
      ours = MultimodalConfig.declaresFormat(com.google.gson.JsonParser.parseString(Files.readString(file)));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return ours ? MultimodalConfig.load(file) : null;
  }

  /**
   * The language model of a Scribe3D model directory ({@code llm.*} tensors) whose config is {@code theirs}. With
   * restricted vocabularies, ours must hold every token of theirs: their embedding and head rows go to the rows of
   * the same tokens here (a run's vocabulary is its corpus's tokens, so another data set's run usually adds a few,
   * e.g. a number its reports were the first to state), and rows of tokens they lack keep their initial values.
   */
  private static ModuleLoader.Report loadLanguageModelOf(MultimodalModel model, Path dir, MultimodalConfig theirs) {
    MultimodalConfig config = model.config();
    LlamaForCausalLM llm = model.llm();
    List<String> diff = new ArrayList<>();
    com.google.gson.JsonObject theirLlm = theirs.llm().toJson();
    com.google.gson.JsonObject ourLlm = config.llm().toJson();
    for (String k : List.of("vocab_size", "bos_token_id", "eos_token_id", "pad_token_id")) { // ids in a vocabulary
      theirLlm.remove(k);
      ourLlm.remove(k);
    }
    if (!theirLlm.equals(ourLlm)) {
      diff.add("the language model's architecture differs");
    }
    VocabMap theirVocab = theirs.vocab();
    VocabMap ourVocab = config.vocab();
    if ((theirVocab == null) != (ourVocab == null)) {
      diff.add("one restricts the vocabulary and the other does not");
    } else if (theirVocab == null && theirs.llm().vocabSize() != config.llm().vocabSize()) {
      diff.add("vocab_size " + theirs.llm().vocabSize() + " (model: " + config.llm().vocabSize() + ")");
    } else if (theirVocab != null) {
      long missing = Arrays.stream(theirVocab.originalIds()).filter(id -> !ourVocab.contains(id)).count();
      if (missing > 0) {
        diff.add(missing + " of its " + theirVocab.size() + " tokens are not in the model's restricted vocabulary");
      }
    }
    if (diff.isEmpty() && !specialTokens(theirs).equals(specialTokens(config))) {
      diff.add("the BOS or EOS tokens differ");
    }
    if (!diff.isEmpty()) {
      throw new IllegalArgumentException(dir + " does not match the model's language model: " + String.join(", ", diff));
    }
    String prefix = "llm.";
    Set<String> rowTensors = Set.of("model.embed_tokens.weight", "lm_head.weight");
    boolean remap = theirVocab != null && !Arrays.equals(theirVocab.originalIds(), ourVocab.originalIds());
    String a = "." + LoraLinear.CHILD + ".A";
    String b = "." + LoraLinear.CHILD + ".B";
    try (TensorSource src = Safetensors.open(dir)) {
      ModuleLoader.Report r = ModuleLoader.load(llm, src, n -> {
        String name = n.startsWith(prefix) ? n.substring(prefix.length()) : null;
        return name != null && remap && rowTensors.contains(name) ? null : name;
      }, p -> p.endsWith(a) || p.endsWith(b) || remap && rowTensors.contains(p));
      if (!remap) {
        return r;
      }
      // their row i is our row at[i], for the embedding and the head alike
      long[] theirIds = theirVocab.originalIds();
      long[] at = new long[theirIds.length];
      for (int i = 0; i < theirIds.length; i++) {
        at[i] = ourVocab.toCompact(theirIds[i]);
      }
      List<String> loaded = new ArrayList<>(r.loaded());
      try (NDManager m = llm.namedParameters().values().iterator().next().array().getManager().newSubManager()) {
        NDArray index = m.create(at);
        for (String name : rowTensors) {
          if (!src.contains(prefix + name)) {
            continue; // a tied head
          }
          org.scribe3d.model.nn.Param p = llm.namedParameters().get(name);
          NDArray rows = src.load(prefix + name, m, p.array().getDataType());
          NDArray value = p.array().duplicate();
          value.set(new NDIndex("{}", index), rows);
          p.replace(value);
          loaded.add(name);
        }
      }
      return new ModuleLoader.Report(List.copyOf(loaded), r.ignored(), List.of());
    }
  }

  /**
   * BOS then the EOS ids of a config's language model, as tokenizer ids: with a restricted vocabulary the presets
   * give them as its rows (an id outside its rows is taken as a tokenizer id already).
   */
  private static List<Long> specialTokens(MultimodalConfig c) {
    List<Long> out = new ArrayList<>();
    out.add((long) c.llm().bosTokenId());
    c.llm().eosTokenIds().forEach(id -> out.add((long) id));
    VocabMap v = c.vocab();
    return v == null ? out : out.stream().map(id -> id >= 0 && id < v.size() ? v.toOriginal(id) : id).toList();
  }

  private static void check(List<String> diff, String field, Object theirs, Object ours) {
    if (!java.util.Objects.equals(theirs, ours)) {
      diff.add(field + " " + theirs + " (model: " + ours + ")");
    }
  }

}
