package org.scribe3d.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.scribe3d.model.cpu.CpuTeam;
import org.scribe3d.model.cpu.ReadPass;
import org.scribe3d.model.cpu.TensorStorage;
import org.scribe3d.model.llama.KvCache;
import org.scribe3d.model.llama.LlamaForCausalLM;

/**
 * Decoding speed against the machine's bandwidth limit, both measured in the same run: greedy decoding of a prompt
 * in which every decoding step is preceded by one {@link ReadPass} over the weights the step reads (every
 * projection and the head). The pass's time is the least a step could take at the read bandwidth the memory gives
 * right then; the step's own time (its forward pass, the choice of the token, the next embedding) is measured
 * from the end of the pass to the start of the next one. Their ratio, step by step, is the share of the bandwidth
 * limit decoding reaches, and alternating the two cancels the machine's drift (its read bandwidth moves by tens
 * of percent within minutes here).
 */
public final class DecodeBenchmark {
  private DecodeBenchmark() {}

  /**
   * What a run measured over its decoding steps (the last step has no following pass to end its time, so it is not
   * counted). Medians show the machine's steady rate; means include its slow spells (here, every half second or
   * so, both steps and passes run 2-3x slower for ~100 ms), as a long generation meets them.
   *
   * @param weightBytes bytes of weights one step reads
   * @param steps timed decoding steps
   * @param stepSeconds median time of one decoding step
   * @param readSeconds median time of one read pass over the same bytes
   * @param shareOfLimit median over steps of read time ÷ step time
   * @param meanStepSeconds mean time of one decoding step
   * @param meanReadSeconds mean time of one read pass
   */
  public record Result(long weightBytes, int steps, double stepSeconds, double readSeconds, double shareOfLimit,
      double meanStepSeconds, double meanReadSeconds) {
    /** Decoding tokens per second at the median step (one token per step, batch of one). */
    public double tokensPerSecond() {
      return 1 / stepSeconds;
    }

    /** Decoding tokens per second over all steps (total time). */
    public double meanTokensPerSecond() {
      return 1 / meanStepSeconds;
    }

    /** Tokens per second over all steps if a step cost only its read pass. */
    public double meanLimitTokensPerSecond() {
      return 1 / meanReadSeconds;
    }

    /** The read passes' bandwidth over the whole run, GB/s. */
    public double meanReadGigabytesPerSecond() {
      return weightBytes / meanReadSeconds / 1e9;
    }

    /** Total read time ÷ total step time: the share of the limit over the whole run. */
    public double meanShareOfLimit() {
      return meanReadSeconds / meanStepSeconds;
    }

    /** Tokens per second if a step cost only reading its weights at the measured bandwidth. */
    public double limitTokensPerSecond() {
      return 1 / readSeconds;
    }

    /** The read pass's bandwidth, GB/s. */
    public double readGigabytesPerSecond() {
      return weightBytes / readSeconds / 1e9;
    }
  }

  /**
   * Decodes {@code tokens} tokens greedily after {@code prompt} (EOS not honoured, so every run is as long),
   * alternating read passes and steps on {@code team}.
   *
   * @throws IllegalArgumentException when fewer than 3 tokens are asked or a weight cannot be read in place
   */
  public static Result run(LlamaForCausalLM lm, NDManager manager, long[] prompt, int tokens, CpuTeam team) {
    if (tokens < 3) {
      throw new IllegalArgumentException("the benchmark needs at least 3 new tokens, got " + tokens);
    }
    List<TensorStorage> storages = new ArrayList<>();
    for (NDArray w : lm.decodeMatrices()) {
      TensorStorage s = TensorStorage.of(w);
      if (s == null) {
        throw new IllegalArgumentException("weight " + w.getShape() + " " + w.getDataType()
            + " cannot be read in place (over 2 GiB, or not on the CPU)");
      }
      storages.add(s);
    }
    ReadPass pass = ReadPass.of(storages);
    LogitsSource plain = LogitsSource.of(lm);
    List<Long> passEnds = new ArrayList<>();
    List<Long> passStarts = new ArrayList<>();
    LogitsSource timed = new LogitsSource() {
      @Override
      public KvCache newCache(int batch, int maxLen) {
        return plain.newCache(batch, maxLen);
      }

      @Override
      public NDArray embed(NDArray ids) {
        return plain.embed(ids);
      }

      @Override
      public NDArray lastLogits(NDArray embeds, NDArray mask, KvCache cache) {
        if (embeds.getShape().get(1) == 1) { // a decoding step, not the prompt
          passStarts.add(System.nanoTime());
          pass.run(team);
          passEnds.add(System.nanoTime());
        }
        return plain.lastLogits(embeds, mask, cache);
      }
    };
    GenerationConfig cfg = new GenerationConfig(tokens, Set.of(), 0, 1.0, 0, 1, 1.0, 0);
    Generator.generate(timed, manager, List.of(prompt), cfg);
    int n = passStarts.size() - 1;
    if (n < 1) {
      throw new IllegalStateException("decoding ran " + passStarts.size() + " steps");
    }
    double[] step = new double[n];
    double[] read = new double[n];
    double[] share = new double[n];
    for (int i = 0; i < n; i++) {
      read[i] = (passEnds.get(i) - passStarts.get(i)) / 1e9;
      step[i] = (passStarts.get(i + 1) - passEnds.get(i)) / 1e9;
      share[i] = read[i] / step[i];
    }
    return new Result(pass.bytes(), n, median(step), median(read), median(share), mean(step), mean(read));
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
}
