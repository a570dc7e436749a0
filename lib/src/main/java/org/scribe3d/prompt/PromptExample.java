package org.scribe3d.prompt;

/**
 * One tokenised training example (original tokenizer ids).
 *
 * @param inputIds BOS, image placeholders, prompt, answer, EOS
 * @param labels {@link PromptBuilder#IGNORE} on BOS, image and prompt positions; the next-token
 *     targets are the input ids themselves on answer and EOS positions (the loss shifts by one, as HF)
 * @param promptLength positions before the answer (BOS + image tokens + prompt)
 * @param truncated the answer was cut to fit the maximum length (and then has no EOS)
 */
public record PromptExample(long[] inputIds, long[] labels, int promptLength, boolean truncated) {
  public PromptExample {
    if (inputIds.length != labels.length) {
      throw new IllegalArgumentException("ids and labels differ in length");
    }
  }

  public int length() {
    return inputIds.length;
  }
}
