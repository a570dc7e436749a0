package org.scribe3d.infer;

/**
 * A generated answer to a multiple-choice question.
 *
 * @param letter the option letter the answer starts with ("A".."D"), or "" when it starts with
 *     something else (unparseable; scored as wrong)
 * @param text the whole generated answer, e.g. "B. About 18 mm"
 */
public record Answer(String letter, String text) {
  public Answer {
    letter = letter == null ? "" : letter;
    text = text == null ? "" : text;
  }

  /** True when the answer names an option letter. */
  public boolean parsed() {
    return !letter.isEmpty();
  }
}
