package org.scribe3d.model.multimodal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.lora.LoraConfig;
import org.scribe3d.model.projector.ProjectorConfig;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.prompt.VocabMap;

/**
 * The whole multimodal model: ViT3D → spatial-pooling projector → K image embeddings in the K
 * placeholder positions after BOS → Llama (+ LoRA).
 *
 * @param name preset or run name (informational)
 * @param vision the encoder
 * @param pool projector pooling kernel = stride
 * @param llm the language model (its vocab_size is the restricted vocabulary's size when {@code vocab} is set)
 * @param lora adapters on the language model, or null to train/use the language model as is
 * @param imageTokens K; must equal the projector's output token count
 * @param imageTokenId placeholder token id in the ORIGINAL tokenizer ids (mapped through {@code vocab})
 * @param maxLength maximum prompt + answer length in tokens
 * @param vocab restricted vocabulary (original Llama-3 id ↔ model id), or null for the full tokenizer
 * @param findingLabels labels of the auxiliary finding head on the vision encoder's tokens (training signal for
 *     an encoder without pretraining; see {@code text.FindingLabels}), or null for no head
 * @param standardizeTokens whether the projector standardises the encoder's tokens against training-scan
 *     statistics before pooling ({@link ProjectorConfig#standardize()}; not in M3D)
 * @param denseLabels the finding-head labels a second, per-token head ({@code finding_dense}) predicts for every
 *     encoder token, trained where a finding's place in the image is known (phantom boxes); the image-level
 *     probability of such a label is its most confident token's. Null = no dense head. Not in M3D.
 */
public record MultimodalConfig(String name, ViTConfig vision, int pool, LlamaConfig llm, LoraConfig lora,
    int imageTokens, long imageTokenId, int maxLength, VocabMap vocab, List<String> findingLabels,
    boolean standardizeTokens, List<String> denseLabels) {

  /** A config without a dense finding head. */
  public MultimodalConfig(String name, ViTConfig vision, int pool, LlamaConfig llm, LoraConfig lora,
      int imageTokens, long imageTokenId, int maxLength, VocabMap vocab, List<String> findingLabels,
      boolean standardizeTokens) {
    this(name, vision, pool, llm, lora, imageTokens, imageTokenId, maxLength, vocab, findingLabels, standardizeTokens,
        null);
  }

  /** A config whose projector does not standardise its tokens (M3D's). */
  public MultimodalConfig(String name, ViTConfig vision, int pool, LlamaConfig llm, LoraConfig lora,
      int imageTokens, long imageTokenId, int maxLength, VocabMap vocab, List<String> findingLabels) {
    this(name, vision, pool, llm, lora, imageTokens, imageTokenId, maxLength, vocab, findingLabels, false);
  }

  /** A config without a finding head. */
  public MultimodalConfig(String name, ViTConfig vision, int pool, LlamaConfig llm, LoraConfig lora,
      int imageTokens, long imageTokenId, int maxLength, VocabMap vocab) {
    this(name, vision, pool, llm, lora, imageTokens, imageTokenId, maxLength, vocab, null);
  }

  /** {@code <|reserved_special_token_0|>}: unused by Llama-3 text, so a safe image placeholder. */
  public static final long DEFAULT_IMAGE_TOKEN_ID = 128002;

  public MultimodalConfig {
    ProjectorConfig p = new ProjectorConfig(vision.hidden(), llm.hiddenSize(), vision.gridD(), vision.gridH(),
        vision.gridW(), pool);
    if (p.tokensOut() != imageTokens) {
      throw new IllegalArgumentException("invalid model config: image_tokens is " + imageTokens + " but the projector"
          + " pools the " + vision.gridD() + "x" + vision.gridH() + "x" + vision.gridW() + " patch grid by " + pool
          + " to " + p.tokensOut() + " tokens");
    }
    if (vocab != null && vocab.size() != llm.vocabSize()) {
      throw new IllegalArgumentException("invalid model config: the restricted vocabulary has " + vocab.size()
          + " tokens but the language model's vocab_size is " + llm.vocabSize());
    }
    if (vocab != null && !vocab.contains(imageTokenId)) {
      throw new IllegalArgumentException("invalid model config: the restricted vocabulary does not cover the image"
          + " placeholder token " + imageTokenId);
    }
    if (vocab == null && imageTokenId >= llm.vocabSize()) {
      throw new IllegalArgumentException("invalid model config: image placeholder token " + imageTokenId
          + " is outside vocab_size " + llm.vocabSize());
    }
    if (maxLength < imageTokens + 3) {
      throw new IllegalArgumentException("invalid model config: max_length " + maxLength + " < image tokens + 3");
    }
    if (findingLabels != null && findingLabels.isEmpty()) {
      throw new IllegalArgumentException("invalid model config: the finding head has no labels");
    }
    findingLabels = findingLabels == null ? null : List.copyOf(findingLabels);
    if (denseLabels != null && (denseLabels.isEmpty() || findingLabels == null
        || !findingLabels.containsAll(denseLabels))) {
      throw new IllegalArgumentException("invalid model config: the dense finding head's labels must be a non-empty"
          + " subset of the finding head's");
    }
    denseLabels = denseLabels == null ? null : List.copyOf(denseLabels);
  }

  public ProjectorConfig projector() {
    return new ProjectorConfig(vision.hidden(), llm.hiddenSize(), vision.gridD(), vision.gridH(), vision.gridW(), pool,
        standardizeTokens);
  }

  /** The placeholder id the model sees (mapped into the restricted vocabulary if any). */
  public long modelImageTokenId() {
    return vocab == null ? imageTokenId : vocab.toCompact(imageTokenId);
  }

  public MultimodalConfig withLora(LoraConfig l) {
    return new MultimodalConfig(name, vision, pool, llm, l, imageTokens, imageTokenId, maxLength, vocab, findingLabels,
        standardizeTokens, denseLabels);
  }

  public MultimodalConfig withName(String n) {
    return new MultimodalConfig(n, vision, pool, llm, lora, imageTokens, imageTokenId, maxLength, vocab, findingLabels,
        standardizeTokens, denseLabels);
  }

  /**
   * This config with an auxiliary finding head over {@code labels} (null = without one, and no dense head; a dense
   * head keeps the labels the new head still has).
   */
  public MultimodalConfig withFindingHead(List<String> labels) {
    List<String> dense = denseLabels == null || labels == null ? null
        : denseLabels.stream().filter(labels::contains).toList();
    return new MultimodalConfig(name, vision, pool, llm, lora, imageTokens, imageTokenId, maxLength, vocab, labels,
        standardizeTokens, dense == null || dense.isEmpty() ? null : dense);
  }

  /** This config with a dense (per-token) finding head over {@code labels} ⊆ the finding head's; null = none. */
  public MultimodalConfig withDenseLabels(List<String> labels) {
    return new MultimodalConfig(name, vision, pool, llm, lora, imageTokens, imageTokenId, maxLength, vocab,
        findingLabels, standardizeTokens, labels);
  }

  /** This config with the projector's token standardisation on or off. */
  public MultimodalConfig withTokenStandardization(boolean on) {
    return new MultimodalConfig(name, vision, pool, llm, lora, imageTokens, imageTokenId, maxLength, vocab,
        findingLabels, on, denseLabels);
  }

  /**
   * Parameter counts from the architecture alone (nothing is allocated, so this works for the 8B
   * preset); the tests check it against built models.
   */
  public ParamCounts parameterCounts() {
    long v = vision.parameterCount();
    long p = projector().parameterCount()
        + (findingLabels == null ? 0 : (long) (vision.hidden() + 1) * findingLabels.size())
        + (denseLabels == null ? 0 : (long) (vision.hidden() + 1) * denseLabels.size());
    long l = llmParameterCount(llm);
    long a = lora == null ? 0 : loraParameterCount(llm, lora);
    return new ParamCounts(v, p, l, a, v + p + (lora == null ? l : a));
  }

  /** Hugging Face LlamaForCausalLM parameter count. */
  public static long llmParameterCount(LlamaConfig c) {
    long h = c.hiddenSize();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    long i = c.intermediateSize();
    long attn = h * q + 2 * h * kv + q * h + (c.attentionBias() ? q + 2 * kv + h : 0);
    long mlp = 3 * h * i + (c.mlpBias() ? 2 * i + h : 0);
    long layer = attn + mlp + 2 * h;
    long embed = (long) c.vocabSize() * h;
    return embed + c.numHiddenLayers() * layer + h + (c.tieWordEmbeddings() ? 0 : embed);
  }

  /** Σ r · (in + out) over the Linear layers of a Llama that the LoRA config targets. */
  public static long loraParameterCount(LlamaConfig c, LoraConfig l) {
    long h = c.hiddenSize();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    long i = c.intermediateSize();
    String p = "model.layers.0.";
    long perLayer = 0;
    Object[][] linears = {{"self_attn.q_proj", h, q}, {"self_attn.k_proj", h, kv}, {"self_attn.v_proj", h, kv},
        {"self_attn.o_proj", q, h}, {"mlp.gate_proj", h, i}, {"mlp.up_proj", h, i}, {"mlp.down_proj", i, h}};
    for (Object[] lin : linears) {
      if (l.targets(p + lin[0])) {
        perLayer += l.r() * ((long) lin[1] + (long) lin[2]);
      }
    }
    long head = !c.tieWordEmbeddings() && l.targets("lm_head") ? l.r() * (h + c.vocabSize()) : 0;
    return c.numHiddenLayers() * perLayer + head;
  }

  // ---- JSON (stored next to the weights; the restricted vocabulary travels with it) ----

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /** The {@code format} field's value that marks a Scribe3D multimodal config (a Hugging Face config has none). */
  public static final String FORMAT = "scribe3d-multimodal";

  /** Whether {@code json} says it is a Scribe3D multimodal config (its other fields unchecked). */
  public static boolean declaresFormat(com.google.gson.JsonElement json) {
    return json != null && json.isJsonObject() && json.getAsJsonObject().has("format")
        && json.getAsJsonObject().get("format").isJsonPrimitive()
        && FORMAT.equals(json.getAsJsonObject().get("format").getAsString());
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("format", FORMAT);
    o.addProperty("name", name);
    o.add("vision", GSON.toJsonTree(vision));
    JsonObject proj = new JsonObject();
    proj.addProperty("type", "spp");
    proj.addProperty("pool", pool);
    if (standardizeTokens) {
      proj.addProperty("standardize_tokens", true);
    }
    o.add("projector", proj);
    o.add("llm", llm.toJson());
    if (lora != null) {
      JsonObject lo = new JsonObject();
      lo.addProperty("r", lora.r());
      lo.addProperty("lora_alpha", lora.alpha());
      lo.addProperty("lora_dropout", lora.dropout());
      JsonArray t = new JsonArray();
      lora.targetModules().forEach(t::add);
      lo.add("target_modules", t);
      o.add("lora", lo);
    }
    o.addProperty("image_tokens", imageTokens);
    o.addProperty("image_token_id", imageTokenId);
    o.addProperty("max_length", maxLength);
    if (vocab != null) {
      o.add("vocab", vocab.toJson());
    }
    if (findingLabels != null) {
      JsonObject head = new JsonObject();
      JsonArray labels = new JsonArray();
      findingLabels.forEach(labels::add);
      head.add("labels", labels);
      if (denseLabels != null) {
        JsonArray dense = new JsonArray();
        denseLabels.forEach(dense::add);
        head.add("dense", dense);
      }
      o.add("finding_head", head);
    }
    return o;
  }

  public String toJsonString() {
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(toJson());
  }

  /** Parses {@link #toJson()}; errors name {@code source} and the field. */
  public static MultimodalConfig fromJson(JsonObject o, String source) {
    String field = "";
    try {
      field = "format";
      if (!declaresFormat(o)) {
        throw new IllegalArgumentException("not a Scribe3D multimodal config (format != " + FORMAT + ")");
      }
      field = "vision";
      ViTConfig v = GSON.fromJson(req(o, "vision"), ViTConfig.class);
      field = "projector";
      JsonObject p = req(o, "projector").getAsJsonObject();
      if (!p.get("type").getAsString().equals("spp")) {
        throw new IllegalArgumentException("projector type " + p.get("type").getAsString() + " is not supported (spp)");
      }
      int pool = p.get("pool").getAsInt();
      boolean standardize = p.has("standardize_tokens") && p.get("standardize_tokens").getAsBoolean();
      field = "llm";
      LlamaConfig llm = LlamaConfig.fromJson(req(o, "llm").getAsJsonObject(), source + " (llm)");
      field = "lora";
      LoraConfig lora = null;
      if (o.has("lora") && !o.get("lora").isJsonNull()) {
        JsonObject lo = o.getAsJsonObject("lora");
        List<String> t = new ArrayList<>();
        lo.getAsJsonArray("target_modules").forEach(x -> t.add(x.getAsString()));
        lora = new LoraConfig(lo.get("r").getAsInt(), lo.get("lora_alpha").getAsDouble(),
            lo.get("lora_dropout").getAsDouble(), t);
      }
      field = "image_tokens";
      int k = req(o, "image_tokens").getAsInt();
      field = "image_token_id";
      long img = req(o, "image_token_id").getAsLong();
      field = "max_length";
      int max = req(o, "max_length").getAsInt();
      field = "vocab";
      VocabMap vocab = o.has("vocab") && !o.get("vocab").isJsonNull()
          ? VocabMap.fromJson(o.get("vocab"), source) : null;
      field = "finding_head";
      List<String> labels = null;
      List<String> dense = null;
      if (o.has("finding_head") && !o.get("finding_head").isJsonNull()) {
        labels = new ArrayList<>();
        JsonObject head = o.getAsJsonObject("finding_head");
        for (JsonElement l : head.getAsJsonArray("labels")) {
          labels.add(l.getAsString());
        }
        if (head.has("token") && head.get("token").getAsBoolean()) {
          throw new IllegalArgumentException("the finding token (finding_head.token) is not supported: it was measured"
              + " to give no gain (docs/experiments.md)");
        }
        if (head.has("dense") && !head.get("dense").isJsonNull()) {
          dense = new ArrayList<>();
          for (JsonElement l : head.getAsJsonArray("dense")) {
            dense.add(l.getAsString());
          }
        }
      }
      field = "name";
      String name = o.has("name") ? o.get("name").getAsString() : "model";
      return new MultimodalConfig(name, v, pool, llm, lora, k, img, max, vocab, labels, standardize, dense);
    } catch (IllegalArgumentException | IllegalStateException | NullPointerException | UnsupportedOperationException
        | JsonParseException | ClassCastException e) {
      throw new IllegalArgumentException(source + ": field " + field + ": " + e.getMessage(), e);
    }
  }

  private static JsonElement req(JsonObject o, String k) {
    if (!o.has(k) || o.get(k).isJsonNull()) {
      throw new IllegalArgumentException("missing");
    }
    return o.get(k);
  }

  public static MultimodalConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no model config " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    JsonElement el;
    try {
      el = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage());
    }
    if (!el.isJsonObject()) {
      throw new IllegalArgumentException(file + " is not a JSON object");
    }
    return fromJson(el.getAsJsonObject(), file.toString());
  }
}
