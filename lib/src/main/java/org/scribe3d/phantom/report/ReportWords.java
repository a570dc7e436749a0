package org.scribe3d.phantom.report;

import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The words a report uses for finding attributes, as radiologists vary them: sizes ("12 mm", "1.2 cm",
 * "12 x 9 mm"), amounts and grades of severity, lung lobes, liver segments, kidney parts and nodal
 * stations, plus the small English helpers (articles, capitals) the sentences are built with. Every
 * random choice comes from the caller's generator, so a report is fixed by its seed.
 */
final class ReportWords {
  private ReportWords() {}

  /** Size as radiologists write it: "12 mm", "1.2 cm", "12 x 9 mm", "1.2 x 0.9 cm". */
  static String size(double mm, Random r) {
    boolean wholeMm = Math.abs(mm - Math.rint(mm)) <= 0.25;
    boolean cm = wholeMm && r.nextInt(3) == 0;
    int dims = r.nextInt(4) == 0 ? 2 : 1;
    StringBuilder b = new StringBuilder(cm ? cmNum(Math.rint(mm)) : num(mm));
    if (dims == 2 && mm >= 3) {
      double second = Math.max(1, Math.rint(mm * (0.55 + 0.35 * r.nextDouble())));
      if (second >= Math.rint(mm)) {
        second = Math.rint(mm) - 1;
      }
      b.append(" x ").append(cm ? cmNum(second) : num(second));
    }
    return b.append(cm ? " cm" : " mm").toString();
  }

  /** Whole millimetres as centimetres with one decimal below 10 cm ("1.0", "2.3", "21"). */
  static String cmNum(double wholeMm) {
    return wholeMm >= 100 && wholeMm % 10 == 0 ? Long.toString(Math.round(wholeMm / 10))
        : String.format(Locale.ROOT, "%.1f", wholeMm / 10.0);
  }

  /** A number with at most one decimal and no trailing ".0" ("12", "1.2"). */
  static String num(double v) {
    double one = Math.rint(v * 10) / 10.0;
    if (Math.abs(one - Math.rint(one)) < 1e-9) {
      return Long.toString(Math.round(one));
    }
    return String.format(Locale.ROOT, "%.1f", one);
  }

  static String amount(String severity, Random r) {
    if (severity == null) {
      return null;
    }
    return switch (severity) {
      case "mild" -> "small";
      case "moderate" -> "moderate";
      default -> "large";
    };
  }

  static String adverb(String sev) {
    return switch (sev) {
      case "mild" -> "mildly";
      case "moderate" -> "moderately";
      case "marked" -> "markedly";
      case "massive" -> "massively";
      default -> "severely";
    };
  }

  private static final Map<String, String> LOBE_ABBR = Map.of(
      "right upper lobe", "RUL", "right middle lobe", "RML", "right lower lobe", "RLL",
      "left upper lobe", "LUL", "left lower lobe", "LLL");

  /** "the right upper lobe", "the upper lobe of the right lung", "the RUL". */
  static String lobe(String loc, Random r) {
    String abbr = LOBE_ABBR.get(loc);
    if (abbr == null) {
      return "the " + loc;
    }
    String[] w = loc.split(" ");
    return switch (r.nextInt(5)) {
      case 0, 1 -> "the " + loc;
      case 2 -> "the " + w[1] + " lobe of the " + w[0] + " lung";
      case 3 -> "the " + loc + " (" + abbr + ")";
      default -> "the " + abbr;
    };
  }

  private static final String[] ROMAN = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII"};

  /** "segment 7", "segment VII", "hepatic segment 7". */
  static String segment(String loc, Random r) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("segment (\\d)").matcher(loc);
    if (!m.matches()) {
      return "the " + loc;
    }
    int n = Integer.parseInt(m.group(1));
    if (n < 1 || n > 8) {
      return loc;
    }
    return switch (r.nextInt(3)) {
      case 0 -> "segment " + n;
      case 1 -> "segment " + ROMAN[n];
      default -> "hepatic segment " + (r.nextBoolean() ? ROMAN[n] : Integer.toString(n));
    };
  }

  static String stationPlace(String st) {
    if (st.endsWith("iliac")) {
      return "the " + st + " chain";
    }
    if (st.equals("aortopulmonary window")) {
      return "the aortopulmonary window";
    }
    return "the " + st + " region";
  }

  /** "the left kidney", "the upper pole of both kidneys". */
  static String kidney(String side, String part, Random r) {
    if ("bilateral".equals(side)) {
      return part == null ? "both kidneys" : "the " + part + " of both kidneys";
    }
    String k = side == null ? "kidney" : side + " kidney";
    return part == null ? "the " + k : "the " + part + " of the " + k;
  }

  @SafeVarargs
  static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }

  /** "a" or "an" for the text that follows ("an 8 mm", "an 11 mm", "a 12 mm", "an enlarged"). */
  static String art(String following) {
    String s = following.toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      return "a";
    }
    if (s.startsWith("8") || s.matches("^(11|18)(\\D.*)?$")) {
      return "an";
    }
    return "aeiou".indexOf(s.charAt(0)) >= 0 ? "an" : "a";
  }

  static String stripThe(String s) {
    return cap(s.startsWith("the ") ? s.substring(4) : s);
  }

  static String cap(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
