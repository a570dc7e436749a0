package org.scribe3d.model.llama;

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
import java.util.Locale;

/**
 * The Llama architecture hyper-parameters, as in a Hugging Face {@code config.json} (LlamaConfig).
 *
 * @param headDim per-head width ({@code head_dim}, default hidden / heads)
 * @param ropeScaling null for plain RoPE
 * @param eosTokenIds every id that ends generation (config may give one id or a list)
 * @param torchDtype the checkpoint's declared dtype ("float32", "bfloat16", …), informational
 * @param initializerRange std of the normal init of weights (HF {@code initializer_range})
 */
public record LlamaConfig(
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    double rmsNormEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    int vocabSize,
    boolean tieWordEmbeddings,
    boolean attentionBias,
    boolean mlpBias,
    int bosTokenId,
    List<Integer> eosTokenIds,
    int maxPositionEmbeddings,
    String torchDtype,
    double initializerRange) {

  /**
   * RoPE frequency scaling. type "llama3" (Llama-3.1: factor, low/high_freq_factor,
   * original_max_position_embeddings) or "linear" (factor only).
   */
  public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
      int originalMaxPositionEmbeddings) {
    public static RopeScaling llama3(double factor, double low, double high, int originalMax) {
      return new RopeScaling("llama3", factor, low, high, originalMax);
    }
  }

  /**
   * The {@code model_type}s read as this architecture: Llama, Phi-3 (the same block with fused projections, see
   * {@code checkpoint.FusedProjections}) and M3D-LaMed's language models, whose configs extend theirs.
   */
  public static final List<String> MODEL_TYPES = List.of("llama", "phi3", "lamed_llama", "lamed_phi3");

  public LlamaConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
    check(hiddenSize > 0 && intermediateSize > 0 && numHiddenLayers > 0 && vocabSize > 0,
        "sizes must be positive");
    check(numAttentionHeads > 0 && numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0,
        "num_attention_heads (" + numAttentionHeads + ") must be a positive multiple of num_key_value_heads ("
            + numKeyValueHeads + ")");
    check(headDim > 0 && headDim % 2 == 0, "head_dim must be positive and even, got " + headDim);
  }

  private static void check(boolean ok, String msg) {
    if (!ok) {
      throw new IllegalArgumentException("invalid Llama config: " + msg);
    }
  }

  /** A config with Llama defaults for everything but the sizes (plain RoPE, theta 500000, eps 1e-5). */
  public static LlamaConfig of(int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab,
      boolean tied) {
    return new LlamaConfig(hidden, intermediate, layers, heads, kvHeads, hidden / heads, 1e-5, 500000.0, null,
        vocab, tied, false, false, 128000, List.of(128001, 128009), 8192, "float32", 0.02);
  }

  public LlamaConfig withRopeScaling(RopeScaling s) {
    return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
        headDim, rmsNormEps, ropeTheta, s, vocabSize, tieWordEmbeddings, attentionBias, mlpBias, bosTokenId,
        eosTokenIds, maxPositionEmbeddings, torchDtype, initializerRange);
  }

  public LlamaConfig withRopeTheta(double theta) {
    return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
        headDim, rmsNormEps, theta, ropeScaling, vocabSize, tieWordEmbeddings, attentionBias, mlpBias, bosTokenId,
        eosTokenIds, maxPositionEmbeddings, torchDtype, initializerRange);
  }

  public LlamaConfig withInitializerRange(double std) {
    return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
        headDim, rmsNormEps, ropeTheta, ropeScaling, vocabSize, tieWordEmbeddings, attentionBias, mlpBias,
        bosTokenId, eosTokenIds, maxPositionEmbeddings, torchDtype, std);
  }

  public LlamaConfig withHeadDim(int hd) {
    return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
        hd, rmsNormEps, ropeTheta, ropeScaling, vocabSize, tieWordEmbeddings, attentionBias, mlpBias,
        bosTokenId, eosTokenIds, maxPositionEmbeddings, torchDtype, initializerRange);
  }

  /** Reads {@code config.json}; errors name the file and the field. */
  public static LlamaConfig load(Path configJson) {
    String text;
    try {
      text = Files.readString(configJson, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no config.json: " + configJson);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + configJson + ": " + e.getMessage());
    }
    JsonElement el;
    try {
      el = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(configJson + " is not valid JSON: " + e.getMessage());
    }
    if (!el.isJsonObject()) {
      throw new IllegalArgumentException(configJson + " is not a JSON object");
    }
    return fromJson(el.getAsJsonObject(), configJson.toString());
  }

  /** Parses a Hugging Face Llama or Phi-3 config object ({@link #MODEL_TYPES}); {@code source} names it in errors. */
  public static LlamaConfig fromJson(JsonObject o, String source) {
    try {
      if (o.has("model_type") && !o.get("model_type").isJsonNull()) {
        String mt = o.get("model_type").getAsString();
        if (!MODEL_TYPES.contains(mt)) {
          throw new IllegalArgumentException("model_type is '" + mt + "', expected one of " + MODEL_TYPES);
        }
      }
      double partialRotary = optDouble(o, "partial_rotary_factor", 1.0);
      if (partialRotary != 1.0) {
        throw new IllegalArgumentException("partial_rotary_factor " + partialRotary + " is not supported (only 1.0:"
            + " rotary embedding over the whole head)");
      }
      if (o.has("hidden_act") && !o.get("hidden_act").getAsString().equals("silu")) {
        throw new IllegalArgumentException("hidden_act '" + o.get("hidden_act").getAsString()
            + "' is not supported (only silu)");
      }
      int hidden = reqInt(o, "hidden_size");
      int heads = reqInt(o, "num_attention_heads");
      int kv = optInt(o, "num_key_value_heads", heads);
      int headDim = optInt(o, "head_dim", hidden / heads);
      // transformers >= 4.5x may nest theta and scaling under rope_parameters
      JsonObject ropeParams = o.has("rope_parameters") && o.get("rope_parameters").isJsonObject()
          ? o.getAsJsonObject("rope_parameters") : null;
      double theta = optDouble(o, "rope_theta", ropeParams != null ? optDouble(ropeParams, "rope_theta", 10000.0)
          : 10000.0);
      RopeScaling scaling = null;
      JsonObject rs = o.has("rope_scaling") && o.get("rope_scaling").isJsonObject()
          ? o.getAsJsonObject("rope_scaling") : ropeParams;
      if (rs != null) {
        String type = rs.has("rope_type") ? rs.get("rope_type").getAsString()
            : rs.has("type") ? rs.get("type").getAsString() : "default";
        type = type.toLowerCase(Locale.ROOT);
        switch (type) {
          case "default" -> scaling = null;
          case "llama3" -> scaling = new RopeScaling("llama3", reqDouble(rs, "factor", "rope_scaling."),
              reqDouble(rs, "low_freq_factor", "rope_scaling."), reqDouble(rs, "high_freq_factor", "rope_scaling."),
              (int) reqDouble(rs, "original_max_position_embeddings", "rope_scaling."));
          case "linear" -> scaling = new RopeScaling("linear", reqDouble(rs, "factor", "rope_scaling."), 0, 0, 0);
          case "longrope", "su" -> throw new IllegalArgumentException("rope_scaling type '" + type + "' (the 128k-context"
              + " Phi-3 models) is not supported; the 4k-context models (rope_scaling null) are");
          default -> throw new IllegalArgumentException("rope_scaling type '" + type
              + "' is not supported (default, linear, llama3)");
        }
      }
      List<Integer> eos = new ArrayList<>();
      if (o.has("eos_token_id") && !o.get("eos_token_id").isJsonNull()) {
        JsonElement e = o.get("eos_token_id");
        if (e.isJsonArray()) {
          for (JsonElement x : e.getAsJsonArray()) {
            eos.add(x.getAsInt());
          }
        } else {
          eos.add(e.getAsInt());
        }
      }
      String dtype = o.has("torch_dtype") && !o.get("torch_dtype").isJsonNull() ? o.get("torch_dtype").getAsString()
          : o.has("dtype") && !o.get("dtype").isJsonNull() ? o.get("dtype").getAsString() : "float32";
      return new LlamaConfig(hidden, reqInt(o, "intermediate_size"), reqInt(o, "num_hidden_layers"), heads, kv,
          headDim, optDouble(o, "rms_norm_eps", 1e-6), theta, scaling, reqInt(o, "vocab_size"),
          optBool(o, "tie_word_embeddings", false), optBool(o, "attention_bias", false),
          optBool(o, "mlp_bias", false), optInt(o, "bos_token_id", 1), eos,
          optInt(o, "max_position_embeddings", 2048), dtype, optDouble(o, "initializer_range", 0.02));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage().replace("invalid Llama config: ", ""));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source + ": malformed value (" + e.getMessage() + ")");
    }
  }

  private static int reqInt(JsonObject o, String k) {
    if (!o.has(k) || o.get(k).isJsonNull()) {
      throw new IllegalArgumentException("missing field " + k);
    }
    return o.get(k).getAsInt();
  }

  private static double reqDouble(JsonObject o, String k, String prefix) {
    if (!o.has(k) || o.get(k).isJsonNull()) {
      throw new IllegalArgumentException("missing field " + prefix + k);
    }
    return o.get(k).getAsDouble();
  }

  private static int optInt(JsonObject o, String k, int def) {
    return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsInt() : def;
  }

  private static double optDouble(JsonObject o, String k, double def) {
    return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsDouble() : def;
  }

  private static boolean optBool(JsonObject o, String k, boolean def) {
    return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsBoolean() : def;
  }

  /** The Hugging Face config.json form (readable by transformers and Jlama). */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    JsonArray arch = new JsonArray();
    arch.add("LlamaForCausalLM");
    o.add("architectures", arch);
    o.addProperty("model_type", "llama");
    o.addProperty("hidden_act", "silu");
    o.addProperty("hidden_size", hiddenSize);
    o.addProperty("intermediate_size", intermediateSize);
    o.addProperty("num_hidden_layers", numHiddenLayers);
    o.addProperty("num_attention_heads", numAttentionHeads);
    o.addProperty("num_key_value_heads", numKeyValueHeads);
    o.addProperty("head_dim", headDim);
    o.addProperty("rms_norm_eps", rmsNormEps);
    o.addProperty("rope_theta", ropeTheta);
    if (ropeScaling != null) {
      JsonObject rs = new JsonObject();
      rs.addProperty("rope_type", ropeScaling.type());
      rs.addProperty("factor", ropeScaling.factor());
      if (ropeScaling.type().equals("llama3")) {
        rs.addProperty("low_freq_factor", ropeScaling.lowFreqFactor());
        rs.addProperty("high_freq_factor", ropeScaling.highFreqFactor());
        rs.addProperty("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
      }
      o.add("rope_scaling", rs);
    }
    o.addProperty("vocab_size", vocabSize);
    o.addProperty("tie_word_embeddings", tieWordEmbeddings);
    o.addProperty("attention_bias", attentionBias);
    o.addProperty("mlp_bias", mlpBias);
    o.addProperty("bos_token_id", bosTokenId);
    if (eosTokenIds.size() == 1) {
      o.addProperty("eos_token_id", eosTokenIds.get(0));
    } else {
      JsonArray e = new JsonArray();
      eosTokenIds.forEach(e::add);
      o.add("eos_token_id", e);
    }
    o.addProperty("max_position_embeddings", maxPositionEmbeddings);
    o.addProperty("torch_dtype", torchDtype);
    o.addProperty("initializer_range", initializerRange);
    return o;
  }

  public String toJsonString() {
    return new GsonBuilder().setPrettyPrinting().create().toJson(toJson());
  }

  /** Query heads per key/value head (grouped-query attention). */
  public int groups() {
    return numAttentionHeads / numKeyValueHeads;
  }
}
