package org.scribe3d.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.scribe3d.generate.GenerationConfig;
import org.scribe3d.generate.GenerationResult;
import org.scribe3d.generate.Generator;
import org.scribe3d.generate.LogitsSource;
import org.scribe3d.model.llama.LlamaForCausalLM;
import org.scribe3d.prompt.Llama3Tokenizer;

/**
 * A {@link GreenJudge} run by Scribe3D's own Llama: any Hugging Face Llama-architecture directory
 * (config.json + safetensors, and tokenizer.json; without one the vendored Llama-3 tokenizer is used
 * and that is said once on the given writer). As GREEN does, the input is BOS + chat text + EOS
 * (GREEN's tokenizer is loaded with add_eos_token=True), truncated on the right to
 * {@link #MAX_LENGTH} tokens keeping BOS and EOS, and decoding is greedy until an end token, the
 * new-token budget, or {@link #MAX_LENGTH} tokens in total (GREEN's max_length).
 */
public final class LlamaGreenJudge implements GreenJudge, AutoCloseable {
  /** GREEN's max_length: input truncation and total generation length. */
  public static final int MAX_LENGTH = 2048;

  /** Default new-token budget (GREEN's own is bounded only by MAX_LENGTH; 512 fits its answer format). */
  public static final int DEFAULT_MAX_NEW_TOKENS = 512;

  private final LlamaForCausalLM model;
  private final Llama3Tokenizer tokenizer;
  private final NDManager manager;
  private final int maxNewTokens;
  private final Set<Long> stopIds;
  private final Path dir;

  private LlamaGreenJudge(Path dir, LlamaForCausalLM model, Llama3Tokenizer tokenizer, NDManager manager,
      int maxNewTokens) {
    this.dir = dir;
    this.model = model;
    this.tokenizer = tokenizer;
    this.manager = manager;
    this.maxNewTokens = maxNewTokens;
    Set<Long> s = new LinkedHashSet<>();
    model.config().eosTokenIds().forEach(i -> s.add((long) i));
    s.addAll(tokenizer.stopIds());
    this.stopIds = s;
  }

  /**
   * Opens a judge directory (float32). {@code notes} receives the one-line tokenizer fallback notice
   * (may be null). Errors are IllegalArgumentExceptions naming the directory.
   */
  public static LlamaGreenJudge open(Path dir, int maxNewTokens, PrintWriter notes) {
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("--green-max-new-tokens must be >= 1, got " + maxNewTokens);
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("GREEN judge model directory " + dir + " does not exist");
    }
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new IllegalArgumentException(dir + " is not a Hugging Face model directory (no config.json)");
    }
    Llama3Tokenizer tok;
    if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
      tok = Llama3Tokenizer.load(dir);
    } else {
      Path v = Llama3Tokenizer.vendoredDir();
      if (notes != null) {
        notes.println("note: GREEN judge " + dir + " has no tokenizer.json; using the vendored Llama-3 tokenizer " + v);
        notes.flush();
      }
      tok = Llama3Tokenizer.load(v);
    }
    NDManager manager = NDManager.newBaseManager();
    try {
      LlamaForCausalLM lm = LlamaForCausalLM.load(dir, manager, DataType.FLOAT32);
      long maxId = Math.max(tok.bosId(), tok.eosId());
      if (lm.config().vocabSize() <= maxId) {
        throw new IllegalArgumentException("GREEN judge tokenizer " + tok.file() + " has ids up to " + maxId
            + " but the model in " + dir + " has vocab_size " + lm.config().vocabSize());
      }
      return new LlamaGreenJudge(dir, lm, tok, manager, maxNewTokens);
    } catch (RuntimeException e) {
      manager.close();
      tok.close();
      throw e;
    }
  }

  /** BOS + text + EOS, right-truncated to {@code maxLength} tokens with BOS and EOS kept (as HF does). */
  static long[] inputIds(long[] textIds, long bos, long eos, int maxLength) {
    int body = Math.min(textIds.length, maxLength - 2);
    long[] ids = new long[body + 2];
    ids[0] = bos;
    System.arraycopy(textIds, 0, ids, 1, body);
    ids[body + 1] = eos;
    return ids;
  }

  /** New tokens allowed after an input of {@code inputLength}: the budget, within MAX_LENGTH in total. */
  static int budget(int maxNewTokens, int inputLength) {
    return Math.max(0, Math.min(maxNewTokens, MAX_LENGTH - inputLength));
  }

  @Override
  public String complete(String chatText) {
    long[] text = tokenizer.encodeNoBos(chatText);
    // a text that itself starts with BOS is not given a second one
    if (text.length > 0 && text[0] == tokenizer.bosId()) {
      text = Arrays.copyOfRange(text, 1, text.length);
    }
    long[] ids = inputIds(text, tokenizer.bosId(), tokenizer.eosId(), MAX_LENGTH);
    int n = budget(maxNewTokens, ids.length);
    if (n == 0) {
      return "";
    }
    GenerationConfig cfg = new GenerationConfig(n, stopIds, 0, 1, 0, 1, 1.0, tokenizer.eosId());
    GenerationResult r = Generator.generate(LogitsSource.of(model), manager, List.of(ids), cfg);
    return tokenizer.decode(r.tokens().get(0));
  }

  public int maxNewTokens() {
    return maxNewTokens;
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
