package org.scribe3d.eval;

/**
 * The language model that plays GREEN's judge. It receives the full chat-formatted input text built
 * by {@link GreenPrompt#chat} and returns what it generates after it (greedy decoding, as GREEN
 * does). GREEN's own tokenizer adds BOS in front and, because GREEN loads it with
 * {@code add_eos_token=True}, also EOS at the end of the input; inputs are truncated to 2048 tokens
 * and generation stops at EOS or at 2048 tokens in total.
 */
@FunctionalInterface
public interface GreenJudge {
  String complete(String chatText);
}
