package org.scribe3d.text;

import static org.scribe3d.text.FindingMentions.ci;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;
import org.scribe3d.text.FindingMentions.Mention;

/**
 * The attributes of one mention, read from its own stretch of the sentence: size in mm (the largest
 * dimension of "12 mm", "1.2 cm", "12 x 9 mm"), side, severity, location in the shared vocabulary
 * (lung lobe, liver segment, kidney part, nodal station) and negation ({@link Negation} puts any of
 * the mention's words in a negation scope).
 */
final class FindingAttributes {
  private FindingAttributes() {}

  static final Pattern SIZE = ci("(?<![\\w.])(\\d+(?:\\.\\d+)?)(?:\\s*(?:x|×|\\*|by)\\s*(\\d+(?:\\.\\d+)?))?"
      + "(?:\\s*(?:x|×|\\*|by)\\s*(\\d+(?:\\.\\d+)?))?\\s*(mm|cm|millimet(?:er|re)s?|centimet(?:er|re)s?)\\b");
  private static final Pattern SIDE = ci("\\b(right|left|bilateral|bilaterally|both)\\b");
  private static final Pattern LOBE = ci("\\b(right|left) (upper|middle|lower) lobes?\\b|\\b(upper|middle|lower) lobe of the "
      + "(right|left) lung\\b|\\b(?-i:(RUL|RML|RLL|LUL|LLL))\\b|\\b(lingula\\w*)");
  private static final Pattern SEGMENT = ci("\\bsegments?\\s+([1-8]|viii|vii|vi|iv|v|iii|ii|i)[ab]?\\b|\\b(?-i:S([1-8]))\\b"
      + "|\\b(caudate lobe)\\b");
  private static final Pattern KIDNEY_PART = ci("\\b(upper pole|lower pole|interpolar(?: region)?|mid ?pole|midportion)\\b");
  private static final Pattern MED_STATION = ci("\\b(?:(right|left|bilateral)\\s+)?(?:(?:lower|upper)\\s+)?"
      + "(subcarinal|paratracheal|pretracheal|prevascular|aortopulmonary(?: window)?|a-?p window|paraesophageal|"
      + "hilar|hil(?:um|a))\\b");
  private static final Pattern PELVIC_STATION = ci("\\b(?:(right|left|bilateral)\\s+)?"
      + "(external iliac|internal iliac|common iliac|obturator|inguinal)\\b");
  private static final Map<String, String> LOBE_ABBR = Map.of("RUL", "right upper lobe", "RML",
      "right middle lobe", "RLL", "right lower lobe", "LUL", "left upper lobe", "LLL", "left lower lobe");
  private static final List<String> ROMAN = List.of("i", "ii", "iii", "iv", "v", "vi", "vii", "viii");

  /** The finding that mention {@code m} states in the stretch [lo, hi) of sentence {@code s}. */
  static Finding of(String s, Mention m, int lo, int hi) {
    String w = s.substring(lo, hi);
    int anchor = m.anchor - lo;
    FindingType t = m.type;
    boolean negated = m.forcedNegated;
    if (!negated) {
      for (int[] sp : m.spans) {
        if (Negation.isNegated(s, sp[0], sp[1])) {
          negated = true;
          break;
        }
      }
    }
    Double size = null;
    Matcher sm = SIZE.matcher(w);
    while (sm.find()) {
      double v = sizeMm(sm);
      if (size == null || v > size) {
        size = v;
      }
    }
    String location = location(t, w, anchor);
    String side = lateral(t) ? side(w, location) : null;
    return new Finding(t, side, size, severity(t, w), location, negated);
  }

  private static boolean lateral(FindingType t) {
    return switch (t) {
      case CARDIOMEGALY, PERICARDIAL_EFFUSION, HEPATOMEGALY, SPLENOMEGALY, ASCITES,
          BLADDER_WALL_THICKENING, BLADDER_STONE -> false;
      default -> true;
    };
  }

  /** The largest dimension of a size match, in mm. */
  static double sizeMm(Matcher m) {
    double v = Double.parseDouble(m.group(1));
    for (int g = 2; g <= 3; g++) {
      if (m.group(g) != null) {
        v = Math.max(v, Double.parseDouble(m.group(g)));
      }
    }
    return m.group(4).toLowerCase(Locale.ROOT).startsWith("c") ? v * 10 : v;
  }

  private static String side(String w, String location) {
    String fromLoc = sideOf(location);
    if (fromLoc != null) {
      return fromLoc;
    }
    boolean left = false;
    boolean right = false;
    boolean both = false;
    Matcher m = SIDE.matcher(w);
    while (m.find()) {
      switch (m.group(1).toLowerCase(Locale.ROOT)) {
        case "left" -> left = true;
        case "right" -> right = true;
        default -> both = true;
      }
    }
    if (both || left && right) {
      return "bilateral";
    }
    return left ? "left" : right ? "right" : null;
  }

  private static String sideOf(String location) {
    if (location == null) {
      return null;
    }
    for (String s : List.of("right", "left", "bilateral")) {
      if (location.startsWith(s + " ")) {
        return s;
      }
    }
    return null;
  }

  private static String location(FindingType t, String w, int anchor) {
    return switch (t) {
      case LUNG_NODULE, CONSOLIDATION -> closest(LOBE, w, anchor, FindingAttributes::lobe);
      case LIVER_LESION -> closest(SEGMENT, w, anchor, FindingAttributes::segment);
      case RENAL_CYST, KIDNEY_STONE -> closest(KIDNEY_PART, w, anchor, m -> {
        String p = m.group(1).toLowerCase(Locale.ROOT);
        return p.startsWith("upper") ? "upper pole" : p.startsWith("lower") ? "lower pole" : "interpolar region";
      });
      case MEDIASTINAL_LYMPHADENOPATHY -> closest(MED_STATION, w, anchor, m -> station(m, w, true));
      case PELVIC_LYMPHADENOPATHY -> closest(PELVIC_STATION, w, anchor, m -> station(m, w, false));
      default -> null;
    };
  }

  private static String closest(Pattern p, String w, int anchor, Function<Matcher, String> f) {
    Matcher m = p.matcher(w);
    String best = null;
    int bestDist = Integer.MAX_VALUE;
    while (m.find()) {
      int d = Math.abs(m.start() - anchor);
      if (d < bestDist) {
        String v = f.apply(m);
        if (v != null) {
          best = v;
          bestDist = d;
        }
      }
    }
    return best;
  }

  private static String lobe(Matcher m) {
    if (m.group(1) != null) {
      return (m.group(1) + " " + m.group(2) + " lobe").toLowerCase(Locale.ROOT);
    }
    if (m.group(3) != null) {
      return (m.group(4) + " " + m.group(3) + " lobe").toLowerCase(Locale.ROOT);
    }
    if (m.group(5) != null) {
      return LOBE_ABBR.get(m.group(5));
    }
    return "left upper lobe"; // the lingula belongs to the left upper lobe
  }

  private static String segment(Matcher m) {
    if (m.group(3) != null) {
      return "segment 1"; // caudate lobe
    }
    String g = m.group(1) != null ? m.group(1).toLowerCase(Locale.ROOT) : m.group(2);
    int n = Character.isDigit(g.charAt(0)) ? Integer.parseInt(g) : ROMAN.indexOf(g) + 1;
    return n >= 1 && n <= 8 ? "segment " + n : null;
  }

  private static String station(Matcher m, String w, boolean mediastinal) {
    String base = m.group(2).toLowerCase(Locale.ROOT);
    if (mediastinal) {
      if (base.startsWith("aortopulmonary") || base.matches("a-?p window")) {
        base = "aortopulmonary window";
      } else if (base.startsWith("hil")) {
        base = "hilar";
      }
    }
    String side = m.group(1) != null ? m.group(1).toLowerCase(Locale.ROOT) : null;
    boolean sided = !mediastinal || base.equals("hilar") || base.equals("paratracheal");
    if (!sided) {
      return base;
    }
    if (side == null) {
      side = side(w, null);
    }
    return side == null ? base : side + " " + base;
  }

  private static final Pattern SEV_AMOUNT = ci("\\b(small|trace|minimal|mild|moderate|large|massive|gross|severe)\\b");
  private static final Pattern SEV_GRADE = ci("\\b(mild|mildly|moderate|moderately|marked|markedly|severe|severely|"
      + "massive|massively|extensive|patchy|minimal)\\b");

  private static String severity(FindingType t, String w) {
    Pattern p = switch (t) {
      case PLEURAL_EFFUSION, PERICARDIAL_EFFUSION, ASCITES -> SEV_AMOUNT;
      case CARDIOMEGALY, HEPATOMEGALY, SPLENOMEGALY, BLADDER_WALL_THICKENING, CONSOLIDATION,
          MEDIASTINAL_LYMPHADENOPATHY, PELVIC_LYMPHADENOPATHY -> SEV_GRADE;
      default -> null;
    };
    if (p == null) {
      return null;
    }
    Matcher m = p.matcher(w);
    if (!m.find()) {
      return null;
    }
    String v = m.group(1).toLowerCase(Locale.ROOT);
    if (v.startsWith("mild") || v.equals("small") || v.equals("trace") || v.equals("minimal") || v.equals("patchy")) {
      return "mild";
    }
    if (v.startsWith("moderate")) {
      return "moderate";
    }
    return "severe";
  }
}
