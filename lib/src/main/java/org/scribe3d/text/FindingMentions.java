package org.scribe3d.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scribe3d.data.FindingType;

/**
 * Where a sentence mentions a finding type: trigger words by family (nodule, effusion, fluid, lesion,
 * stone, node, wall thickening, enlargement, plus direct terms such as "cardiomegaly" or "ascites"),
 * each typed by the organ context nearest to it ("cyst" near "kidney" is a renal cyst, near "liver" a
 * liver lesion, near "pancreas" nothing), and the "heart size is normal" phrasings that state an
 * organ is not enlarged. The vocabulary lives here so that {@link FindingExtractor} reads as the
 * algorithm.
 */
final class FindingMentions {
  private FindingMentions() {}

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


  private static final Pattern QUALIFIER = ci("\\b(enlarged|bulky|pathologic(?:al(?:ly)?)?\\s+enlarged|"
      + "lymphadenopath\\w*|adenopath\\w*)\\b");

  static Pattern ci(String re) {
    return Pattern.compile(re, Pattern.CASE_INSENSITIVE);
  }

  /** One occurrence of a finding type in a sentence: where it starts and the spans negation is tested on. */
  static final class Mention {
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

  private record Hit(Ctx ctx, int start, int end) {}

  /** Every mention in a sentence, by start position; "normal size" phrasings come as negated organomegaly. */
  static List<Mention> find(String s) {
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
            Hit organ = nearest(contexts, a, b, enumSet(Ctx.HEART, Ctx.LIVER, Ctx.SPLEEN, Ctx.BLADDER));
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
        near = nearest(contexts, a, b, enumSet(Ctx.LUNG, Ctx.LIVER, Ctx.KIDNEY, Ctx.SPLEEN, Ctx.OTHER,
            Ctx.BLADDER));
        return near == null || near.ctx() == Ctx.LUNG ? List.of(FindingType.LUNG_NODULE) : List.of();
      }
      case EFFUSION -> {
        near = nearest(contexts, a, b, enumSet(Ctx.PLEURA, Ctx.PERICARDIUM, Ctx.OTHER));
        if (near == null || near.ctx() == Ctx.PLEURA) {
          return List.of(FindingType.PLEURAL_EFFUSION);
        }
        return near.ctx() == Ctx.PERICARDIUM ? List.of(FindingType.PERICARDIAL_EFFUSION) : List.of();
      }
      case FLUID -> {
        near = nearest(contexts, a, b, enumSet(Ctx.PLEURA, Ctx.PERICARDIUM, Ctx.ABDOMEN, Ctx.PELVIC,
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
        near = nearest(contexts, a, b, enumSet(Ctx.LIVER, Ctx.KIDNEY, Ctx.SPLEEN, Ctx.LUNG, Ctx.OTHER,
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
        near = nearest(contexts, a, b, enumSet(Ctx.KIDNEY, Ctx.BLADDER, Ctx.OTHER, Ctx.LIVER, Ctx.LUNG));
        if (near == null) {
          return List.of();
        }
        return near.ctx() == Ctx.KIDNEY ? List.of(FindingType.KIDNEY_STONE)
            : near.ctx() == Ctx.BLADDER ? List.of(FindingType.BLADDER_STONE) : List.of();
      }
      case NODE -> {
        near = nearest(contexts, a, b, enumSet(Ctx.MEDIASTINUM, Ctx.PELVIC, Ctx.OTHER, Ctx.LUNG,
            Ctx.ABDOMEN));
        if (near == null || !qualifies(s, word)) {
          return List.of();
        }
        return near.ctx() == Ctx.MEDIASTINUM ? List.of(FindingType.MEDIASTINAL_LYMPHADENOPATHY)
            : near.ctx() == Ctx.PELVIC ? List.of(FindingType.PELVIC_LYMPHADENOPATHY) : List.of();
      }
      case THICKENING -> {
        near = nearest(contexts, a, b, enumSet(Ctx.BLADDER, Ctx.OTHER, Ctx.PLEURA, Ctx.LUNG, Ctx.PELVIC,
            Ctx.PERICARDIUM, Ctx.KIDNEY, Ctx.LIVER, Ctx.NODE, Ctx.HEART));
        return near != null && near.ctx() == Ctx.BLADDER ? List.of(FindingType.BLADDER_WALL_THICKENING) : List.of();
      }
      case ENLARGED -> {
        near = nearest(contexts, a, b, enumSet(Ctx.HEART, Ctx.LIVER, Ctx.SPLEEN, Ctx.NODE, Ctx.OTHER,
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
    Matcher m = FindingAttributes.SIZE.matcher(s);
    while (m.find()) {
      if (FindingAttributes.sizeMm(m) >= 10) {
        return true;
      }
    }
    return false;
  }

  private static EnumSet<Ctx> enumSet(Ctx first, Ctx... rest) {
    return EnumSet.of(first, rest);
  }

  /** The context hit nearest to [a, b) by character gap, among the allowed kinds; hits inside it don't count. */
  private static Hit nearest(List<Hit> contexts, int a, int b, Set<Ctx> allowed) {
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
}
