package org.scribe3d.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.scribe3d.generate.GenerationConfig;
import org.scribe3d.generate.GenerationResult;
import org.scribe3d.generate.Generator;
import org.scribe3d.generate.ReportSampling;
import org.scribe3d.model.multimodal.MultimodalModel;

/**
 * Batched decoding of multimodal prompts: each prompt (model ids) with its scan's image embeddings spliced
 * after BOS, left-padded into batches of {@code batch} rows, continued greedily or by sampling until EOS/EOT
 * or the most new tokens (never past the model's longest sequence), as {@link MultimodalModel#generateText}
 * does for one image per prompt.
 */
final class PromptDecoder {
  private final LoadedModel run;
  private final int batch;

  /** @param batch prompts decoded together */
  PromptDecoder(LoadedModel run, int batch) {
    this.run = run;
    this.batch = batch;
  }

  /**
   * Decoding of prompts (model ids) for images emb[imageOf[i]], at most {@code maxNewTokens} each: greedy
   * when {@code sampling} is null, else sampled with its temperature and top-p, row i from its own stream seeded by
   * {@code rowSeeds[i]} (so its draws do not depend on the batch it lands in). Rows are batched in order of prompt
   * length (less left padding to compute); results come back in input order.
   */
  List<String> decode(NDArray[] emb, int[] imageOf, List<long[]> ids, int maxNewTokens, NDManager m,
      ReportSampling sampling, long[] rowSeeds) {
    MultimodalModel model = run.model();
    String[] out = new String[ids.size()];
    Integer[] order = new Integer[ids.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(ids.get(x).length, ids.get(y).length)); // stable
    for (int from = 0; from < order.length; from += batch) {
      int b = Math.min(batch, order.length - from);
      int t = 0;
      for (int i = 0; i < b; i++) {
        t = Math.max(t, ids.get(order[from + i]).length);
      }
      int maxNew = Math.max(1, Math.min(maxNewTokens, model.config().maxLength() - t));
      GenerationConfig cfg = sampling == null ? model.greedy(maxNew)
          : GenerationConfig.sampling(maxNew, model.eosIds(), sampling.temperature(), sampling.topP(),
              sampling.seed());
      long[] seeds = null;
      if (sampling != null) {
        seeds = new long[b];
        for (int i = 0; i < b; i++) {
          seeds[i] = rowSeeds[order[from + i]];
        }
      }
      long[] flat = new long[b * t];
      float[] mask = new float[b * t];
      Arrays.fill(flat, cfg.padId());
      int[] pad = new int[b];
      for (int i = 0; i < b; i++) {
        long[] p = ids.get(order[from + i]);
        pad[i] = t - p.length;
        System.arraycopy(p, 0, flat, i * t + pad[i], p.length);
        Arrays.fill(mask, i * t + pad[i], (i + 1) * t, 1f);
      }
      try (NDManager cm = m.newSubManager()) {
        NDArray[] rowImages = new NDArray[b];
        int[] imageStart = new int[b];
        for (int i = 0; i < b; i++) {
          rowImages[i] = emb[imageOf[order[from + i]]];
          imageStart[i] = pad[i] + 1; // [left padding, BOS] + image embeddings + prompt text
        }
        NDArray embeds = run.embedWithImages(flat, b, t, rowImages, imageStart, cm);
        GenerationResult r = Generator.generate(model.logitsSource(), embeds, cm.create(mask, new Shape(b, t)), cfg,
            seeds);
        for (int i = 0; i < b; i++) {
          out[order[from + i]] = run.decode(r.tokens().get(i));
        }
      }
    }
    return Arrays.asList(out);
  }
}
