package org.scribe3d.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NegEx-style negation detection (Chapman et al. 2001, with the later termination rules): a concept
 * is negated when it lies in the scope of a pre-negation trigger ("no", "without", "negative for",
 * "free of", ...) or before a post-negation trigger ("... was not detected", "... has resolved").
 * Pseudo-negations ("no change", "no significant interval change", "cannot be excluded") are not
 * triggers. A scope ends at a terminator ("but", "however", "except", "apart from", "which",
 * clause-opening "and there/the/a"), at ';' or ':', at a comma that opens a new positive clause
 * ("No effusion, small nodule ..."), or after {@value #PRE_WINDOW} words (pre) /
 * {@value #POST_WINDOW} words (post).
 */
public final class Negation {
  private Negation() {}

  static final int PRE_WINDOW = 12;
  static final int POST_WINDOW = 8;

  private static final List<String> PRE = List.of(
      "no", "not", "without", "absence of", "absent", "no evidence of", "no evidence for",
      "without evidence of", "no signs of", "no sign of", "negative for", "free of", "neither", "nor",
      "none", "never", "resolution of", "interval resolution of", "no findings of", "no suspicion of",
      "rather than", "not demonstrate", "did not show", "does not show", "no longer");

  private static final List<String> POST = List.of(
      "not seen", "not identified", "not present", "not visualized", "not visualised", "not detected",
      "not demonstrated", "not evident", "not appreciated", "not observed", "not noted", "not found",
      "is absent", "are absent", "was absent", "were absent", "excluded", "ruled out", "resolved",
      "has resolved", "have resolved", "no longer seen", "no longer visible", "no longer present",
      "not enlarged", "not dilated", "not thickened", "not increased");

  private static final List<String> PSEUDO = List.of(
      "no change", "no significant change", "no interval change", "no significant interval change",
      "no definite change", "no appreciable change", "no substantial change", "no increase",
      "no significant increase", "no decrease", "no further", "not only", "not necessarily",
      "without change", "without interval change", "without significant change", "not changed",
      "not significantly changed", "gram negative", "cannot be excluded", "can not be excluded",
      "cannot be ruled out", "can not be ruled out", "not be excluded", "not be ruled out",
      "not ruled out", "not excluded", "not entirely excluded", "no longer than");

  private static final List<String> TERMINATORS = List.of(
      "but", "however", "although", "though", "yet", "except", "whereas", "while", "which",
      "apart from", "aside from", "other than", "with the exception of", "nevertheless",
      "and there", "and the", "and a", "and an", "there is", "there are");

  /** Words that open a new positive clause after a comma ("No effusion, small nodule ..."). */
  private static final Set<String> COMMA_OPENERS = Set.of(
      "a", "an", "the", "there", "mild", "mildly", "moderate", "moderately", "small", "large",
      "severe", "severely", "marked", "markedly", "minimal", "trace", "extensive", "massive");

  private static final Pattern TOKEN = Pattern.compile("\\d+(?:\\.\\d+)?|[A-Za-z0-9]+|[,;:()]|\\.(?=\\s+[A-Z])");

  private record Tok(String w, int start, int end) {
    boolean punct() {
      return !Character.isLetterOrDigit(w.charAt(0));
    }
  }

  /** A character span [start, end) of a sentence that is negated. */
  public record Scope(int start, int end, String trigger) {}

  /** True when any word of sentence[start, end) lies in a negation scope. */
  public static boolean isNegated(String sentence, int start, int end) {
    for (Scope s : scopes(sentence)) {
      if (start < s.end() && s.start() < end) {
        return true;
      }
    }
    return false;
  }

  /** The negated spans of a sentence, one per trigger that negates something. */
  public static List<Scope> scopes(String sentence) {
    List<Tok> toks = new ArrayList<>();
    Matcher m = TOKEN.matcher(sentence);
    while (m.find()) {
      // a period before a capital ends a sentence (text passed in whole): treat it like ';'
      String w = m.group().equals(".") ? ";" : m.group().toLowerCase(Locale.ROOT);
      toks.add(new Tok(w, m.start(), m.end()));
    }
    int n = toks.size();
    // label every token: 0 plain, 1 pre-trigger, 2 post-trigger, 3 pseudo, 4 terminator
    int[] kind = new int[n];
    int[] spanEnd = new int[n]; // for trigger starts: index after the trigger
    int i = 0;
    while (i < n) {
      int best = 0;
      int bestKind = 0;
      for (Object[] group : new Object[][] {{PSEUDO, 3}, {POST, 2}, {PRE, 1}, {TERMINATORS, 4}}) {
        @SuppressWarnings("unchecked")
        List<String> phrases = (List<String>) group[0];
        for (String p : phrases) {
          int len = matchAt(toks, i, p);
          if (len > best) {
            best = len;
            bestKind = (Integer) group[1];
          }
        }
      }
      if (best > 0) {
        kind[i] = bestKind;
        spanEnd[i] = i + best;
        for (int k = i + 1; k < i + best; k++) {
          kind[k] = -1; // inside a multi-word trigger
        }
        i += best;
      } else {
        i++;
      }
    }
    List<Scope> out = new ArrayList<>();
    for (i = 0; i < n; i++) {
      if (kind[i] == 1) {
        int words = 0;
        int last = -1;
        for (int k = spanEnd[i]; k < n; k++) {
          if (stops(toks, kind, k)) {
            break;
          }
          if (!toks.get(k).punct()) {
            if (++words > PRE_WINDOW) {
              break;
            }
            last = k;
          }
        }
        if (last >= 0) {
          out.add(new Scope(toks.get(spanEnd[i]).start(), toks.get(last).end(), phrase(toks, i, spanEnd[i])));
        }
      } else if (kind[i] == 2) {
        int words = 0;
        int first = -1;
        for (int k = i - 1; k >= 0; k--) {
          if (kind[k] == 4 || kind[k] == 1 || kind[k] == 2 || isHardStop(toks.get(k).w())
              || toks.get(k).w().equals(",") && k + 1 < n && COMMA_OPENERS.contains(toks.get(k + 1).w())) {
            break;
          }
          if (!toks.get(k).punct()) {
            if (++words > POST_WINDOW) {
              break;
            }
            first = k;
          }
        }
        if (first >= 0) {
          out.add(new Scope(toks.get(first).start(), toks.get(i).start(), phrase(toks, i, spanEnd[i])));
        }
      }
    }
    return out;
  }

  private static boolean stops(List<Tok> toks, int[] kind, int k) {
    if (kind[k] == 4 || kind[k] == 2 || kind[k] == 3) {
      return true;
    }
    String w = toks.get(k).w();
    if (isHardStop(w)) {
      return true;
    }
    return w.equals(",") && k + 1 < toks.size() && (COMMA_OPENERS.contains(toks.get(k + 1).w())
        || Character.isDigit(toks.get(k + 1).w().charAt(0)));
  }

  private static boolean isHardStop(String w) {
    return w.equals(";") || w.equals(":");
  }

  private static int matchAt(List<Tok> toks, int i, String phrase) {
    String[] words = phrase.split(" ");
    if (i + words.length > toks.size()) {
      return 0;
    }
    for (int k = 0; k < words.length; k++) {
      if (!toks.get(i + k).w().equals(words[k])) {
        return 0;
      }
    }
    return words.length;
  }

  private static String phrase(List<Tok> toks, int from, int to) {
    String[] w = new String[to - from];
    for (int k = from; k < to; k++) {
      w[k - from] = toks.get(k).w();
    }
    return String.join(" ", Arrays.asList(w));
  }
}
