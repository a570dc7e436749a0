package org.scribe3d.eval;

import java.util.Locale;

/** Closed-VQA scoring: the first letter of the generated answer compared with the answer letter. */
public final class VqaAccuracy {
  private VqaAccuracy() {}

  /**
   * The option letter a generated answer gives: its first non-blank character, upper-cased, when it is
   * a letter ("B. Liver" and "b" give "B"); null when the answer is empty or starts with something else.
   */
  public static String letterOf(String answer) {
    if (answer == null) {
      return null;
    }
    String t = answer.strip();
    if (t.isEmpty()) {
      return null;
    }
    int cp = t.codePointAt(0);
    if (!Character.isLetter(cp)) {
      return null;
    }
    return new String(Character.toChars(cp)).toUpperCase(Locale.ROOT);
  }

  /** True when the prediction's first letter equals the answer's. */
  public static boolean correct(String prediction, String answer) {
    String p = letterOf(prediction);
    String a = letterOf(answer);
    return p != null && p.equals(a);
  }
}
