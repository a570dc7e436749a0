package org.scribe3d.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.scribe3d.model.llama.LlamaForCausalLM;
import org.scribe3d.prompt.Llama3Tokenizer;

/** A Hugging Face Llama-architecture directory opened for the lm commands: model plus tokenizer. */
final class LmModelDir implements AutoCloseable {
  final LlamaForCausalLM model;
  final Llama3Tokenizer tokenizer;
  final NDManager manager;
  final double loadSeconds;

  private LmModelDir(LlamaForCausalLM model, Llama3Tokenizer tokenizer, NDManager manager, double loadSeconds) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.manager = manager;
    this.loadSeconds = loadSeconds;
  }

  /**
   * The {@code --weights} of the inference commands: float32 or float16. bfloat16 checkpoints are converted on
   * load (DJL's PyTorch engine has no bfloat16); int8 is not offered (docs/experiments.md says why).
   */
  static DataType parseWeights(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "float32", "f32", "fp32" -> DataType.FLOAT32;
      case "float16", "f16", "fp16", "half" -> DataType.FLOAT16;
      case "int8" -> throw new CliExit("--weights int8 is not offered: on this engine it decodes slower than float16"
          + " (docs/experiments.md); use float16", 2);
      default -> throw new CliExit("unknown --weights " + s + " (float32 or float16; bfloat16 checkpoints are"
          + " converted on load, since DJL's PyTorch engine has no bfloat16)", 2);
    };
  }

  /** Opens DIR; without tokenizer.json there, falls back to the vendored Llama-3 tokenizer and says so. */
  static LmModelDir open(Path dir, DataType dtype, PrintWriter err) {
    if (!Files.isDirectory(dir)) {
      throw new CliExit("model directory " + dir + " does not exist");
    }
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new CliExit(dir + " is not a Hugging Face model directory (no config.json)");
    }
    Llama3Tokenizer tok;
    if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
      tok = Llama3Tokenizer.load(dir);
    } else {
      Path v = Llama3Tokenizer.vendoredDir();
      err.println("note: " + dir + " has no tokenizer.json; using the vendored Llama-3 tokenizer " + v);
      err.flush();
      tok = Llama3Tokenizer.load(v);
    }
    NDManager manager = NDManager.newBaseManager();
    try {
      long t0 = System.nanoTime();
      LlamaForCausalLM lm = LlamaForCausalLM.load(dir, manager, dtype);
      double secs = (System.nanoTime() - t0) / 1e9;
      if (lm.config().vocabSize() <= maxId(tok)) {
        throw new CliExit("tokenizer " + tok.file() + " has ids up to " + maxId(tok) + " but the model's vocab_size is "
            + lm.config().vocabSize());
      }
      return new LmModelDir(lm, tok, manager, secs);
    } catch (RuntimeException e) {
      manager.close();
      tok.close();
      throw e;
    }
  }

  private static long maxId(Llama3Tokenizer tok) {
    return Math.max(tok.bosId(), tok.eosId());
  }

  /** Ids that end generation: the model config's eos ids plus the tokenizer's EOS and end-of-turn. */
  Set<Long> stopIds() {
    Set<Long> s = new LinkedHashSet<>();
    model.config().eosTokenIds().forEach(i -> s.add((long) i));
    s.addAll(tokenizer.stopIds());
    return s;
  }

  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
