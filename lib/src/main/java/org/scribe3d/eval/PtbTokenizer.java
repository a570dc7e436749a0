package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Penn-Treebank-style tokenisation as the COCO caption toolkit (pycocoevalcap) applies it: Stanford
 * PTBTokenizer 3.4.1 with {@code -preserveLines -lowerCase} and default options, after which the
 * toolkit drops its list of punctuation tokens.
 *
 * <p>This is an independent implementation (Stanford CoreNLP is GPL and is not a dependency). It is a
 * longest-match lexer over token classes that reproduce the behaviour of the 3.4.1 lexer for English
 * prose: words, numbers, fractions, hyphenated compounds, clitics ({@code n't 's 're}), acronyms and
 * abbreviations (kept with their period, plus the extra sentence-final period the original adds),
 * URLs and e-mail addresses, quotes rewritten to {@code `` ''}, brackets to {@code -LRB-} etc., dashes
 * to {@code --}. Like JFlex, the longest match wins (trailing context counts towards the length) and
 * ties go to the earlier rule. It is checked token-for-token against outputs of the real 3.4.1 jar
 * (test resource {@code ptb-3.4.1-vectors.tsv}).
 *
 * <p>Quirks kept on purpose because the reference has them: lower-casing happens after
 * normalisation, so {@code (} becomes {@code -lrb-}, which is NOT in the toolkit's punctuation list
 * (that list holds {@code -LRB-}) and therefore survives as a token; a line's tokenisation may depend
 * on the first word of the next line (abbreviation before a capitalised word), which is why
 * {@link #tokenizeLines} lexes all lines as one stream like the reference does.
 */
public final class PtbTokenizer {
  private PtbTokenizer() {}

  /** The tokens pycocoevalcap's PTBTokenizer wrapper removes after tokenising. */
  public static final Set<String> COCO_PUNCTUATION = Set.of("''", "'", "``", "`", "-LRB-", "-RRB-",
      "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";");

  /** COCO tokenisation of one text: lower-cased PTB tokens without the punctuation list, space-joined. */
  public static String coco(String text) {
    return tokenizeLines(List.of(text)).get(0);
  }

  /**
   * COCO tokenisation of several texts as pycocoevalcap does it: newlines inside a text become
   * spaces, the texts are lexed as one newline-separated stream, and each line's tokens minus the
   * punctuation list are joined with single spaces.
   */
  public static List<String> tokenizeLines(List<String> texts) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < texts.size(); i++) {
      if (i > 0) {
        sb.append('\n');
      }
      // the reference replaces '\n'; other line terminators would shift its line alignment (a bug we
      // do not reproduce), so they become spaces too
      sb.append(texts.get(i).replaceAll("\r\n|[\n\r\u2028\u2029\u000B\u000C\u0085]", " "));
    }
    List<List<String>> lines = lexLines(sb.toString());
    List<String> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      List<String> toks = i < lines.size() ? lines.get(i) : List.of();
      StringBuilder line = new StringBuilder();
      for (String t : toks) {
        String low = t.toLowerCase(Locale.ENGLISH);
        if (COCO_PUNCTUATION.contains(low)) {
          continue;
        }
        if (line.length() > 0) {
          line.append(' ');
        }
        line.append(low);
      }
      out.add(line.toString());
    }
    return out;
  }

  /** Raw PTB tokens of a text (not lower-cased, punctuation kept), all lines together. */
  public static List<String> ptbTokens(String text) {
    List<String> all = new ArrayList<>();
    for (List<String> l : lexLines(text)) {
      all.addAll(l);
    }
    return all;
  }

  /**
   * Lexes a stream; newline characters end lines (as with -preserveLines). java.util.regex recurses
   * once per repetition of a group, so a very long unbroken token needs a deep stack: the lexer runs
   * on its own thread with a large stack.
   */
  static List<List<String>> lexLines(String s) {
    if (s.length() < 256) {
      return lexLinesHere(s); // too short for any token to come near a default stack's limit
    }
    @SuppressWarnings("unchecked")
    List<List<String>>[] result = new List[1];
    Throwable[] failure = new Throwable[1];
    Thread t = new Thread(null, () -> {
      try {
        result[0] = lexLinesHere(s);
      } catch (Throwable e) {
        failure[0] = e;
      }
    }, "ptb-lexer", 512L << 20);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while tokenising", e);
    }
    if (failure[0] instanceof StackOverflowError) {
      throw new IllegalArgumentException("text contains an unbroken run of characters too long to tokenise");
    }
    if (failure[0] instanceof RuntimeException re) {
      throw re;
    }
    if (failure[0] instanceof Error err) {
      throw err;
    }
    return result[0];
  }

  private static List<List<String>> lexLinesHere(String s) {
    List<List<String>> lines = new ArrayList<>();
    List<String> cur = new ArrayList<>();
    int pos = 0;
    int n = s.length();
    // one matcher per pattern for the whole stream; only the region moves
    Matcher[][] matchers = new Matcher[RULES.size()][];
    for (int r = 0; r < RULES.size(); r++) {
      Pattern[] alts = RULES.get(r).alts;
      matchers[r] = new Matcher[alts.length];
      for (int a = 0; a < alts.length; a++) {
        matchers[r][a] = alts[a].matcher(s);
        matchers[r][a].useTransparentBounds(true);
      }
    }
    while (pos < n) {
      int bestTotal = 0;
      int bestRule = -1;
      int bestMain = 0;
      for (int r = 0; r < RULES.size(); r++) {
        Rule rule = RULES.get(r);
        for (int a = 0; a < rule.alts.length; a++) {
          Matcher m = matchers[r][a];
          m.region(pos, n);
          if (m.lookingAt()) {
            int main = m.end(1) - pos;
            int total = main + (m.groupCount() >= 2 && m.group(2) != null ? m.group(2).length() : 0);
            if (main > 0 && total > bestTotal) {
              bestTotal = total;
              bestRule = r;
              bestMain = main;
            }
          }
        }
      }
      if (bestRule < 0) {
        pos++; // cannot happen: the catch-all rule matches any character
        continue;
      }
      String text = s.substring(pos, pos + bestMain);
      Emit e = RULES.get(bestRule).action.apply(text, s, pos + bestMain);
      if (e.newline) {
        lines.add(cur);
        cur = new ArrayList<>();
      } else if (e.token != null) {
        cur.add(e.token);
      }
      pos += e.consumed;
    }
    lines.add(cur);
    return lines;
  }

  // ---------------------------------------------------------------------------------------------
  // token classes

  private record Emit(String token, int consumed, boolean newline) {
    static Emit tok(String t, int consumed) {
      return new Emit(t, consumed, false);
    }

    static Emit skip(int consumed) {
      return new Emit(null, consumed, false);
    }
  }

  @FunctionalInterface
  private interface Action {
    /** text = matched main part (without trailing context); end = its end index in the stream. */
    Emit apply(String text, String stream, int end);
  }

  private record Rule(Pattern[] alts, Action action) {}

  private static final List<Rule> RULES = new ArrayList<>();

  private static void rule(String context, Action action, String... alternatives) {
    Pattern[] ps = new Pattern[alternatives.length];
    for (int i = 0; i < alternatives.length; i++) {
      String re = "(" + alternatives[i] + ")" + (context == null ? "" : "(?=(" + context + "))");
      ps[i] = Pattern.compile(re);
    }
    RULES.add(new Rule(ps, action));
  }

  private static Emit same(String t, String s, int end) {
    return Emit.tok(t, t.length());
  }

  /** Case-insensitive literal alternatives (the lexer is caseless except inside character classes). */
  private static String ci(String alternatives) {
    return "(?i:" + alternatives + ")";
  }

  /** Words whose first letter must be upper case and whose rest is caseless. */
  private static String capWords(String... words) {
    StringBuilder sb = new StringBuilder("(?:");
    for (int i = 0; i < words.length; i++) {
      if (i > 0) {
        sb.append('|');
      }
      String w = words[i];
      sb.append(Pattern.quote(w.substring(0, 1)));
      if (w.length() > 1) {
        sb.append("(?i:").append(w.substring(1).replace(".", "\\.")).append(')');
      }
    }
    return sb.append(')').toString();
  }

  private static final String SPACE = "[ \\t\\u00A0\\u2000-\\u200A\\u3000]";
  private static final String NEWLINE = "(?:\\r\\n|\\r|\\n|\\u2028|\\u2029|\\u000B|\\u000C|\\u0085)";
  private static final String SPACENL = "(?:" + SPACE + "|" + NEWLINE + ")";
  private static final String SGML = "<(?:[!?][A-Za-z-][^>\\r\\n]*"
      + "|[A-Za-z][A-Za-z0-9_:.-]*(?:[ ]+(?:[A-Za-z][A-Za-z0-9_:.-]*[ ]*=[ ]*(?:'[^']*'|\"[^\"]*\")"
      + "|[A-Za-z][A-Za-z0-9_:.-]*))*[ ]*/?|/[A-Za-z][A-Za-z0-9_:.-]*)[ ]*>";
  private static final String SENTEND = SPACENL + "(?:" + SPACENL + "|\\p{javaUpperCase}|" + SGML + ")";
  private static final String DIGIT = "[\\p{javaDigit}\\u07C0-\\u07C9]";
  private static final String LETTER_CLASS = "[\\p{javaLetter}\\u00AD\\u0237-\\u024F\\u02C2-\\u02C5"
      + "\\u02D2-\\u02DF\\u02E5-\\u02FF\\u0300-\\u036F\\u0370-\\u037D\\u0384\\u0385\\u03CF\\u03F6"
      + "\\u03FC-\\u03FF\\u0483-\\u0487\\u04CF\\u04F6-\\u04FF\\u0510-\\u0525\\u055A-\\u055F"
      + "\\u0591-\\u05BD\\u05BF\\u05C1\\u05C2\\u05C4\\u05C5\\u05C7\\u0615-\\u061A\\u063B-\\u063F"
      + "\\u064B-\\u065E\\u0670\\u06D6-\\u06EF\\u06FA-\\u06FF\\u070F\\u0711\\u0730-\\u074F"
      + "\\u0750-\\u077F\\u07A6-\\u07B1\\u07CA-\\u07F5\\u07FA\\u0900-\\u0903\\u093C\\u093E-\\u094E"
      + "\\u0951-\\u0955\\u0962-\\u0963\\u0981-\\u0983\\u09BC-\\u09C4\\u09C7\\u09C8\\u09CB-\\u09CD"
      + "\\u09D7\\u09E2\\u09E3\\u0A01-\\u0A03\\u0A3C\\u0A3E-\\u0A4F\\u0A81-\\u0A83\\u0ABC-\\u0ACF"
      + "\\u0B82\\u0BBE-\\u0BC2\\u0BC6-\\u0BC8\\u0BCA-\\u0BCD\\u0C01-\\u0C03\\u0C3E-\\u0C56"
      + "\\u0D3E-\\u0D44\\u0D46-\\u0D48\\u0E30-\\u0E3A\\u0E47-\\u0E4E\\u0EB1-\\u0EBC\\u0EC8-\\u0ECD]";
  private static final String LETTER = "(?:" + LETTER_CLASS + "|&[aeiouAEIOU]" + ci("acute|grave|uml") + ";)";
  private static final String LD = "(?:" + LETTER + "|" + DIGIT + ")";
  private static final String WORD = LETTER + LD + "*(?:[.!?]" + LETTER + LD + "*)*";
  private static final String PLAIN_LD = "[\\p{javaLetter}\\p{javaDigit}]";
  private static final String APOS = "(?:['\\u0092\\u2019]|" + ci("&apos;") + ")";
  private static final String APOSETC = "(?:" + APOS + "|[`\\u0091\\u2018\\u201B])";
  private static final String HYPHEN = "[-_\\u058A\\u2010\\u2011]";
  private static final String THING_PART = "(?:[dDoOlL]" + APOSETC + PLAIN_LD + ")?" + PLAIN_LD + "+";
  private static final String THING = THING_PART + "(?:" + HYPHEN + THING_PART + ")*";
  private static final String THINGA = "[A-Z]+(?:(?:[+&]|" + ci("&amp;") + ")[A-Z]+)+";
  private static final String THING3 = "[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}(?:\\\\?/[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}){1,2}";
  private static final String ACRO_SPECIAL = ci("(?:canada|sino|korean|eu|japan|non)-u\\.s|u\\.s\\.-(?:u\\.k|u\\.s\\.s\\.r)");
  private static final String ACRO = "(?:" + ACRO_SPECIAL + "|[A-Za-z](?:\\.[A-Za-z])*)";
  private static final String ACRO2 = "(?:" + ACRO_SPECIAL + "|[A-Za-z](?:\\.[A-Za-z])+)";
  private static final String HTHING = "[A-Za-z0-9][A-Za-z0-9.,\\u00AD]*(?:-(?:" + ACRO2 + "\\.|[A-Za-z0-9\\u00AD]+))+";
  private static final String REDAUX = APOS + "(?:[msdMSD]|" + ci("re|ve|ll") + ")";
  private static final String SWORD = "[A-Za-z\\u00AD]*[A-MO-Za-mo-z]\\u00AD*";
  private static final String SREDAUX = ci("n") + APOSETC + ci("t");
  private static final String NUM1 = DIGIT + "+";
  private static final String NUM2 = DIGIT + "*(?:[.:,\\u00AD\\u066B\\u066C]" + DIGIT + "+)+";
  private static final String FRAC = "(?:" + DIGIT + "{1,4}[- \\u00A0])?" + DIGIT + "{1,4}(?:\\\\?/|\\u2044)" + DIGIT + "{1,4}";
  private static final String DATE = DIGIT + "{1,2}[-/]" + DIGIT + "{1,2}[-/]" + DIGIT + "{2,4}";
  private static final String INSENTP = "[,;:\\u3001]";

  private static final String ABMONTH = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";
  private static final String ABDAYS = "Mon|Tues|Tue|Wed|Thurs|Thu|Fri";
  private static final String ABSTATE_CI = "Ala|Ariz|Calif|Colo|Conn|Ct|Dak|Fla|Ga|Ind|Kans|Kan|Ky|Md|Mich|Minn|Mo|Mont"
      + "|Neb|Nev|Okla|Penn|Tenn|Va|Vt|Wisc|Wis|Wyo";
  private static final String ABSTATE_CAP = capWords("Az", "Ark", "Del", "Ill", "La", "Mass", "Miss", "Ore", "Pa", "Tex", "Wash");
  private static final String ABCOMP = "Inc|Cos|Co|Corp|Ppt[ye]s|Ppt[ye]|Pt[ye]s|Pt[ye]|Ltd|Plc|Rt|Bancorp|Bhd|Assn|Univ|Intl|Sys";
  private static final String ABNUM = "tel|est|ext|sq";
  private static final String ABPTIT = "Jr|Sr|Bros|(?:Ed|Ph)\\.D|Blvd|Rd|Esq";
  private static final String ABBREV1 = "(?:" + ci(ABMONTH + "|" + ABDAYS + "|" + ABSTATE_CI + "|" + ABCOMP + "|"
      + ABNUM + "|" + ABPTIT + "|etc|al|seq|Bldg") + "|" + ABSTATE_CAP + ")\\.";
  private static final String ABTITLE_CI = "Mrs|Mr|Ms|Drs|Dr|Profs|Prof|Sens|Sen|Reps|Rep|Attys|Atty|Lt|Col|Gen|Messrs"
      + "|Govs|Gov|Adm|Rev|Maj|Sgt|Cpl|Pvt|Capt|Ste|St|Ave|Pres|Lieut|Hon|Brig|Comdr|Cmdr|Pfc|Spc|Supts|Supt"
      + "|Det|Mt|Ft|Adj|Adv|Asst|Assoc|Ens|Insp|Mlle|Mme|Msgr|Sfc";
  private static final String ABBREV4 = "(?:" + ci(ABTITLE_CI + "|vs|Alex|Wm|Jos|Cie|a\\.k\\.a|cf|TREAS|Ph|Invt|Elec|Natl|M[ft]g|Dept")
      + "|" + capWords("Miss") + "|" + ACRO + ")";
  private static final String ABBREV2 = ABBREV4 + "\\.";
  private static final String ACRONYM = ACRO + "\\.";
  private static final String ABBREV3 = ci("ca|figs|fig|prop|nos|no|art|bldg|pp|op") + "\\.";
  private static final String ACRONYM_NEXT = "(?:" + capWords("About", "According", "Additionally", "After", "An", "A", "As",
      "At", "But", "Earlier", "He", "Her", "Here", "However", "If", "In", "It", "Last", "Many", "More", "Mr.", "Ms.",
      "Now", "Once", "One", "Other", "Our", "She", "Since", "So", "Some", "Such", "That", "The", "Their", "Then",
      "There", "These", "They", "This", "We", "When", "While", "What", "Yet", "You") + "|" + SGML + ")";
  private static final String FILENAME_EXT = "bat|bmp|c|class|cgi|cpp|dll|doc|docx|exe|gif|gz|h|htm|html|jar|java|jpeg"
      + "|jpg|mov|mp3|pdf|php|pl|png|ppt|ps|py|sql|tar|txt|wav|x|xml|zip";
  private static final String FILENAME = LD + "+(?:[.]" + LD + "+)*(?:[.]" + ci(FILENAME_EXT) + ")";
  private static final String FULLURL = ci("https?://") + "[^ \\t\\n\\f\\r\"<>|(){}]+[^ \\t\\n\\f\\r\"<>|.!?(){},-]";
  private static final String LIKELYURL = "(?:(?:" + ci("www") + "\\.(?:[^ \\t\\n\\f\\r\"<>|.!?(){},]+\\.)+[a-zA-Z]{2,4})"
      + "|(?:(?:[^ \\t\\n\\f\\r\"`'<>|.!?(){},-_$]+\\.)+" + ci("com|net|org|edu") + "))"
      + "(?:/[^ \\t\\n\\f\\r\"<>|()]+[^ \\t\\n\\f\\r\"<>|.!?(){},-])?";
  private static final String EMAIL = "(?:" + ci("&lt;") + "|<)?[a-zA-Z0-9][^ \\t\\n\\f\\r\"<>|()\\u00A0{}]*@"
      + "(?:[^ \\t\\n\\f\\r\"<>|(){}.\\u00A0]+\\.)*(?:[^ \\t\\n\\f\\r\"<>|(){}.\\u00A0]+)(?:" + ci("&gt;") + "|>)?";
  private static final String PHONE1 = "(?:\\([0-9]{2,3}\\)[ \\u00A0]?|(?:\\+\\+?)?(?:[0-9]{2,4}[- \\u00A0])?[0-9]{2,4}[- \\u00A0])"
      + "[0-9]{3,4}[- \\u00A0]?[0-9]{3,5}";
  private static final String PHONE2 = "(?:(?:\\+\\+?)?[0-9]{2,4}\\.)?[0-9]{2,4}\\.[0-9]{3,4}\\.[0-9]{3,5}";
  private static final String QUOTE_CLASS = "[`\\u2018\\u2019\\u201A\\u201B\\u201C\\u201D\\u0091\\u0092\\u0093\\u0094\\u201E\\u201F\\u2039\\u203A\\u00AB\\u00BB]";
  private static final String MISCSYMBOL = "[+%&~^|\\\\\\u00A6\\u00A7\\u00A8\\u00A9\\u00AC\\u00AE\\u00AF\\u00B0-\\u00B3"
      + "\\u00B4-\\u00BA\\u00D7\\u00F7\\u0387\\u05BE\\u05C0\\u05C3\\u05C6\\u05F3\\u05F4\\u0600-\\u0603\\u0606-\\u060A"
      + "\\u060C\\u0614\\u061B\\u061E\\u066A\\u066D\\u0703-\\u070D\\u07F6\\u07F7\\u07F8\\u0964\\u0965\\u0E4F\\u1FBD"
      + "\\u2016\\u2017\\u2020-\\u2023\\u2030-\\u2038\\u203B\\u203E-\\u2042\\u2044\\u207A-\\u207F\\u208A-\\u208E"
      + "\\u2100-\\u214F\\u2190-\\u21FF\\u2200-\\u2BFF\\u3012\\u30FB\\uFF01-\\uFF0F\\uFF1A-\\uFF20\\uFF3B-\\uFF40"
      + "\\uFF5B-\\uFF65]";

  private static final Pattern SINGLE_QUOTE = Pattern.compile("(?i:&apos;)|'");
  private static final Pattern DOUBLE_QUOTE = Pattern.compile("\"|(?i:&quot;)");

  private static String latexQuotes(String in, boolean probablyLeft) {
    String s = in;
    if (probablyLeft) {
      s = SINGLE_QUOTE.matcher(s).replaceAll("`");
      s = DOUBLE_QUOTE.matcher(s).replaceAll("``");
    } else {
      s = SINGLE_QUOTE.matcher(s).replaceAll("'");
      s = DOUBLE_QUOTE.matcher(s).replaceAll("''");
    }
    s = s.replaceAll("[\\u0091\\u2018\\u201B\\u2039]", "`");
    s = s.replaceAll("[\\u0092\\u2019\\u203A]", "'");
    s = s.replaceAll("[\\u0093\\u201C\\u00AB]", "``");
    s = s.replaceAll("[\\u0094\\u201D\\u00BB]", "''");
    return s;
  }

  private static String normAmp(String s) {
    return s.replaceAll("(?i:&amp;)", "&");
  }

  private static String noSoftHyphen(String s) {
    if (s.indexOf('\u00AD') < 0) {
      return s;
    }
    String r = s.replace("\u00AD", "");
    return r.isEmpty() ? "-" : r;
  }

  /** Abbreviation that may end a sentence: the token keeps its period and the period is lexed again. */
  private static Emit reduplicatePeriod(String t, String s, int end) {
    return Emit.tok(t, t.length() - 1);
  }

  static {
    // assimilations are split: "cannot" -> "can" "not", "gonna" -> "gon" "na"
    rule(null, (t, s, e) -> Emit.tok(t, t.length()), ci("c\\+\\+"), ci("[cf]#"));
    rule(null, (t, s, e) -> Emit.tok(t.substring(0, 3), 3), ci("cannot"));
    rule(null, (t, s, e) -> Emit.tok(t.substring(0, 2), 2), ci("'twas"));
    rule(null, (t, s, e) -> Emit.tok(t.substring(0, 2), 2), ci("'tis"));
    rule(null, (t, s, e) -> Emit.tok(t.substring(0, 3), 3), ci("gonna|gotta|lemme|gimme|wanna"));
    rule(null, (t, s, e) -> Emit.tok(t.replace(' ', '\u00A0'), t.length()), SGML);
    rule(null, (t, s, e) -> Emit.tok("--", t.length()), ci("&(?:md|mdash|ndash);"), "[\\u0096\\u0097\\u2013\\u2014\\u2015]");
    rule(null, (t, s, e) -> Emit.tok(normAmp(t), t.length()), ci("&amp;"));
    rule(null, PtbTokenizer::same, ci("&(?:ht|tl|ur|lr|qc|ql|qr|odq|cdq|#[0-9]+);"));
    rule(REDAUX, (t, s, e) -> Emit.tok(noSoftHyphen(t), t.length()), WORD);
    rule(SREDAUX, (t, s, e) -> Emit.tok(noSoftHyphen(t), t.length()), SWORD);
    rule(null, (t, s, e) -> Emit.tok(noSoftHyphen(t), t.length()), WORD);
    rule(null, PtbTokenizer::same,
        APOS + ci("n") + APOS + "?", "[lLdDjJ]" + APOS, ci("dunkin") + APOS, ci("somethin") + APOS, ci("ol") + APOS,
        APOS + ci("em"), "[A-HJ-XZn]" + APOSETC + "\\p{javaLetter}{2}\\p{javaLetter}*", APOS + "[2-9]0" + ci("s"),
        APOS + ci("till?"), "\\p{javaLetter}\\p{javaLetter}*[aeiouyAEIOUY]" + APOSETC + "[aeiouA-Z]\\p{javaLetter}*",
        APOS + ci("cause"), ci("cont'd\\.?"), ci("'twas"), ci("nor'easter"), ci("c'mon"), ci("e'er"), ci("s'mores"),
        ci("ev'ry"), ci("li'l"), ci("nat'l"), ci("o") + APOSETC + ci("o"));
    rule("\\p{javaLetter}", PtbTokenizer::same, ci("y") + APOS);
    rule(null, PtbTokenizer::same, FULLURL);
    rule(null, PtbTokenizer::same, LIKELYURL);
    rule(null, PtbTokenizer::same, EMAIL);
    rule(null, PtbTokenizer::same, "@[a-zA-Z_][a-zA-Z_0-9]*", "#" + LETTER + "+");
    rule("[^A-Za-z]", (t, s, e) -> Emit.tok(latexQuotes(t, false), t.length()), REDAUX);
    rule("[^A-Za-z]", (t, s, e) -> Emit.tok(latexQuotes(t, false), t.length()), SREDAUX);
    rule(null, PtbTokenizer::same, DATE);
    rule(null, (t, s, e) -> Emit.tok(noSoftHyphen(t), t.length()), "[-+]?" + NUM1, "[-+]?" + NUM2);
    rule(null, PtbTokenizer::same, "[\\u207A\\u207B\\u208A\\u208B]?(?:[\\u2070\\u00B9\\u00B2\\u00B3\\u2074-\\u2079]+|[\\u2080-\\u2089]+)");
    rule(null, (t, s, e) -> Emit.tok(t.replace(' ', '\u00A0'), t.length()), FRAC);
    rule(null, (t, s, e) -> Emit.tok(t.replace("\u00BC", "1/4").replace("\u00BD", "1/2").replace("\u00BE", "3/4")
        .replace("\u2153", "1/3").replace("\u2154", "2/3"), t.length()), "[\\u00BC\\u00BD\\u00BE\\u2153-\\u215E]");
    rule(null, (t, s, e) -> Emit.tok(normAmp(t), t.length()),
        ci("-(?:rrb|lrb|rcb|lcb|rsb|lsb)-|c\\.d\\.s|pro-|anti-|s(?:&|&amp;)p-500|s(?:&|&amp;)ls") ,
        ci("cap") + APOS + ci("n"), ci("c") + APOS + ci("est"));
    rule(null, PtbTokenizer::same, THING3);
    rule(null, PtbTokenizer::same, "[A-Z]*\\$", "#");
    rule(null, (t, s, e) -> Emit.tok(t.replace("\u00A2", "cents").replace("\u00A3", "#")
        .replaceAll("[\\u0080\\u00A4\\u20A0\\u20AC]", "\\$"), t.length()),
        "[\\u00A2\\u00A3\\u00A4\\u00A5\\u0080\\u20A0\\u20AC\\u060B\\u0E3F\\u20A4\\uFFE0\\uFFE1\\uFFE5\\uFFE6]");
    // an acronym before a typical sentence-initial word ends the sentence: "I." -> "I" "."; "U.S." -> "U.S." "."
    rule(SPACENL + "+" + ACRONYM_NEXT + SPACENL, (t, s, e) -> t.length() == 2
        ? Emit.tok(t.substring(0, 1), 1) : Emit.tok(t, t.length() - 1), ACRONYM);
    rule(SPACENL + "?\\p{javaDigit}", PtbTokenizer::same, ABBREV3);
    rule(SPACE + ci("ltd|lim"), PtbTokenizer::same, ci("pt[ey]|co") + "\\.");
    rule(SENTEND, PtbTokenizer::reduplicatePeriod, ABBREV1);
    rule("(?s:..)", PtbTokenizer::same, ABBREV1);
    rule(null, PtbTokenizer::reduplicatePeriod, ABBREV1);
    rule(null, PtbTokenizer::same, ABBREV2);
    rule(SPACE, PtbTokenizer::same, ABBREV4);
    rule(SPACENL, PtbTokenizer::same, ACRO);
    rule(SPACENL, PtbTokenizer::same, APOS + "[0-9][0-9]");
    rule("(?:" + SPACENL + "|[.?!,])", PtbTokenizer::same, FILENAME);
    rule(INSENTP, (t, s, e) -> Emit.tok(noSoftHyphen(t), t.length()), WORD + "\\.");
    rule(null, (t, s, e) -> Emit.tok(t.replace(' ', '\u00A0').replace("(", "-LRB-").replace(")", "-RRB-"), t.length()),
        PHONE1, PHONE2);
    rule("[A-Za-z0-9$]", (t, s, e) -> Emit.tok(latexQuotes(t, true), t.length()), "\"", ci("&quot;"));
    rule(null, (t, s, e) -> Emit.tok(latexQuotes(t, false), t.length()), "\"", ci("&quot;"));
    rule(null, (t, s, e) -> Emit.skip(t.length()), "\\u007f");
    rule(null, (t, s, e) -> Emit.tok("<", t.length()), "<", ci("&lt;"));
    rule(null, (t, s, e) -> Emit.tok(">", t.length()), ">", ci("&gt;"));
    rule("[^A-Za-z0-9]", (t, s, e) -> Emit.tok(t.replace("(", "-LRB-").replace(")", "-RRB-"), t.length()),
        "[<>]?[:;=][-o*']?[()DPdpO\\\\{@|\\[\\]]");
    rule(null, (t, s, e) -> Emit.tok(t.replace("(", "-LRB-").replace(")", "-RRB-"), t.length()),
        "[\\^x=~<>]\\.\\[\\^x=~<>]", "[-\\^x=~<>']_[-\\^x=~<>']", "\\([-\\^x=~<>'][_.]?[-\\^x=~<>']\\)",
        "\\([\\^x=~<>']-[\\^x=~<>'`]\\)");
    rule(null, (t, s, e) -> Emit.tok("-LCB-", 1), "\\{");
    rule(null, (t, s, e) -> Emit.tok("-RCB-", 1), "\\}");
    rule(null, (t, s, e) -> Emit.tok("-LSB-", 1), "\\[");
    rule(null, (t, s, e) -> Emit.tok("-RSB-", 1), "\\]");
    rule(null, (t, s, e) -> Emit.tok("-LRB-", 1), "\\(");
    rule(null, (t, s, e) -> Emit.tok("-RRB-", 1), "\\)");
    rule(null, (t, s, e) -> Emit.tok(t.length() >= 3 && t.length() <= 4 ? "--" : t, t.length()), "-+");
    rule(null, (t, s, e) -> Emit.tok("...", t.length()), "\\.{3,5}", "(?:\\.[ \\u00A0]){2,4}\\.", "[\\u0085\\u2026]");
    rule(null, PtbTokenizer::same, "@+", "#+", "_+");
    rule(null, PtbTokenizer::same, "\\*+", "(?:\\\\\\*){1,3}");
    rule(null, PtbTokenizer::same, INSENTP);
    rule(null, PtbTokenizer::same, "[?!]+");
    rule(null, PtbTokenizer::same, "[.\\u00A1\\u00BF\\u037E\\u0589\\u061F\\u06D4\\u0700-\\u0702\\u07FA\\u3002]");
    rule(null, PtbTokenizer::same, "=");
    rule(null, PtbTokenizer::same, "/");
    rule(INSENTP, (t, s, e) -> Emit.tok(noSoftHyphen(t), t.length()), HTHING + "\\.");
    rule(null, (t, s, e) -> Emit.tok(noSoftHyphen(t), t.length()), HTHING);
    rule(INSENTP, PtbTokenizer::same, THING + "\\.");
    rule(null, PtbTokenizer::same, THING);
    rule(INSENTP, (t, s, e) -> Emit.tok(normAmp(t), t.length()), THINGA + "\\.");
    rule(null, (t, s, e) -> Emit.tok(normAmp(t), t.length()), THINGA);
    rule("[A-Za-z][^ \\t\\n\\r\\u00A0]", (t, s, e) -> Emit.tok(latexQuotes(t, true), t.length()), "'");
    rule(null, (t, s, e) -> Emit.tok(latexQuotes(t, false), t.length()), REDAUX);
    rule(null, (t, s, e) -> Emit.tok(latexQuotes(t, false), t.length()), SREDAUX);
    rule(null, (t, s, e) -> Emit.tok(latexQuotes(t, false), t.length()), APOS, "''", QUOTE_CLASS + "{1,2}");
    rule(null, PtbTokenizer::same, "<<", ">>");
    rule(null, PtbTokenizer::same, MISCSYMBOL);
    rule(null, (t, s, e) -> Emit.skip(t.length()), "\\u0000", SPACE + "+", "[\\u200B\\u200E\\u200F\\uFEFF]");
    rule(null, (t, s, e) -> new Emit(null, t.length(), true), NEWLINE);
    rule(null, (t, s, e) -> Emit.skip(t.length()), ci("&nbsp;"));
    // anything else is untokenizable and deleted (the reference's default "firstDelete")
    rule(null, (t, s, e) -> Emit.skip(t.length()), "(?s:.)");
  }
}
