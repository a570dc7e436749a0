package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a GREEN judge response with the rules of Stanford-AIMI/GREEN (green_score/green.py
 * parse_error_counts, compute_green; utils.py clean_responses): the section "[Category]:" runs to the
 * first blank line; a section starting with "No" counts zero; matched findings are the number at the
 * start of their section followed by "."; error lines "(a) ...: N." (or "(1) ..." when no lettered
 * line exists) are sorted as strings and the count after ": " of the last line starting with each
 * letter wins. Score = 0 if matched = 0, else matched / (matched + significant errors).
 *
 * <p>Where this differs on purpose: a response without a "[Clinically Significant Errors]" or a
 * "[Matched Findings]" section is reported as unparseable (GREEN's own for_reward check) and is not
 * scored; GREEN's compute_green would silently count its missing sections as 0. That value is kept in
 * {@link Result#referenceScore()}.
 */
public final class GreenParser {
  private GreenParser() {}

  public static final String SIGNIFICANT = "Clinically Significant Errors";
  public static final String INSIGNIFICANT = "Clinically Insignificant Errors";
  public static final String MATCHED = "Matched Findings";
  public static final List<String> SUB_CATEGORIES = List.of(
      "(a) False report of a finding in the candidate",
      "(b) Missing a finding present in the reference",
      "(c) Misidentification of a finding's anatomic location/position",
      "(d) Misassessment of the severity of a finding",
      "(e) Mentioning a comparison that isn't in the reference",
      "(f) Omitting a comparison detailing a change from a prior study");

  // Python str patterns are Unicode-aware; '.' excludes only '\n' (UNIX_LINES)
  private static final int PY = Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES;
  private static final Pattern LETTER_LINE = Pattern.compile("\\([a-f]\\) .*", PY);
  private static final Pattern NUMBER_LINE = Pattern.compile("\\([1-6]\\) .*", PY);
  private static final Pattern COUNT = Pattern.compile("(?<=: )\\b\\d+\\b(?=\\.)", PY);
  private static final Pattern MATCHED_COUNT = Pattern.compile("^\\b\\d+\\b(?=\\.)", PY);

  /**
   * @param significant counts of (a)-(f) clinically significant errors
   * @param insignificant counts of (a)-(f) clinically insignificant errors
   * @param matched number of matched findings
   * @param parseable both the significant-errors and the matched-findings sections were found
   * @param referenceScore what GREEN's compute_green returns for this response
   */
  public record Result(int[] significant, int[] insignificant, int matched, boolean parseable,
      double referenceScore, String cleaned) {

    public int significantTotal() {
      int s = 0;
      for (int c : significant) {
        s += c;
      }
      return s;
    }

    /** The GREEN score, or NaN when the response is unparseable (not scored). */
    public double score() {
      return parseable ? referenceScore : Double.NaN;
    }
  }

  /** Cleans (clean_responses) and parses one judge response. */
  public static Result parse(String response) {
    String r = clean(response);
    Section sig = section(r, SIGNIFICANT);
    Section ins = section(r, INSIGNIFICANT);
    Section mat = section(r, MATCHED);
    int[] sigCounts = errorCounts(sig);
    int[] insCounts = errorCounts(ins);
    int matched = matchedCount(mat);
    double ref;
    if (matched == 0) {
      ref = 0;
    } else {
      int s = 0;
      for (int c : sigCounts) {
        s += c;
      }
      ref = matched / (double) (matched + s);
    }
    return new Result(sigCounts, insCounts, matched, sig.found && mat.found, ref, r);
  }

  /** GREEN's clean_responses, including its quirk of testing only the first template string. */
  static String clean(String response) {
    String r = response;
    if (r.contains("[Explanation]:")) {
      if (r.contains("<|assistant|>")) {
        r = lastPart(r, "<|assistant|>");
      }
      if (r.contains("[Explanation]:\n    <Explanation>\n")) {
        r = r.split(Pattern.quote("[Explanation]:"), -1)[1];
      } else {
        r = lastPart(r, "[Explanation]:");
      }
    }
    if (r.contains("<|assistant|>")) {
      r = lastPart(r, "<|assistant|>");
    }
    return r.replace("</s>", "").replace("<unk>", "");
  }

  private static String lastPart(String s, String sep) {
    return s.substring(s.lastIndexOf(sep) + sep.length());
  }

  private record Section(boolean found, String text) {}

  private static Section section(String text, String category) {
    Pattern p = Pattern.compile("\\[" + Pattern.quote(category) + "\\]:\\s*(.*?)(?:\\n\\s*\\n|\\z)",
        Pattern.DOTALL | Pattern.UNICODE_CHARACTER_CLASS);
    Matcher m = p.matcher(text);
    return m.find() ? new Section(true, m.group(1)) : new Section(false, null);
  }

  private static int matchedCount(Section s) {
    if (!s.found || s.text.startsWith("No")) {
      return 0;
    }
    Matcher m = MATCHED_COUNT.matcher(s.text);
    return m.find() ? Integer.parseInt(m.group()) : 0;
  }

  private static int[] errorCounts(Section s) {
    int[] counts = new int[6];
    if (!s.found || s.text.startsWith("No")) {
      return counts;
    }
    List<String> prefixes = new ArrayList<>();
    List<String> lines = findAll(LETTER_LINE, s.text);
    if (lines.isEmpty()) {
      lines = findAll(NUMBER_LINE, s.text);
      for (int i = 1; i <= 6; i++) {
        prefixes.add("(" + i + ") ");
      }
    } else {
      for (String sub : SUB_CATEGORIES) {
        prefixes.add(sub.split(" ", 2)[0] + " ");
      }
    }
    lines.sort(GreenParser::compareCodePoints);
    for (int pos = 0; pos < prefixes.size(); pos++) {
      for (String line : lines) {
        if (line.startsWith(prefixes.get(pos))) {
          Matcher m = COUNT.matcher(line);
          if (m.find()) {
            counts[pos] = Integer.parseInt(m.group());
          }
        }
      }
    }
    return counts;
  }

  private static List<String> findAll(Pattern p, String s) {
    List<String> out = new ArrayList<>();
    Matcher m = p.matcher(s);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** Python's string order (by code point). */
  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
