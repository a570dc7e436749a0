package org.scribe3d.prompt;

import java.util.Arrays;

/**
 * The multimodal prompt layout of M3D: {@code BOS, K image placeholders, prompt, answer, EOS}. The K
 * placeholder positions (right after BOS) later receive the image embeddings. Labels are
 * {@value #IGNORE} on BOS, image and prompt positions (and on padding, see {@link PromptBatch}); answer
 * tokens and EOS are labelled.
 *
 * <p>The answer is tokenised as {@code " " + answer} on its own, which gives the same tokens as
 * tokenising "prompt answer" in one piece (the pre-tokenizer splits before the space), and lets the
 * generation prompt end exactly where the answer starts.
 *
 * <p>Maximum length (512 in the paper): when BOS + image + prompt + answer + EOS is longer, the answer
 * is cut and EOS dropped — a cut report must not teach the model to stop mid-sentence; the example is
 * flagged {@link PromptExample#truncated()}. A prompt that leaves no room for one answer token is an
 * error.
 */
public final class PromptBuilder {
  /** Label of positions that do not contribute to the loss (PyTorch's ignore_index). */
  public static final long IGNORE = -100;

  private final TextTokenizer tokenizer;
  private final int imageTokens;
  private final long imageTokenId;
  private final int maxLength;

  /**
   * @param imageTokens K, the number of image embeddings (256 in the paper)
   * @param imageTokenId placeholder token id put in the K image positions (its embedding is replaced)
   * @param maxLength maximum total length
   */
  public PromptBuilder(TextTokenizer tokenizer, int imageTokens, long imageTokenId, int maxLength) {
    if (imageTokens < 0) {
      throw new IllegalArgumentException("image tokens must be >= 0, got " + imageTokens);
    }
    if (maxLength < imageTokens + 3) {
      throw new IllegalArgumentException("max length " + maxLength + " leaves no room after " + imageTokens
          + " image tokens");
    }
    this.tokenizer = tokenizer;
    this.imageTokens = imageTokens;
    this.imageTokenId = imageTokenId;
    this.maxLength = maxLength;
  }

  public int imageTokens() {
    return imageTokens;
  }

  public long imageTokenId() {
    return imageTokenId;
  }

  public int maxLength() {
    return maxLength;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /** The generation prompt: BOS, K placeholders, prompt tokens (the model continues with the answer). */
  public long[] prompt(String prompt) {
    long[] p = tokenizer.encodeNoBos(prompt);
    int n = 1 + imageTokens + p.length;
    if (n >= maxLength) {
      throw new IllegalArgumentException("prompt of " + p.length + " tokens does not fit max length " + maxLength
          + " after BOS and " + imageTokens + " image tokens: " + abbreviate(prompt));
    }
    long[] ids = new long[n];
    ids[0] = tokenizer.bosId();
    Arrays.fill(ids, 1, 1 + imageTokens, imageTokenId);
    System.arraycopy(p, 0, ids, 1 + imageTokens, p.length);
    return ids;
  }

  /** The tokens a training example's answer adds after its prompt: " " + answer, then EOS (not truncated). */
  public long[] answer(String answer) {
    long[] a = tokenizer.encodeNoBos(" " + answer.strip());
    long[] out = Arrays.copyOf(a, a.length + 1);
    out[a.length] = tokenizer.eosId();
    return out;
  }

  /** A training example: prompt + answer + EOS with its label mask (cut at max length, EOS first). */
  public PromptExample example(String prompt, String answer) {
    long[] head = prompt(prompt);
    long[] a = answer(answer);
    int room = maxLength - head.length;
    boolean truncated = a.length > room;
    int n = head.length + Math.min(a.length, room);
    long[] ids = Arrays.copyOf(head, n);
    System.arraycopy(a, 0, ids, head.length, n - head.length);
    long[] labels = new long[n];
    Arrays.fill(labels, 0, head.length, IGNORE);
    System.arraycopy(ids, head.length, labels, head.length, n - head.length);
    return new PromptExample(ids, labels, head.length, truncated);
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
