package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.List;

/** Python's str.split semantics, which the reference scorers rely on. */
final class PyStrings {
  private PyStrings() {}

  /** Python {@code str.split()}: runs of Unicode whitespace separate, no empty strings. */
  static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && isPySpace(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isPySpace(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(s.substring(start, i));
      }
    }
    return out;
  }

  /** Python {@code str.split(" ")}: every single space separates; "" gives [""]. */
  static List<String> splitOnSpace(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ' ') {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }

  /** Python's str.isspace() for one BMP character. */
  static boolean isPySpace(char c) {
    switch (c) {
      case ' ', '\t', '\n', '\u000B', '\f', '\r', '\u001C', '\u001D', '\u001E', '\u001F', '\u0085', '\u00A0',
          '\u1680', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000' -> {
        return true;
      }
      default -> {
        return c >= '\u2000' && c <= '\u200A';
      }
    }
  }
}
