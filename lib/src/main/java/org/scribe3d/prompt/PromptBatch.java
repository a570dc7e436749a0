package org.scribe3d.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * A right-padded training batch as NDArrays, in model ids (compact ids when the model has a
 * restricted {@link VocabMap}).
 *
 * @param inputIds int64 [B, T]; padding positions hold the pad id
 * @param attentionMask float32 [B, T]; 1 = real token, 0 = padding
 * @param labels int64 [B, T]; {@link PromptBuilder#IGNORE} on BOS, image, prompt and padding
 * @param labelledTokens number of labelled positions (answer tokens + EOS) in the batch
 */
public record PromptBatch(NDArray inputIds, NDArray attentionMask, NDArray labels, int labelledTokens)
    implements AutoCloseable {

  /**
   * Collates examples (original ids) into one right-padded batch of length max(example length).
   *
   * @param padId original id used on padding positions (never attended to, never labelled); EOS is usual
   * @param vocab restricted vocabulary to map ids and labels into, or null to keep original ids
   */
  public static PromptBatch collate(List<PromptExample> examples, NDManager manager, long padId, VocabMap vocab) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("cannot collate an empty batch");
    }
    int b = examples.size();
    int t = examples.stream().mapToInt(PromptExample::length).max().getAsInt();
    long pad = vocab == null ? padId : vocab.toCompact(padId);
    long[] ids = new long[b * t];
    long[] labels = new long[b * t];
    float[] mask = new float[b * t];
    Arrays.fill(ids, pad);
    Arrays.fill(labels, PromptBuilder.IGNORE);
    int labelled = 0;
    for (int i = 0; i < b; i++) {
      PromptExample e = examples.get(i);
      long[] x = vocab == null ? e.inputIds() : vocab.toCompact(e.inputIds());
      System.arraycopy(x, 0, ids, i * t, x.length);
      Arrays.fill(mask, i * t, i * t + x.length, 1f);
      for (int j = 0; j < x.length; j++) {
        long l = e.labels()[j];
        if (l != PromptBuilder.IGNORE) {
          labels[i * t + j] = vocab == null ? l : vocab.toCompact(l);
          labelled++;
        }
      }
    }
    Shape s = new Shape(b, t);
    return new PromptBatch(manager.create(ids, s), manager.create(mask, s), manager.create(labels, s), labelled);
  }

  @Override
  public void close() {
    inputIds.close();
    attentionMask.close();
    labels.close();
  }
}
