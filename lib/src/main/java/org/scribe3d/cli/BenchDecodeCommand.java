package org.scribe3d.cli;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.scribe3d.generate.DecodeBenchmark;
import org.scribe3d.model.cpu.CpuKernels;
import org.scribe3d.model.cpu.CpuTeam;
import org.scribe3d.model.llama.RowParallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scribe3d bench decode}: greedy decoding speed of a Llama-architecture directory against the bandwidth
 * limit measured in the same run ({@link DecodeBenchmark}: a read pass over the step's weights before every step).
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
    description = "Decode tokens greedily, each step after a timed read of the weights it reads: decoding speed"
        + " and the share of the machine's read-bandwidth limit it reaches, both measured in this run.")
public final class BenchDecodeCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Hugging Face Llama directory.")
  Path model;

  @Option(names = "--weights", paramLabel = "float32|float16", defaultValue = "float32",
      description = "Weights in memory, as for `lm generate` (default ${DEFAULT-VALUE}).")
  String weights;

  @Option(names = "--tokens", defaultValue = "64", description = "New tokens to decode (default ${DEFAULT-VALUE}).")
  int tokens;

  @Option(names = "--prompt", defaultValue = "Findings: the liver is normal in size and attenuation.",
      description = "Prompt text (default: a one-line finding).")
  String prompt;

  @Option(names = "--threads", description = "Decoding threads (default: all cores).")
  Integer threads;

  @Option(names = "--json", description = "One JSON object instead of the text lines.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (tokens < 3) {
      throw new CliExit("--tokens must be at least 3", 2);
    }
    if (!CpuKernels.loaded()) {
      throw new CliExit("bench decode times its read pass on the CPU kernels, which are not loaded here: "
          + CpuKernels.status());
    }
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (n < 1) {
      throw new CliExit("--threads must be positive", 2);
    }
    try (LmModelDir dir = LmModelDir.open(model, LmModelDir.parseWeights(weights), err)) {
      DecodeBenchmark.Result r;
      RowParallel.enable(n);
      try {
        r = DecodeBenchmark.run(dir.model, dir.manager, dir.tokenizer.encode(prompt), tokens, CpuTeam.of(n));
      } catch (IllegalArgumentException e) {
        throw new CliExit(e.getMessage());
      } finally {
        RowParallel.disable();
      }
      if (json) {
        // the whole run's figures first (as lm generate's decode rate), then the medians of single steps
        JsonObject o = new JsonObject();
        o.addProperty("weights", weights);
        o.addProperty("weight_bytes_per_token", r.weightBytes());
        o.addProperty("steps", r.steps());
        o.addProperty("decode_tokens_per_second", r.meanTokensPerSecond());
        o.addProperty("limit_tokens_per_second", r.meanLimitTokensPerSecond());
        o.addProperty("percent_of_limit", 100 * r.meanShareOfLimit());
        o.addProperty("read_gb_per_second", r.meanReadGigabytesPerSecond());
        o.addProperty("median_decode_tokens_per_second", r.tokensPerSecond());
        o.addProperty("median_limit_tokens_per_second", r.limitTokensPerSecond());
        o.addProperty("median_percent_of_limit", 100 * r.shareOfLimit());
        o.addProperty("median_read_gb_per_second", r.readGigabytesPerSecond());
        o.addProperty("cpu_kernels", CpuKernels.status());
        out.println(o);
      } else {
        out.printf(Locale.ROOT, "weights %s: %.3f GB read per token, %d steps; cpu kernels: %s%n", weights,
            r.weightBytes() / 1e9, r.steps(), CpuKernels.status());
        out.printf(Locale.ROOT, "%-14s %12s %12s %12s %10s%n", "", "decode tok/s", "read GB/s", "limit tok/s",
            "% of limit");
        out.printf(Locale.ROOT, "%-14s %12.2f %12.2f %12.2f %10.1f%n", "whole run", r.meanTokensPerSecond(),
            r.meanReadGigabytesPerSecond(), r.meanLimitTokensPerSecond(), 100 * r.meanShareOfLimit());
        out.printf(Locale.ROOT, "%-14s %12.2f %12.2f %12.2f %10.1f%n", "median step", r.tokensPerSecond(),
            r.readGigabytesPerSecond(), r.limitTokensPerSecond(), 100 * r.shareOfLimit());
      }
      out.flush();
      return 0;
    }
  }
}
