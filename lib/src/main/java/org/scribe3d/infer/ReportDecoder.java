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
 * finding-level F1). The copies of a prompt are decoded side by side in the same batches.
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
      NDManager m) {
    List<String> greedy = decoder.decode(emb, imageOf, ids, maxNewTokens, m, null);
    if (sampling == null) {
      return greedy;
    }
    int n = sampling.samples();
    int[] copyOf = new int[ids.size() * n];
    List<long[]> copies = new ArrayList<>(copyOf.length);
    for (int i = 0; i < ids.size(); i++) {
      for (int k = 0; k < n; k++) {
        copyOf[i * n + k] = imageOf[i];
        copies.add(ids.get(i));
      }
    }
    List<String> sampled = decoder.decode(emb, copyOf, copies, maxNewTokens, m, sampling);
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
}
