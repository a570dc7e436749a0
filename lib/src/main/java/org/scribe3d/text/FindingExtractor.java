package org.scribe3d.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;

/**
 * Report text → structured findings in the shared {@link FindingType} vocabulary: type (hence region
 * and organ), side, size in mm (the largest dimension of "12 mm", "1.2 cm", "12 x 9 mm"), severity,
 * location (lung lobe, liver segment, kidney part, nodal station) and negation.
 *
 * <p>How: per sentence, trigger words are found by family (nodule, effusion, fluid, lesion, stone,
 * node, wall thickening, enlargement, plus direct terms such as "cardiomegaly" or "ascites"); the
 * organ context nearest to each trigger decides the type ("cyst" near "kidney" is a renal cyst, near
 * "liver" a liver lesion, near "pancreas" nothing). Mentions of one type in a sentence merge unless
 * a new item starts ("... and a 4 mm nodule"). Each mention takes its attributes from its own stretch
 * of the sentence (bounded by the neighbouring mentions), and is negated when {@link Negation} puts
 * any of its words in a negation scope. "Heart size is normal" and similar yield negated
 * cardiomegaly / hepatomegaly / splenomegaly.
 */
public final class FindingExtractor {
  private FindingExtractor() {}

  // ---------------------------------------------------------------- organ contexts

  private enum Ctx {
    LUNG, PLEURA, PERICARDIUM, HEART, MEDIASTINUM, LIVER, SPLEEN, KIDNEY, ABDOMEN, BLADDER, PELVIC,
    NODE, OTHER
  }

  private static final Map<Ctx, Pattern> CONTEXT = new EnumMap<>(Ctx.class);

  static {
    CONTEXT.put(Ctx.LUNG, ci("\\b(lungs?|pulmonary|(?:upper|middle|lower) lobes?|lingula\\w*|subpleural|"
        + "perifissural|intrapulmonary|lung (?:bases?|apex|apices))\\b|\\b(?-i:RUL|RML|RLL|LUL|LLL)\\b"));
    CONTEXT.put(Ctx.PLEURA, ci("\\b(pleura\\w*|hemithora\\w*|costophrenic|thoracic cavit\\w*|hydrothorax)\\b"));
    CONTEXT.put(Ctx.PERICARDIUM, ci("\\b(pericardi\\w*)\\b"));
    CONTEXT.put(Ctx.HEART, ci("\\b(heart|cardiac|cardiothoracic)\\b"));
    CONTEXT.put(Ctx.MEDIASTINUM, ci("\\b(mediastin\\w*|hil(?:a|um|ar|us)|subcarinal|paratracheal|pretracheal|"
        + "prevascular|aortopulmonary|paraesophageal|a-?p window)\\b"));
    CONTEXT.put(Ctx.LIVER, ci("\\b(liver|hepatic|intrahepatic|hepato\\w*|caudate|segments? (?:[1-8][ab]?|"
        + "viii|vii|vi|iv[ab]?|v|iii|ii|i)|s[1-8])\\b"));
    CONTEXT.put(Ctx.SPLEEN, ci("\\b(spleen|splenic)\\b"));
    CONTEXT.put(Ctx.KIDNEY, ci("\\b(kidneys?|renal|nephr\\w*|pelvicalyceal|calyx|calyces|calyceal)\\b"));
    CONTEXT.put(Ctx.ABDOMEN, ci("\\b(abdom\\w*|peritone\\w*|intraperitoneal)\\b"));
    CONTEXT.put(Ctx.BLADDER, ci("(?<!gall )\\b(bladder|vesical)\\b"));
    CONTEXT.put(Ctx.PELVIC, ci("\\b(pelvi[cs]|iliac|obturator|inguinal|presacral)\\b"));
    CONTEXT.put(Ctx.NODE, ci("\\b(lymph nodes?|nodes?|lymphadenopath\\w*|adenopath\\w*)\\b"));
    CONTEXT.put(Ctx.OTHER, ci("\\b(thyroid|adrenals?|pancrea\\w*|breasts?|prostat\\w*|ovar\\w*|uter\\w*|"
        + "osseous|bones?|spine|vertebra\\w*|ribs?|sacrum|gallbladder|gall bladder|biliary|axilla\\w*|"
        + "retroperitone\\w*|para-?aortic|mesenter\\w*|ureter\\w*|skin|subcutaneous|muscles?|joints?|"
        + "skull|brain|neck|soft tissues?|colon|bowel|stomach|gastric|esophag\\w*)\\b"));
  }

  // ---------------------------------------------------------------- triggers

  private enum Family { NODULE, EFFUSION, FLUID, CONSOLIDATION, LESION, CYST, STONE, NODE, THICKENING,
    ENLARGED, DIRECT }

  private record Trigger(Family family, Pattern pattern, FindingType direct) {}

  private static final List<Trigger> TRIGGERS = List.of(
      new Trigger(Family.NODULE, ci("\\b(micro)?nodules?\\b|\\bnodular (?:densit\\w*|opacit\\w*|shadows?|lesions?)"), null),
      new Trigger(Family.EFFUSION, ci("\\beffusions?\\b"), null),
      new Trigger(Family.FLUID, ci("\\bfluid\\b(?![- ](?:density|attenuation|filled|collection))"), null),
      new Trigger(Family.CONSOLIDATION, ci("\\bconsolidat\\w*|\\bairspace (?:disease|opacit\\w*)"), null),
      new Trigger(Family.CYST, ci("\\bcysts?\\b|\\bcystic\\b|\\bfluid[- ]density (?:lesions?|shadows?)"), null),
      new Trigger(Family.LESION, ci("\\b(lesions?|hypodensit\\w*|hypodense|hypoattenuat\\w*|low[- ](?:density|attenuation)|"
          + "hypoenhancing|masse?s?|metastas[ie]s|hemangiomas?)\\b"), null),
      new Trigger(Family.STONE, ci("\\b(calculus|calculi|stones?|nephrolithiasis|urolithiasis|"
          + "(?:high|increased)[- ]density shadows?)\\b"), null),
      new Trigger(Family.NODE, ci("\\b(lymph nodes?|nodes?|lymphadenopath\\w*|adenopath\\w*)\\b"), null),
      new Trigger(Family.THICKENING, ci("\\bthicken\\w*"), null),
      new Trigger(Family.ENLARGED, ci("\\b(enlarge\\w*|increased in size)\\b"), null),
      new Trigger(Family.DIRECT, ci("\\bcardiomegaly\\b|\\bcardiothoracic ratio (?:is )?increased\\b"), FindingType.CARDIOMEGALY),
      new Trigger(Family.DIRECT, ci("\\bhepatomegaly\\b"), FindingType.HEPATOMEGALY),
      new Trigger(Family.DIRECT, ci("\\bsplenomegaly\\b"), FindingType.SPLENOMEGALY),
      new Trigger(Family.DIRECT, ci("\\bhepatosplenomegaly\\b"), null),
      new Trigger(Family.DIRECT, ci("\\bascites\\b"), FindingType.ASCITES),
      new Trigger(Family.DIRECT, ci("\\bhydrothorax\\b"), FindingType.PLEURAL_EFFUSION),
      new Trigger(Family.DIRECT, ci("\\bhemopericardium\\b"), FindingType.PERICARDIAL_EFFUSION));

  /** "Heart size is normal", "normal-sized spleen", "the liver is normal in size": negated organomegaly. */
  private static final List<Pattern> NORMAL_SIZE = List.of(
      ci("\\b(heart|liver|spleen)\\s+size\\s+(?:is\\s+|was\\s+)?(?:normal|within normal limits)"),
      ci("\\bnormal\\s+(heart|liver|spleen)\\s+size"),
      ci("\\b(heart|liver|spleen)\\s+(?:is|was|appears)\\s+(?:of\\s+)?normal\\s+(?:in\\s+)?size"),
      ci("\\bsize(?:\\s+and\\s+shape)?\\s+of\\s+the\\s+(heart|liver|spleen)\\s+(?:is|are)\\s+normal"),
      ci("\\bnormal[- ]sized?\\s+(heart|liver|spleen)"));

  // ---------------------------------------------------------------- attributes

  private static final Pattern SIZE = ci("(?<![\\w.])(\\d+(?:\\.\\d+)?)(?:\\s*(?:x|×|\\*|by)\\s*(\\d+(?:\\.\\d+)?))?"
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
  private static final Pattern QUALIFIER = ci("\\b(enlarged|bulky|pathologic(?:al(?:ly)?)?\\s+enlarged|"
      + "lymphadenopath\\w*|adenopath\\w*)\\b");
  private static final Pattern SEPARATOR = ci(";|\\band (?:a|an|another)\\b|\\banother\\b|,\\s*(?:a|an)\\b|\\bbut\\b");
  private static final Pattern CLAUSE_BREAK = ci(";|,|\\band\\b|\\bbut\\b|\\bwith\\b|\\bwhile\\b");

  private static final Map<String, String> LOBE_ABBR = Map.of("RUL", "right upper lobe", "RML",
      "right middle lobe", "RLL", "right lower lobe", "LUL", "left upper lobe", "LLL", "left lower lobe");
  private static final List<String> ROMAN = List.of("i", "ii", "iii", "iv", "v", "vi", "vii", "viii");

  private static Pattern ci(String re) {
    return Pattern.compile(re, Pattern.CASE_INSENSITIVE);
  }

  /** One occurrence of a finding type in a sentence. */
  private static final class Mention {
    final FindingType type;
    final int anchor;
    final List<int[]> spans = new ArrayList<>();
    boolean forcedNegated;

    Mention(FindingType type, int start, int end) {
      this.type = type;
      this.anchor = start;
      spans.add(new int[] {start, end});
    }
  }

  /** All findings of a report text (sentence by sentence), positive and negated, in text order. */
  public static List<Finding> extract(String text) {
    List<Finding> out = new ArrayList<>();
    for (String s : SentenceSplitter.split(text)) {
      out.addAll(extractSentence(s));
    }
    return out;
  }

  /** The positive (not negated) findings of a report text. */
  public static List<Finding> extractPositive(String text) {
    return extract(text).stream().filter(f -> !f.negated()).toList();
  }

  /** The positive findings of one case's reports, region by region in map order (empty reports give none). */
  public static List<Finding> extractPositive(Map<?, String> reports) {
    List<Finding> out = new ArrayList<>();
    for (String text : reports.values()) {
      if (text != null && !text.isBlank()) {
        out.addAll(extractPositive(text));
      }
    }
    return out;
  }

  /** Findings of one sentence. */
  public static List<Finding> extractSentence(String sentence) {
    List<Mention> raw = mentions(sentence);
    List<Mention> merged = merge(sentence, raw);
    List<Finding> out = new ArrayList<>();
    for (int i = 0; i < merged.size(); i++) {
      Mention m = merged.get(i);
      int lo = i == 0 ? 0 : boundary(sentence, merged.get(i - 1), m);
      int hi = i == merged.size() - 1 ? sentence.length() : boundary(sentence, m, merged.get(i + 1));
      out.add(attributes(sentence, m, lo, hi));
    }
    return out;
  }

  // ---------------------------------------------------------------- mentions

  private record Hit(Ctx ctx, int start, int end) {}

  private static List<Mention> mentions(String s) {
    List<Hit> contexts = new ArrayList<>();
    for (Map.Entry<Ctx, Pattern> e : CONTEXT.entrySet()) {
      Matcher m = e.getValue().matcher(s);
      while (m.find()) {
        contexts.add(new Hit(e.getKey(), m.start(), m.end()));
      }
    }
    List<Mention> out = new ArrayList<>();
    List<int[]> used = new ArrayList<>();
    for (Pattern p : NORMAL_SIZE) {
      Matcher m = p.matcher(s);
      while (m.find()) {
        FindingType t = switch (m.group(1).toLowerCase(Locale.ROOT)) {
          case "heart" -> FindingType.CARDIOMEGALY;
          case "liver" -> FindingType.HEPATOMEGALY;
          default -> FindingType.SPLENOMEGALY;
        };
        Mention mm = new Mention(t, m.start(), m.end());
        mm.forcedNegated = true;
        out.add(mm);
        used.add(new int[] {m.start(), m.end()});
      }
    }
    for (Trigger tr : TRIGGERS) {
      Matcher m = tr.pattern().matcher(s);
      while (m.find()) {
        int a = m.start();
        int b = m.end();
        if (overlaps(used, a, b)) {
          continue;
        }
        for (FindingType t : classify(tr, s, a, b, contexts)) {
          Mention mm = new Mention(t, a, b);
          if (tr.family() == Family.ENLARGED || tr.family() == Family.THICKENING) {
            Hit organ = nearest(contexts, a, b, EnumSetOf(Ctx.HEART, Ctx.LIVER, Ctx.SPLEEN, Ctx.BLADDER));
            if (organ != null) {
              mm.spans.add(new int[] {organ.start(), organ.end()});
            }
          }
          if (tr.family() == Family.NODE) {
            Matcher q = QUALIFIER.matcher(s);
            while (q.find()) {
              mm.spans.add(new int[] {q.start(), q.end()});
            }
          }
          out.add(mm);
        }
        used.add(new int[] {a, b});
      }
    }
    out.sort(Comparator.comparingInt(m -> m.anchor));
    return out;
  }

  private static boolean overlaps(List<int[]> used, int a, int b) {
    for (int[] u : used) {
      if (a < u[1] && u[0] < b) {
        return true;
      }
    }
    return false;
  }

  /** The finding types a trigger stands for, given the organ contexts of the sentence. */
  private static List<FindingType> classify(Trigger tr, String s, int a, int b, List<Hit> contexts) {
    if (tr.family() == Family.DIRECT) {
      return tr.direct() == null ? List.of(FindingType.HEPATOMEGALY, FindingType.SPLENOMEGALY)
          : List.of(tr.direct());
    }
    String word = s.substring(a, b).toLowerCase(Locale.ROOT);
    Hit near;
    switch (tr.family()) {
      case NODULE -> {
        near = nearest(contexts, a, b, EnumSetOf(Ctx.LUNG, Ctx.LIVER, Ctx.KIDNEY, Ctx.SPLEEN, Ctx.OTHER,
            Ctx.BLADDER));
        return near == null || near.ctx() == Ctx.LUNG ? List.of(FindingType.LUNG_NODULE) : List.of();
      }
      case EFFUSION -> {
        near = nearest(contexts, a, b, EnumSetOf(Ctx.PLEURA, Ctx.PERICARDIUM, Ctx.OTHER));
        if (near == null || near.ctx() == Ctx.PLEURA) {
          return List.of(FindingType.PLEURAL_EFFUSION);
        }
        return near.ctx() == Ctx.PERICARDIUM ? List.of(FindingType.PERICARDIAL_EFFUSION) : List.of();
      }
      case FLUID -> {
        near = nearest(contexts, a, b, EnumSetOf(Ctx.PLEURA, Ctx.PERICARDIUM, Ctx.ABDOMEN, Ctx.PELVIC,
            Ctx.KIDNEY, Ctx.LIVER, Ctx.BLADDER, Ctx.OTHER));
        if (near == null) {
          return List.of();
        }
        return switch (near.ctx()) {
          case PLEURA -> List.of(FindingType.PLEURAL_EFFUSION);
          case PERICARDIUM -> List.of(FindingType.PERICARDIAL_EFFUSION);
          case ABDOMEN -> List.of(FindingType.ASCITES);
          default -> List.of();
        };
      }
      case CONSOLIDATION -> {
        return List.of(FindingType.CONSOLIDATION);
      }
      case CYST, LESION -> {
        near = nearest(contexts, a, b, EnumSetOf(Ctx.LIVER, Ctx.KIDNEY, Ctx.SPLEEN, Ctx.LUNG, Ctx.OTHER,
            Ctx.BLADDER, Ctx.PELVIC, Ctx.MEDIASTINUM));
        if (near == null) {
          return List.of();
        }
        if (near.ctx() == Ctx.LIVER) {
          return List.of(FindingType.LIVER_LESION);
        }
        if (near.ctx() == Ctx.KIDNEY && (tr.family() == Family.CYST || word.contains("cyst"))) {
          return List.of(FindingType.RENAL_CYST);
        }
        return List.of();
      }
      case STONE -> {
        if (word.startsWith("nephrolith") || word.startsWith("urolith")) {
          return List.of(FindingType.KIDNEY_STONE);
        }
        near = nearest(contexts, a, b, EnumSetOf(Ctx.KIDNEY, Ctx.BLADDER, Ctx.OTHER, Ctx.LIVER, Ctx.LUNG));
        if (near == null) {
          return List.of();
        }
        return near.ctx() == Ctx.KIDNEY ? List.of(FindingType.KIDNEY_STONE)
            : near.ctx() == Ctx.BLADDER ? List.of(FindingType.BLADDER_STONE) : List.of();
      }
      case NODE -> {
        near = nearest(contexts, a, b, EnumSetOf(Ctx.MEDIASTINUM, Ctx.PELVIC, Ctx.OTHER, Ctx.LUNG,
            Ctx.ABDOMEN));
        if (near == null || !qualifies(s, word)) {
          return List.of();
        }
        return near.ctx() == Ctx.MEDIASTINUM ? List.of(FindingType.MEDIASTINAL_LYMPHADENOPATHY)
            : near.ctx() == Ctx.PELVIC ? List.of(FindingType.PELVIC_LYMPHADENOPATHY) : List.of();
      }
      case THICKENING -> {
        near = nearest(contexts, a, b, EnumSetOf(Ctx.BLADDER, Ctx.OTHER, Ctx.PLEURA, Ctx.LUNG, Ctx.PELVIC,
            Ctx.PERICARDIUM, Ctx.KIDNEY, Ctx.LIVER, Ctx.NODE, Ctx.HEART));
        return near != null && near.ctx() == Ctx.BLADDER ? List.of(FindingType.BLADDER_WALL_THICKENING) : List.of();
      }
      case ENLARGED -> {
        near = nearest(contexts, a, b, EnumSetOf(Ctx.HEART, Ctx.LIVER, Ctx.SPLEEN, Ctx.NODE, Ctx.OTHER,
            Ctx.KIDNEY, Ctx.BLADDER, Ctx.MEDIASTINUM, Ctx.PELVIC, Ctx.LUNG, Ctx.PERICARDIUM));
        if (near == null) {
          return List.of();
        }
        return switch (near.ctx()) {
          case HEART -> List.of(FindingType.CARDIOMEGALY);
          case LIVER -> List.of(FindingType.HEPATOMEGALY);
          case SPLEEN -> List.of(FindingType.SPLENOMEGALY);
          default -> List.of();
        };
      }
      default -> {
        return List.of();
      }
    }
  }

  /** A lymph node mention counts as lymphadenopathy when called so, enlarged, or >= 10 mm. */
  private static boolean qualifies(String s, String word) {
    if (word.startsWith("lymphadenopath") || word.startsWith("adenopath")) {
      return true;
    }
    if (QUALIFIER.matcher(s).find()) {
      return true;
    }
    Matcher m = SIZE.matcher(s);
    while (m.find()) {
      if (sizeMm(m) >= 10) {
        return true;
      }
    }
    return false;
  }

  private static java.util.EnumSet<Ctx> EnumSetOf(Ctx first, Ctx... rest) {
    return java.util.EnumSet.of(first, rest);
  }

  /** The context hit nearest to [a, b) by character gap, among the allowed kinds; hits inside it don't count. */
  private static Hit nearest(List<Hit> contexts, int a, int b, java.util.Set<Ctx> allowed) {
    Hit best = null;
    int bestGap = Integer.MAX_VALUE;
    for (Hit h : contexts) {
      if (!allowed.contains(h.ctx()) || h.start() < b && a < h.end()) {
        continue;
      }
      int gap = h.end() <= a ? a - h.end() : h.start() - b;
      if (gap < bestGap) {
        best = h;
        bestGap = gap;
      }
    }
    return best;
  }

  private static List<Mention> merge(String s, List<Mention> raw) {
    List<Mention> out = new ArrayList<>();
    for (Mention m : raw) {
      Mention same = null;
      for (Mention o : out) {
        if (o.type == m.type && o.forcedNegated == m.forcedNegated) {
          int from = Math.min(o.spans.get(0)[1], m.anchor);
          int to = Math.max(o.spans.get(0)[1], m.anchor);
          if (!SEPARATOR.matcher(s.substring(from, to)).find()) {
            same = o;
          }
        }
      }
      if (same != null) {
        same.spans.addAll(m.spans);
      } else {
        out.add(m);
      }
    }
    out.sort(Comparator.comparingInt(m -> m.anchor));
    return out;
  }

  /** Where the stretch of one mention ends and the next begins: the last clause break between them. */
  private static int boundary(String s, Mention a, Mention b) {
    int from = a.spans.get(0)[1];
    int to = b.anchor;
    if (to <= from) {
      return Math.max(a.anchor, Math.min(from, to));
    }
    Matcher m = CLAUSE_BREAK.matcher(s);
    m.region(from, to);
    int last = -1;
    while (m.find()) {
      last = m.start();
    }
    return last >= 0 ? last : (from + to) / 2;
  }

  // ---------------------------------------------------------------- attributes

  private static Finding attributes(String s, Mention m, int lo, int hi) {
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

  private static double sizeMm(Matcher m) {
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
      case LUNG_NODULE, CONSOLIDATION -> closest(LOBE, w, anchor, FindingExtractor::lobe);
      case LIVER_LESION -> closest(SEGMENT, w, anchor, FindingExtractor::segment);
      case RENAL_CYST, KIDNEY_STONE -> closest(KIDNEY_PART, w, anchor, m -> {
        String p = m.group(1).toLowerCase(Locale.ROOT);
        return p.startsWith("upper") ? "upper pole" : p.startsWith("lower") ? "lower pole" : "interpolar region";
      });
      case MEDIASTINAL_LYMPHADENOPATHY -> closest(MED_STATION, w, anchor, m -> station(m, w, true));
      case PELVIC_LYMPHADENOPATHY -> closest(PELVIC_STATION, w, anchor, m -> station(m, w, false));
      default -> null;
    };
  }

  private static String closest(Pattern p, String w, int anchor, java.util.function.Function<Matcher, String> f) {
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
