package org.scribe3d.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.scribe3d.model.cpu.CpuKernels;
import org.scribe3d.generate.GenerationConfig;
import org.scribe3d.generate.GenerationResult;
import org.scribe3d.generate.Generator;
import org.scribe3d.generate.LogitsSource;
import org.scribe3d.model.llama.RowParallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Continues a prompt: greedy by default, top-p sampling, or beam search. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Continue PROMPT with a Llama model; prints the continuation, then speed on stderr.")
public final class LmGenerateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Hugging Face Llama directory.")
  Path model;

  @Option(names = "--prompt", required = true, description = "Prompt text (BOS is added).")
  String prompt;

  @Option(names = "--max-new-tokens", defaultValue = "64", description = "Most tokens to generate (default ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--temperature", description = "Sample with this temperature (default 1.0 when --top-p is given).")
  Double temperature;

  @Option(names = "--top-p", description = "Nucleus sampling mass in (0, 1].")
  Double topP;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the sampling random stream.")
  long seed;

  @Option(names = "--beams", defaultValue = "1", description = "Beam search with this many beams (length penalty 1).")
  int beams;

  @Option(names = "--ignore-eos", description = "Do not stop at EOS (benchmarks: always generate max tokens).")
  boolean ignoreEos;

  @Option(names = "--weights", paramLabel = "float32|float16", defaultValue = "float32",
      description = "Weights in memory (default ${DEFAULT-VALUE}; float16 halves memory and the bytes read per token);"
          + " activations, norms and the KV cache are float32.")
  String weights;

  @Option(names = "--json", description = "Print ids, text and timings as JSON.")
  boolean json;

  @Option(names = "--threads", description = "CPU decoding: split big matrix-vector products over this many"
      + " Java threads with single-threaded libtorch ops (default: all cores; 1 = libtorch's own threading).")
  Integer threads;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean sampling = temperature != null || topP != null;
    if (sampling && beams > 1) {
      throw new CliExit("choose either sampling (--top-p/--temperature) or --beams, not both", 2);
    }
    if (maxNewTokens < 1) {
      throw new CliExit("--max-new-tokens must be >= 1", 2);
    }
    try (LmModelDir dir = LmModelDir.open(model, LmModelDir.parseWeights(weights), err)) {
      long[] ids = dir.tokenizer.encode(prompt);
      Set<Long> stop = ignoreEos ? Set.of() : dir.stopIds();
      long pad = dir.tokenizer.eosId();
      GenerationConfig cfg;
      try {
        cfg = new GenerationConfig(maxNewTokens, stop, sampling ? (temperature == null ? 1.0 : temperature) : 0,
            topP == null ? 1.0 : topP, seed, beams, 1.0, pad);
      } catch (IllegalArgumentException e) {
        throw new CliExit(e.getMessage(), 2);
      }
      GenerationResult r;
      RowParallel.enable(threads != null ? threads : Runtime.getRuntime().availableProcessors());
      try {
        r = Generator.generate(LogitsSource.of(dir.model), dir.manager, List.of(ids), cfg);
      } finally {
        RowParallel.disable();
      }
      long[] gen = r.tokens().get(0);
      String text = dir.tokenizer.decode(gen);
      int produced = gen.length + (r.stoppedAtEos()[0] ? 1 : 0);
      if (json) {
        JsonObject o = new JsonObject();
        o.add("prompt_ids", arr(ids));
        o.add("token_ids", arr(gen));
        o.addProperty("text", text);
        o.addProperty("stopped_at_eos", r.stoppedAtEos()[0]);
        o.addProperty("generated_tokens", produced);
        o.addProperty("load_seconds", dir.loadSeconds);
        o.addProperty("prefill_seconds", r.prefillSeconds());
        o.addProperty("decode_seconds", r.decodeSeconds());
        o.addProperty("tokens_per_second", r.tokensPerSecond());
        o.addProperty("decode_tokens_per_second", r.decodeTokensPerSecond());
        o.addProperty("cpu_kernels", CpuKernels.status());
        out.println(o);
      } else {
        out.println(text);
      }
      out.flush();
      err.printf("%d tokens in %.2f s: %.2f tokens/s (prefill of %d prompt tokens %.2f s; decode %.2f tokens/s)%n",
          produced, r.prefillSeconds() + r.decodeSeconds(), r.tokensPerSecond(), ids.length, r.prefillSeconds(),
          r.decodeTokensPerSecond());
      err.flush();
      return 0;
    }
  }

  private static JsonArray arr(long[] v) {
    JsonArray a = new JsonArray();
    for (long x : v) {
      a.add(x);
    }
    return a;
  }
}
