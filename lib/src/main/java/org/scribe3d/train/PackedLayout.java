package org.scribe3d.train;

import java.util.Arrays;
import java.util.List;
import org.scribe3d.prompt.PromptBuilder;
import org.scribe3d.prompt.PromptExample;

/**
 * A micro-batch packed into one row with each scan's prefix shared. Every example of a scan starts with
 * the same {@code prefix} tokens (BOS and the image placeholders), and often with more (a finding hint, the
 * first words of the prompts), which the padded layout computes once per example; here the leading tokens all
 * of a scan's examples share (up to the token before the first answer token) appear once, followed by the rest
 * of each of its examples, and nothing is padded. An attention mask keeps the examples apart — a position sees
 * its scan's prefix and the earlier positions of its own example, as in its own padded row — and RoPE
 * positions continue from the prefix in every example, so each example's logits are those of the padded layout
 * (up to rounding). On the demo's batches (a scan's reports and questions, about 72 tokens each of which 33 are
 * the prefix, padded to the longest report) this computes about a third of the padded layout's positions without
 * hints; sharing each scan's hint too makes the hinted demo's steps 1.2× faster (docs/experiments.md).
 *
 * <p>The shift of the causal-LM loss pairs each position with the next one in the row; at the first token
 * after a prefix or an example, the next position belongs to another example, so the first token of every
 * example's remainder must be unlabelled (it is a prompt token, never a target) — checked.
 *
 * @param ids token ids of the row (original ids, as the examples hold them)
 * @param labels the examples' labels at their tokens ({@link PromptBuilder#IGNORE} on prefixes)
 * @param positions RoPE position of each token (a scan's shared prefix 0 … P−1, its example remainders from P)
 * @param imageRow per position: which distinct image's placeholder it is and which of its K rows
 *     ({@code u · K + j}), or −1 for a text token
 * @param allowed row-major [T, T]: whether query position q may attend to key position k
 */
public record PackedLayout(long[] ids, long[] labels, long[] positions, int[] imageRow, boolean[] allowed) {

  public int length() {
    return ids.length;
  }

  /**
   * @param examples the micro-batch's examples
   * @param imageOf which distinct image each example uses (0 … U−1; examples of an image need not be adjacent)
   * @param prefix leading tokens every example of a scan must share: BOS and the K image placeholders (the
   *     layout shares more when they do)
   * @param imageStart index of the first placeholder within the prefix (1: after BOS)
   * @param imageTokens K
   * @throws IllegalArgumentException if examples of one image differ in their prefix, an example is no longer
   *     than the prefix, or the first token after the prefix is labelled
   */
  public static PackedLayout pack(List<PromptExample> examples, int[] imageOf, int prefix, int imageStart,
      int imageTokens) {
    if (examples.size() != imageOf.length) {
      throw new IllegalArgumentException(examples.size() + " examples but " + imageOf.length + " image indices");
    }
    if (imageStart < 0 || imageStart + imageTokens > prefix) {
      throw new IllegalArgumentException("image placeholders " + imageStart + "+" + imageTokens
          + " do not fit in a prefix of " + prefix);
    }
    int u = Arrays.stream(imageOf).max().orElse(-1) + 1;
    long[][] firstIds = new long[u][]; // per image: its first example's tokens, whose head the row shares
    int[] shared = new int[u]; // per image: how many leading tokens all its examples share, within their prompts
    for (int i = 0; i < examples.size(); i++) {
      PromptExample e = examples.get(i);
      if (e.length() <= prefix) {
        throw new IllegalArgumentException("example " + i + " has " + e.length() + " tokens, no more than the shared"
            + " prefix of " + prefix);
      }
      if (e.labels()[prefix] != PromptBuilder.IGNORE) {
        throw new IllegalArgumentException("example " + i + ": the first token after the prefix is labelled;"
            + " packing needs it to be a prompt token");
      }
      int k = imageOf[i];
      int own = lastSharable(e, prefix);
      if (firstIds[k] == null) {
        firstIds[k] = e.inputIds();
        shared[k] = own;
      } else {
        int common = 0;
        while (common < shared[k] && common < own && firstIds[k][common] == e.inputIds()[common]) {
          common++;
        }
        if (common < prefix) {
          throw new IllegalArgumentException("examples of image " + k + " differ in their first " + prefix + " tokens");
        }
        shared[k] = common;
      }
    }
    int total = 0;
    for (int k = 0; k < u; k++) {
      total += firstIds[k] == null ? 0 : shared[k];
    }
    for (int i = 0; i < examples.size(); i++) {
      total += examples.get(i).length() - shared[imageOf[i]];
    }
    long[] ids = new long[total];
    long[] labels = new long[total];
    long[] pos = new long[total];
    int[] imageRow = new int[total];
    int[] scanOf = new int[total];
    int[] exampleOf = new int[total]; // -1 on prefixes
    Arrays.fill(labels, PromptBuilder.IGNORE);
    Arrays.fill(imageRow, -1);
    int p = 0;
    for (int k = 0; k < u; k++) {
      if (firstIds[k] == null) {
        continue; // an image no example uses
      }
      for (int j = 0; j < shared[k]; j++, p++) {
        ids[p] = firstIds[k][j];
        pos[p] = j;
        scanOf[p] = k;
        exampleOf[p] = -1;
        if (j >= imageStart && j < imageStart + imageTokens) {
          imageRow[p] = k * imageTokens + (j - imageStart);
        }
      }
      for (int i = 0; i < examples.size(); i++) {
        if (imageOf[i] != k) {
          continue;
        }
        PromptExample e = examples.get(i);
        for (int j = shared[k]; j < e.length(); j++, p++) {
          ids[p] = e.inputIds()[j];
          labels[p] = e.labels()[j];
          pos[p] = j;
          scanOf[p] = k;
          exampleOf[p] = i;
        }
      }
    }
    boolean[] allowed = new boolean[total * total];
    for (int q = 0; q < total; q++) {
      for (int kk = 0; kk <= q; kk++) {
        allowed[q * total + kk] = scanOf[kk] == scanOf[q] && (exampleOf[kk] == -1 || exampleOf[kk] == exampleOf[q]);
      }
    }
    return new PackedLayout(ids, labels, pos, imageRow, allowed);
  }

  /**
   * How many leading tokens of an example may be shared (at least {@code prefix}): all before the token ahead of
   * its first labelled one, so that the token after the shared part is an unlabelled prompt token.
   */
  private static int lastSharable(PromptExample e, int prefix) {
    int firstLabelled = prefix;
    while (firstLabelled < e.length() && e.labels()[firstLabelled] == PromptBuilder.IGNORE) {
      firstLabelled++;
    }
    return Math.max(prefix, Math.min(firstLabelled, e.length()) - 1);
  }

  /** The additive attention bias [T·T]: 0 where allowed, float32's lowest value elsewhere. */
  public float[] bias() {
    float[] b = new float[allowed.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = allowed[i] ? 0f : -Float.MAX_VALUE;
    }
    return b;
  }
}
