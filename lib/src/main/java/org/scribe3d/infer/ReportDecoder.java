package org.scribe3d.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.data.Finding;
import org.scribe3d.data.Region;
import org.scribe3d.generate.ReportSampling;
import org.scribe3d.prompt.FindingHint;

/**
 * Reports: greedy decoding, or — with report sampling — the minimum-Bayes-risk choice among the greedy report
 * and {@code samples} sampled ones, the one whose findings agree best with the samples' ({@link FindingConsensus},
 * finding-level F1). The copies of a prompt are decoded side by side in the same batches; each copy draws from its
 * own random stream, seeded by the sampling seed, the scan's content, the prompt and the copy's index, so a scan's
 * report is the same whether it is decoded alone ({@code generate --run}) or within a split ({@code evaluate --run}).
 */
final class ReportDecoder {
  private final PromptDecoder decoder;
  private final int maxNewTokens;
  private final ReportSampling sampling;

  /**
   * @param maxNewTokens most new tokens of a report
   * @param sampling the samples drawn besides the greedy report, or null (greedy reports)
   */
  ReportDecoder(PromptDecoder decoder, int maxNewTokens, ReportSampling sampling) {
    this.decoder = decoder;
    this.maxNewTokens = maxNewTokens;
    this.sampling = sampling == null || sampling.off() ? null : sampling;
  }

  /**
   * Reports of prompts (model ids) for images emb[imageOf[i]], report i about {@code regions.get(i)}. With
   * finding hints ({@code hints} per image, else null) the hint's findings weigh as much as all samples
   * together: the report chosen agrees best with both the samples and the run's own image classifier.
   */
  List<String> decode(NDArray[] emb, int[] imageOf, List<long[]> ids, List<Region> regions, String[] hints,
      long[] imageKeys, NDManager m) {
    List<String> greedy = decoder.decode(emb, imageOf, ids, maxNewTokens, m, null, null);
    if (sampling == null) {
      return greedy;
    }
    int n = sampling.samples();
    int[] copyOf = new int[ids.size() * n];
    List<long[]> copies = new ArrayList<>(copyOf.length);
    long[] seeds = new long[copyOf.length];
    for (int i = 0; i < ids.size(); i++) {
      long prompt = java.util.Arrays.hashCode(ids.get(i));
      for (int k = 0; k < n; k++) {
        copyOf[i * n + k] = imageOf[i];
        copies.add(ids.get(i));
        seeds[i * n + k] = rowSeed(sampling.seed(), imageKeys[imageOf[i]], prompt, k);
      }
    }
    List<String> sampled = decoder.decode(emb, copyOf, copies, maxNewTokens, m, sampling, seeds);
    List<String> out = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      List<String> samples = sampled.subList(i * n, (i + 1) * n);
      List<String> hypotheses = new ArrayList<>(n + 1);
      hypotheses.add(greedy.get(i)); // first: ties keep the greedy report
      hypotheses.addAll(samples);
      List<Finding> said = hints == null ? null
          : FindingHint.parse(hints[imageOf[i]]).stream().map(FindingHint.Item::finding).toList();
      out.add(hypotheses.get(FindingConsensus.choose(hypotheses, samples, regions.get(i), said)));
    }
    return out;
  }

  /** One sampled row's seed: SplitMix64 steps over the sampling seed, the scan's key, the prompt and the copy. */
  static long rowSeed(long seed, long imageKey, long prompt, int copy) {
    long h = mix(seed);
    h = mix(h ^ imageKey);
    h = mix(h ^ prompt);
    return mix(h ^ copy);
  }

  private static long mix(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
