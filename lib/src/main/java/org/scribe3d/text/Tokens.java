package org.scribe3d.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Word tokens of a sentence with their character offsets. Hyphens and slashes separate tokens
 * ("para-aortic" is "para" "aortic"), so lexicon terms and text tokenise the same way.
 */
public final class Tokens {
  private Tokens() {}

  /** One token: surface text, folded form (lower case, plural folded) and [start, end) offsets. */
  public record Token(String text, String norm, int start, int end) {}

  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9]+");

  public static List<Token> of(String s) {
    List<Token> out = new ArrayList<>();
    Matcher m = WORD.matcher(s);
    while (m.find()) {
      out.add(new Token(m.group(), fold(m.group()), m.start(), m.end()));
    }
    return out;
  }

  /** Lower case with English plurals folded ("kidneys" → "kidney", "ovaries" → "ovary"). */
  public static String fold(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    int n = w.length();
    if (n > 4 && w.endsWith("ies")) {
      return w.substring(0, n - 3) + "y";
    }
    if (n > 4 && w.endsWith("sses")) {
      return w.substring(0, n - 2);
    }
    if (n > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")
        && Character.isLetter(w.charAt(n - 2))) {
      return w.substring(0, n - 1);
    }
    return w;
  }
}
