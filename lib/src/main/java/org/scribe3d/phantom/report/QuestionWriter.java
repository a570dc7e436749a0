package org.scribe3d.phantom.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;
import org.scribe3d.data.Question;
import org.scribe3d.data.Region;

/**
 * Closed multiple-choice questions (AMOS-MM {@code labels.qa} style) about one case, made from its
 * structured findings so that each is answerable from the image alone: presence, location (side,
 * lobe, segment, nodal station), size (diameter or amount), organ and count. Four options A-D; the
 * distractors are all false for this case (no distractor names a finding that is also present).
 *
 * <p>Letter balance: questions come in blocks of four whose correct letters are a random permutation
 * of A-D, so every case has exactly as many A, B, C and D answers (4 or 8 questions per case).
 */
public final class QuestionWriter {
  private QuestionWriter() {}

  public static final List<String> LETTERS = List.of("A", "B", "C", "D");

  private static final Set<FindingType> COUNTABLE = EnumSet.of(FindingType.LUNG_NODULE,
      FindingType.LIVER_LESION, FindingType.RENAL_CYST, FindingType.KIDNEY_STONE,
      FindingType.MEDIASTINAL_LYMPHADENOPATHY, FindingType.PELVIC_LYMPHADENOPATHY,
      FindingType.BLADDER_STONE);

  /** Focal findings whose diameter can be asked. */
  private static final Set<FindingType> SIZED = EnumSet.of(FindingType.LUNG_NODULE,
      FindingType.LIVER_LESION, FindingType.RENAL_CYST, FindingType.KIDNEY_STONE,
      FindingType.MEDIASTINAL_LYMPHADENOPATHY, FindingType.PELVIC_LYMPHADENOPATHY,
      FindingType.BLADDER_STONE);

  private static final long[] SIZE_LADDER = {2, 3, 5, 8, 13, 20, 30, 45, 70, 100, 150};

  /** A question still without letters: text, correct option, three false options, type. */
  private record Draft(String question, String correct, List<String> distractors, String type) {}

  /** At least four questions (4 or 8) for the case; deterministic given the generator state. */
  public static List<Question> write(List<Finding> findings, Random rng) {
    List<Finding> pos = findings.stream().filter(f -> !f.negated()).toList();
    Set<FindingType> present = EnumSet.noneOf(FindingType.class);
    pos.forEach(f -> present.add(f.type()));

    List<Draft> presence = new ArrayList<>();
    for (Region region : Region.values()) {
      presence.add(presence(region, present, rng));
    }
    List<Draft> counts = new ArrayList<>();
    // counts for every present countable type, and for two absent ones ("None" must be answerable too)
    List<FindingType> countTypes = new ArrayList<>();
    List<FindingType> absentCountable = new ArrayList<>();
    for (FindingType t : COUNTABLE) {
      (present.contains(t) ? countTypes : absentCountable).add(t);
    }
    Collections.shuffle(absentCountable, rng);
    countTypes.addAll(absentCountable.subList(0, 2));
    for (FindingType t : countTypes) {
      Draft d = count(t, pos);
      if (d != null) {
        counts.add(d);
      }
    }
    List<Draft> locations = new ArrayList<>();
    List<Draft> sizes = new ArrayList<>();
    for (FindingType t : present) {
      Finding f = single(t, pos);
      if (f == null) {
        continue;
      }
      add(locations, location(f, pos, rng));
      add(sizes, size(f, rng));
    }
    List<Draft> organs = organ(present, rng);

    // one of each available type first (in random order), then the rest, for variety
    List<List<Draft>> groups = new ArrayList<>(List.of(presence, counts, locations, sizes, organs));
    groups.forEach(g -> Collections.shuffle(g, rng));
    Collections.shuffle(groups, rng);
    List<Draft> chosen = new ArrayList<>();
    for (List<Draft> g : groups) {
      if (!g.isEmpty()) {
        chosen.add(g.remove(0));
      }
    }
    List<Draft> rest = new ArrayList<>();
    groups.forEach(rest::addAll);
    Collections.shuffle(rest, rng);
    chosen.addAll(rest);
    int n = pos.size() >= 2 && chosen.size() >= 8 ? 8 : 4;
    List<Question> out = new ArrayList<>();
    List<Integer> perm = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i % 4 == 0) {
        perm = new ArrayList<>(List.of(0, 1, 2, 3));
        Collections.shuffle(perm, rng);
      }
      out.add(letter(chosen.get(i), perm.get(i % 4), rng));
    }
    return out;
  }

  private static Question letter(Draft d, int correctIndex, Random rng) {
    List<String> dis = new ArrayList<>(d.distractors());
    Collections.shuffle(dis, rng);
    Map<String, String> options = new LinkedHashMap<>();
    int k = 0;
    for (int i = 0; i < 4; i++) {
      options.put(LETTERS.get(i), i == correctIndex ? d.correct() : dis.get(k++));
    }
    return new Question(d.question(), options, LETTERS.get(correctIndex), d.type());
  }

  // ---------------------------------------------------------------- question kinds

  private static Draft presence(Region region, Set<FindingType> present, Random rng) {
    List<FindingType> inRegion = new ArrayList<>();
    List<FindingType> absentHere = new ArrayList<>();
    List<FindingType> absentElsewhere = new ArrayList<>();
    for (FindingType t : FindingType.values()) {
      if (t.region() == region) {
        (present.contains(t) ? inRegion : absentHere).add(t);
      } else if (!present.contains(t)) {
        absentElsewhere.add(t);
      }
    }
    Collections.shuffle(absentHere, rng);
    Collections.shuffle(absentElsewhere, rng);
    String none = "No significant abnormality";
    if (inRegion.isEmpty()) {
      List<String> dis = names(absentHere);
      for (FindingType t : absentElsewhere) {
        if (dis.size() >= 3) {
          break;
        }
        dis.add(cap(ReportVocabulary.displayName(t)));
      }
      fill(dis);
      return new Draft("Which of the following best describes the " + region.key() + "?", none,
          dis.subList(0, 3), "presence");
    }
    FindingType correct = inRegion.get(rng.nextInt(inRegion.size()));
    List<String> dis = names(absentHere);
    if (dis.size() < 3) {
      dis.add(none);
    }
    for (FindingType t : absentElsewhere) {
      if (dis.size() >= 3) {
        break;
      }
      dis.add(cap(ReportVocabulary.displayName(t)));
    }
    fill(dis);
    return new Draft("Which of the following findings is present in the " + region.key() + "?",
        cap(ReportVocabulary.displayName(correct)), dis.subList(0, 3), "presence");
  }

  private static Draft count(FindingType t, List<Finding> pos) {
    int n = 0;
    for (Finding f : pos) {
      if (f.type() == t) {
        if ("bilateral".equals(f.side())) {
          return null; // "bilateral nodules" has no definite count
        }
        n++;
      }
    }
    List<String> opts = List.of("None", "One", "Two", "Three or more");
    String correct = opts.get(Math.min(n, 3));
    List<String> dis = new ArrayList<>(opts);
    dis.remove(correct);
    return new Draft("How many " + plural(t) + " are seen?", correct, dis, "count");
  }

  private static Draft location(Finding f, List<Finding> pos, Random rng) {
    FindingType t = f.type();
    String name = ReportVocabulary.displayName(t);
    List<String> vocab = ReportVocabulary.locationsFor(t);
    if (f.location() != null && vocab.contains(f.location())) {
      List<String> dis = new ArrayList<>(vocab);
      dis.remove(f.location());
      Collections.shuffle(dis, rng);
      String q = switch (t) {
        case LUNG_NODULE, CONSOLIDATION -> "In which lobe is the " + name + " located?";
        case LIVER_LESION -> "In which liver segment is the focal lesion located?";
        case RENAL_CYST, KIDNEY_STONE -> null; // the part of the kidney is too fine; ask the side
        case MEDIASTINAL_LYMPHADENOPATHY -> "At which nodal station is the enlarged mediastinal lymph node?";
        case PELVIC_LYMPHADENOPATHY -> "At which nodal station is the enlarged pelvic lymph node?";
        default -> null;
      };
      if (q != null) {
        return new Draft(q, cap(f.location()), names3(dis), "location");
      }
    }
    if (f.side() != null) {
      if (t == FindingType.LIVER_LESION) {
        if ("bilateral".equals(f.side())) {
          return null;
        }
        List<String> opts = new ArrayList<>(List.of("Right hepatic lobe", "Left hepatic lobe",
            "Spleen", "Pancreas"));
        String correct = "right".equals(f.side()) ? opts.remove(0) : opts.remove(1);
        return new Draft("Where is the focal liver lesion located?", correct, opts, "location");
      }
      List<String> opts = new ArrayList<>(List.of("Left", "Right", "Both sides", "Neither side"));
      String correct = switch (f.side()) {
        case "left" -> "Left";
        case "right" -> "Right";
        default -> "Both sides";
      };
      opts.remove(correct);
      return new Draft("On which side is the " + name + "?", correct, opts, "location");
    }
    return null;
  }

  private static Draft size(Finding f, Random rng) {
    FindingType t = f.type();
    String name = ReportVocabulary.displayName(t);
    if (SIZED.contains(t) && f.sizeMm() != null && f.sizeMm() >= 1) {
      long v = Math.round(f.sizeMm());
      // distractors from a ladder of sizes at least 1.5x apart from each other and from the answer,
      // within a factor 4 of it, so the options stay plausible yet distinguishable on the image
      List<Long> cands = new ArrayList<>();
      for (long c : SIZE_LADDER) {
        if (ratio(c, v) >= 1.5 && ratio(c, v) <= 4) {
          cands.add(c);
        }
      }
      Collections.shuffle(cands, rng);
      List<Long> opts = new ArrayList<>(List.of(v));
      for (long c : cands) {
        if (opts.size() < 4 && opts.stream().allMatch(o -> ratio(o, c) >= 1.5)) {
          opts.add(c);
        }
      }
      if (opts.size() < 4) {
        return null;
      }
      List<String> dis = new ArrayList<>();
      for (int i = 1; i < 4; i++) {
        dis.add("About " + opts.get(i) + " mm");
      }
      String what = t == FindingType.MEDIASTINAL_LYMPHADENOPATHY || t == FindingType.PELVIC_LYMPHADENOPATHY
          ? "What is the approximate short-axis diameter of the " + name + "?"
          : "What is the approximate diameter of the " + name + "?";
      return new Draft(what, "About " + v + " mm", dis, "size");
    }
    if (f.severity() == null || !ReportVocabulary.SEVERITIES.contains(f.severity())) {
      return null;
    }
    IntFunction<String> sev;
    String q;
    String none;
    switch (t) {
      case PLEURAL_EFFUSION, PERICARDIAL_EFFUSION, ASCITES -> {
        sev = i -> List.of("Small", "Moderate", "Large").get(i);
        q = "How large is the " + name + "?";
        none = "None";
      }
      case CARDIOMEGALY, HEPATOMEGALY, SPLENOMEGALY, CONSOLIDATION, BLADDER_WALL_THICKENING -> {
        sev = i -> List.of("Mild", "Moderate", "Severe").get(i);
        q = "How severe is the " + name + "?";
        none = "Absent";
      }
      default -> {
        return null;
      }
    }
    int idx = ReportVocabulary.SEVERITIES.indexOf(f.severity());
    List<String> dis = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      if (i != idx) {
        dis.add(sev.apply(i));
      }
    }
    dis.add(none);
    return new Draft(q, sev.apply(idx), dis, "size");
  }

  private static List<Draft> organ(Set<FindingType> present, Random rng) {
    List<Draft> out = new ArrayList<>();
    organQuestion(out, present, rng, "Which organ is enlarged?",
        new FindingType[] {FindingType.HEPATOMEGALY, FindingType.SPLENOMEGALY, FindingType.CARDIOMEGALY},
        new String[] {"Liver", "Spleen", "Heart"}, List.of("Kidneys", "Pancreas", "Urinary bladder"));
    organQuestion(out, present, rng, "Which organ contains a focal low-density lesion?",
        new FindingType[] {FindingType.LIVER_LESION, FindingType.RENAL_CYST},
        new String[] {"Liver", "Kidney"}, List.of("Spleen", "Pancreas", "Urinary bladder"));
    organQuestion(out, present, rng, "Where is the calculus located?",
        new FindingType[] {FindingType.KIDNEY_STONE, FindingType.BLADDER_STONE},
        new String[] {"Kidney", "Urinary bladder"}, List.of("Gallbladder", "Ureter", "Appendix"));
    organQuestion(out, present, rng, "Where is the abnormal fluid collection?",
        new FindingType[] {FindingType.PLEURAL_EFFUSION, FindingType.PERICARDIAL_EFFUSION, FindingType.ASCITES},
        new String[] {"Pleural space", "Pericardium", "Peritoneal cavity"}, List.of("Urinary bladder wall",
            "Subcutaneous tissue"));
    organQuestion(out, present, rng, "In which region are enlarged lymph nodes seen?",
        new FindingType[] {FindingType.MEDIASTINAL_LYMPHADENOPATHY, FindingType.PELVIC_LYMPHADENOPATHY},
        new String[] {"Mediastinum", "Pelvis"}, List.of("Axilla", "Neck", "Groin"));
    return out;
  }

  /** Asks only when exactly one of the competing types is present, so the answer is unique. */
  private static void organQuestion(List<Draft> out, Set<FindingType> present, Random rng, String q,
      FindingType[] types, String[] answers, List<String> extra) {
    int hit = -1;
    for (int i = 0; i < types.length; i++) {
      if (present.contains(types[i])) {
        if (hit >= 0) {
          return;
        }
        hit = i;
      }
    }
    if (hit < 0) {
      return;
    }
    List<String> dis = new ArrayList<>();
    for (int i = 0; i < answers.length; i++) {
      if (i != hit) {
        dis.add(answers[i]);
      }
    }
    List<String> more = new ArrayList<>(extra);
    Collections.shuffle(more, rng);
    for (String m : more) {
      if (dis.size() < 3) {
        dis.add(m);
      }
    }
    out.add(new Draft(q, answers[hit], dis, "organ"));
  }

  // ---------------------------------------------------------------- helpers

  /** The only positive finding of this type, or null when there are none or several. */
  private static Finding single(FindingType t, List<Finding> pos) {
    Finding only = null;
    for (Finding f : pos) {
      if (f.type() == t) {
        if (only != null) {
          return null;
        }
        only = f;
      }
    }
    return only;
  }

  /** Findings the phantom never produces: always-false distractors when the vocabulary runs out. */
  private static void fill(List<String> dis) {
    for (String s : List.of("Pneumothorax", "Aortic dissection", "Bowel obstruction")) {
      if (dis.size() < 3 && !dis.contains(s)) {
        dis.add(s);
      }
    }
  }

  private static double ratio(long a, long b) {
    return (double) Math.max(a, b) / Math.max(1, Math.min(a, b));
  }

  private static String plural(FindingType t) {
    return switch (t) {
      case LUNG_NODULE -> "lung nodules";
      case LIVER_LESION -> "focal liver lesions";
      case RENAL_CYST -> "renal cysts";
      case KIDNEY_STONE -> "kidney stones";
      case MEDIASTINAL_LYMPHADENOPATHY -> "enlarged mediastinal lymph nodes";
      case PELVIC_LYMPHADENOPATHY -> "enlarged pelvic lymph nodes";
      case BLADDER_STONE -> "bladder stones";
      default -> ReportVocabulary.displayName(t);
    };
  }

  private static List<String> names(List<FindingType> types) {
    List<String> out = new ArrayList<>();
    for (FindingType t : types) {
      out.add(cap(ReportVocabulary.displayName(t)));
    }
    return out;
  }

  private static List<String> names3(List<String> values) {
    Set<String> out = new LinkedHashSet<>();
    for (String v : values) {
      if (out.size() < 3) {
        out.add(cap(v));
      }
    }
    return new ArrayList<>(out);
  }

  private static void add(List<Draft> list, Draft d) {
    if (d != null) {
      list.add(d);
    }
  }

  private static String cap(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }
}
