package org.scribe3d.prompt;

/**
 * What prompt building needs from a tokenizer. {@link #of(Llama3Tokenizer)} adapts the real Llama-3
 * tokenizer; tests may use a small fake.
 */
public interface TextTokenizer {
  /** Token ids of a text segment, without BOS/EOS. */
  long[] encodeNoBos(String text);

  /** Text of token ids, special tokens skipped. */
  String decode(long[] ids);

  long bosId();

  long eosId();

  /** The Llama-3 tokenizer as a {@link TextTokenizer}. */
  static TextTokenizer of(Llama3Tokenizer t) {
    return new TextTokenizer() {
      @Override
      public long[] encodeNoBos(String text) {
        return t.encodeNoBos(text);
      }

      @Override
      public String decode(long[] ids) {
        return t.decode(ids);
      }

      @Override
      public long bosId() {
        return t.bosId();
      }

      @Override
      public long eosId() {
        return t.eosId();
      }
    };
  }
}
