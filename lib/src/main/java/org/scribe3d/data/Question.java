package org.scribe3d.data;

import java.util.Map;

/**
 * A closed multiple-choice question about one scan, as in AMOS-MM's {@code labels.qa}.
 *
 * @param question the question text
 * @param options letter ("A".."D") to option text, in letter order
 * @param answer the correct letter
 * @param type question type, e.g. "presence", "location", "size", "organ", "count"
 */
public record Question(String question, Map<String, String> options, String answer, String type) {

  /** The answer as the model is trained to say it: {@code "<letter>. <text>"}. */
  public String answerText() {
    return answerTextFor(answer);
  }

  /** Option {@code letter} said the way answers are trained: {@code "<letter>. <text>"}. */
  public String answerTextFor(String letter) {
    return letter + ". " + options.get(letter);
  }
}
