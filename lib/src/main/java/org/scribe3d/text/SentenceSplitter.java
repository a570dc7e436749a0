package org.scribe3d.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits radiology report text into sentences. Handles what a plain "split on '. '" gets wrong in
 * reports: decimals ("2.3 cm"), abbreviations ("approx.", "e.g.", "vs.", "Dr."), numbered lists
 * ("1. ...2. ..." with or without spaces; the list numbers are dropped), missing spaces after periods
 * ("effusion.The liver"), bullets and line breaks (a line break ends a sentence unless the line
 * was merely wrapped mid-sentence).
 */
public final class SentenceSplitter {
  private SentenceSplitter() {}

  /** Lower-case abbreviations (without their final period) after which a period does not end a sentence. */
  static final Set<String> ABBREVIATIONS = Set.of(
      "approx", "appr", "e.g", "i.e", "eg", "ie", "vs", "dr", "mr", "mrs", "ms", "prof", "st",
      "fig", "cf", "incl", "max", "min", "ca", "prox", "dist", "ant", "post", "lat", "med", "sup",
      "inf", "resp", "pt", "hx", "sx", "dx", "tx", "sec", "seg", "mt", "et al", "al", "ref", "esp",
      "viz", "abd", "int", "ext");

  /** A list marker: 1-2 digits and a period or parenthesis, not part of a decimal. */
  private static final Pattern LIST_MARKER = Pattern.compile("^\\s*(?:\\(?\\d{1,2}[.)](?!\\d)|[-*•–]\\s)\\s*");

  public static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    String t = text.replace("\r\n", "\n").replace('\r', '\n').replace('\u00a0', ' ');
    // lines first: a line break ends a sentence unless the line is wrapped (lower case both sides)
    List<String> blocks = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : t.split("\n")) {
      String l = line.strip();
      if (l.isEmpty()) {
        flush(blocks, cur);
        continue;
      }
      if (cur.length() > 0 && !wrapped(cur, l)) {
        flush(blocks, cur);
      }
      if (cur.length() > 0) {
        cur.append(' ');
      }
      cur.append(l);
    }
    flush(blocks, cur);
    for (String b : blocks) {
      splitBlock(b.replaceAll("[ \\t]+", " "), out);
    }
    return out;
  }

  private static boolean wrapped(StringBuilder prev, String next) {
    char last = prev.charAt(prev.length() - 1);
    char first = next.charAt(0);
    return Character.isLetterOrDigit(last) || last == ',' ? Character.isLowerCase(first) : false;
  }

  private static void flush(List<String> blocks, StringBuilder cur) {
    if (cur.length() > 0) {
      blocks.add(cur.toString());
      cur.setLength(0);
    }
  }

  private static void splitBlock(String s, List<String> out) {
    int start = 0;
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      int end = -1; // exclusive end of the sentence when a boundary is found
      int next = -1; // where the next sentence starts
      if (c == '?' || c == '!') {
        end = i + 1;
        next = i + 1;
      } else if (c == '.') {
        int j = i + 1;
        while (j < n && s.charAt(j) == '.') {
          j++; // ellipsis
        }
        if (isBoundary(s, i, j)) {
          end = j;
          next = j;
        }
        i = j - 1;
      } else if (Character.isDigit(c) && i > start && listMarkerAt(s, i)) {
        // "...effusion 2. The liver" with the period missing before the list number
        end = i;
        next = i;
      }
      if (end >= 0) {
        add(out, s.substring(start, end));
        start = next;
        i = next;
        continue;
      }
      i++;
    }
    add(out, s.substring(start));
  }

  /** Period(s) at [dot, after): does the sentence end here? */
  private static boolean isBoundary(String s, int dot, int after) {
    int n = s.length();
    if (after >= n) {
      return true;
    }
    char nx = s.charAt(after);
    char prev = dot > 0 ? s.charAt(dot - 1) : ' ';
    if (Character.isDigit(prev) && Character.isDigit(nx)) {
      return false; // decimal 2.3
    }
    String word = wordBefore(s, dot);
    String lw = word.toLowerCase(Locale.ROOT);
    if (Character.isWhitespace(nx)) {
      int k = after;
      while (k < n && Character.isWhitespace(s.charAt(k))) {
        k++;
      }
      if (k >= n) {
        return true;
      }
      char first = s.charAt(k);
      if (ABBREVIATIONS.contains(lw)) {
        // "approx. 3 cm", "e.g. the", "vs. prior", "Dr. Smith"; but a numbered list item starts anew
        return listMarkerAt(s, k);
      }
      if (isInitialism(word)) {
        return Character.isUpperCase(first);
      }
      if (lw.equals("no") && Character.isDigit(first)) {
        return false; // "No. 7"
      }
      return Character.isUpperCase(first) || Character.isDigit(first) || first == '(' || first == '-'
          || first == '"' || first == '\'' || first == '•' || first == '*';
    }
    if (ABBREVIATIONS.contains(lw) || isInitialism(word)) {
      return false;
    }
    if (Character.isUpperCase(nx)) {
      return word.length() >= 2 || Character.isDigit(prev); // "effusion.The", "5 mm.The"
    }
    if (Character.isDigit(nx)) {
      // "clear.2. No effusion" (list) or "normal.5 mm nodule" (a word, then a number)
      return listMarkerAt(s, after) || Character.isLetter(prev) && word.length() >= 2
          && word.chars().allMatch(Character::isLetter);
    }
    if (Character.isLowerCase(nx)) {
      // "effusion.the liver": a real word before and after, not an abbreviation such as "e.g."
      String following = wordAfter(s, after);
      return word.length() >= 3 && following.length() >= 2 && !following.contains(".")
          && word.chars().allMatch(Character::isLetter);
    }
    return false;
  }

  /** Dotted single letters ("a.m", "U.S"): their inner periods never end a sentence. */
  private static boolean isInitialism(String word) {
    return word.matches("([A-Za-z]\\.)+[A-Za-z]");
  }

  private static final Pattern INLINE_MARKER = Pattern.compile("\\d{1,2}[.)](?!\\d)\\s*(?=[A-Z])");

  private static boolean listMarkerAt(String s, int k) {
    Matcher m = INLINE_MARKER.matcher(s);
    m.region(k, s.length());
    if (!m.lookingAt()) {
      return false;
    }
    // a list number follows a sentence end or the start, never a word ("segment 7. The ...")
    int p = k - 1;
    while (p >= 0 && s.charAt(p) == ' ') {
      p--;
    }
    return p < 0 || ".:;!?".indexOf(s.charAt(p)) >= 0;
  }

  private static String wordBefore(String s, int dot) {
    int b = dot;
    while (b > 0 && (Character.isLetterOrDigit(s.charAt(b - 1)) || s.charAt(b - 1) == '.')) {
      b--;
    }
    return s.substring(b, dot);
  }

  private static String wordAfter(String s, int from) {
    int e = from;
    while (e < s.length() && (Character.isLetter(s.charAt(e)) || s.charAt(e) == '.')) {
      e++;
    }
    return s.substring(from, e);
  }

  /** Section headers that carry no content of their own ("FINDINGS:", "Impression:"). */
  private static final Pattern SECTION_HEADER = Pattern.compile(
      "^(?:findings|impressions?|conclusions?|report|results?|summary)\\s*:\\s*", Pattern.CASE_INSENSITIVE);

  private static void add(List<String> out, String raw) {
    String t = SECTION_HEADER.matcher(raw.strip()).replaceFirst("");
    // drop list markers and bullets at the start ("1. ", "2) ", "- ")
    Matcher m = LIST_MARKER.matcher(t);
    while (m.lookingAt() && m.end() > 0) {
      t = t.substring(m.end()).strip();
      m = LIST_MARKER.matcher(t);
    }
    t = SECTION_HEADER.matcher(t).replaceFirst("");
    if (!t.isEmpty() && t.chars().anyMatch(Character::isLetterOrDigit)) {
      out.add(t);
    }
  }
}
