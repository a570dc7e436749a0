package org.scribe3d.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;
import org.scribe3d.data.Region;
import org.scribe3d.phantom.report.RandomFindings;
import org.scribe3d.phantom.report.ReportWriter;

class FindingExtractorTest {

  static final Path LABELLED = Path.of("src/test/resources/text/labelled_sentences.tsv");
  static final Path HOLDOUT = Path.of("src/test/resources/text/labelled_sentences_holdout.tsv");

  private static Finding one(String sentence) {
    List<Finding> f = FindingExtractor.extract(sentence);
    assertEquals(1, f.size(), sentence + " -> " + f);
    return f.get(0);
  }

  @Test
  void sizesSidesLocations() {
    Finding f = one("A 1.2 x 0.9 cm nodule in the upper lobe of the left lung.");
    assertEquals(FindingType.LUNG_NODULE, f.type());
    assertEquals(12.0, f.sizeMm(), 1e-9);
    assertEquals("left upper lobe", f.location());
    assertEquals("left", f.side());
    f = one("Hypodense lesion in hepatic segment IV, 23 x 18 x 15 mm.");
    assertEquals(FindingType.LIVER_LESION, f.type());
    assertEquals("segment 4", f.location());
    assertEquals(23.0, f.sizeMm(), 1e-9);
    f = one("Small bilateral pleural effusions.");
    assertEquals("bilateral", f.side());
    assertEquals("mild", f.severity());
    f = one("Enlarged left hilar lymph node, 1.4 cm.");
    assertEquals(FindingType.MEDIASTINAL_LYMPHADENOPATHY, f.type());
    assertEquals("left hilar", f.location());
    f = one("Right nephrolithiasis, 4 mm, in the interpolar region.");
    assertEquals(FindingType.KIDNEY_STONE, f.type());
    assertEquals("interpolar region", f.location());
    assertEquals("right", f.side());
    f = one("Markedly enlarged spleen measuring 19 cm.");
    assertEquals(FindingType.SPLENOMEGALY, f.type());
    assertEquals("severe", f.severity());
    assertEquals(190.0, f.sizeMm(), 1e-9);
    assertEquals(null, f.side());
  }

  @Test
  void negation() {
    assertTrue(one("No pleural effusion.").negated());
    assertTrue(one("Pleural effusion was not detected.").negated());
    assertTrue(one("The spleen is not enlarged.").negated());
    assertTrue(one("The previously seen LLL nodule has resolved.").negated());
    assertFalse(one("No change in the size of the 5 mm RUL nodule.").negated());
    assertFalse(one("A small pericardial effusion cannot be excluded.").negated());
    List<Finding> f = FindingExtractor.extract("No pleural effusion, but a 7 mm nodule in the RLL.");
    assertEquals(2, f.size(), f.toString());
    assertTrue(f.get(0).negated());
    assertFalse(f.get(1).negated());
    assertEquals(7.0, f.get(1).sizeMm(), 1e-9);
    f = FindingExtractor.extract("No renal calculi, cysts or hydronephrosis.");
    assertEquals(2, f.size(), f.toString());
    assertTrue(f.stream().allMatch(Finding::negated));
    assertTrue(FindingExtractor.extract("The gallbladder is normal without calculi.").isEmpty());
    assertTrue(FindingExtractor.extract("A 2 cm cystic lesion in the pancreatic tail.").isEmpty());
  }

  /** ReportWriter → extractor must give back the findings (type, side, size ±0.5 mm, location). */
  @Test
  void recoversReportWriterFindings() {
    FindingMatcher.Score total = new FindingMatcher.Score(0, 0, 0);
    List<String> errors = new ArrayList<>();
    int cases = 3000;
    for (int seed = 0; seed < cases; seed++) {
      List<Finding> gold = RandomFindings.draw(new Random(seed));
      Map<Region, String> report = ReportWriter.write(gold, new Random(seed + 1_000_000L));
      List<Finding> got = new ArrayList<>();
      for (Region r : Region.values()) {
        got.addAll(FindingExtractor.extractPositive(report.get(r)));
      }
      FindingMatcher.Score s = FindingMatcher.score(gold, got, 0.5);
      if (s.falseNegatives() + s.falsePositives() > 0 && errors.size() < 15) {
        errors.add("seed " + seed + "\n  gold " + gold + "\n  got  " + got + "\n  text " + report);
      }
      total = total.plus(s);
    }
    System.out.printf(Locale.ROOT, "finding extraction on ReportWriter output (%d cases): P %.4f R %.4f F1 %.4f (tp %d fp %d fn %d)%n",
        cases, total.precision(), total.recall(), total.f1(), total.truePositives(), total.falsePositives(),
        total.falseNegatives());
    errors.forEach(System.out::println);
    assertTrue(total.f1() >= 0.98, "F1 " + total.f1());
  }

  /**
   * A second, harsher generator: every type with every location of the vocabulary, sizes with one
   * decimal from 2 to 80 mm, any side, several findings of one type, and explicitly negated findings.
   */
  @Test
  void recoversHarsherFindingLists() {
    FindingMatcher.Score total = new FindingMatcher.Score(0, 0, 0);
    List<String> errors = new ArrayList<>();
    for (int seed = 0; seed < 1500; seed++) {
      Random r = new Random(seed * 31L + 7);
      List<Finding> gold = new ArrayList<>();
      int n = 1 + r.nextInt(6);
      for (int i = 0; i < n; i++) {
        FindingType t = FindingType.values()[r.nextInt(FindingType.values().length)];
        List<String> locs = org.scribe3d.phantom.report.ReportVocabulary.locationsFor(t);
        String loc = locs.isEmpty() || r.nextInt(3) == 0 ? null : locs.get(r.nextInt(locs.size()));
        String side = org.scribe3d.phantom.report.ReportVocabulary.sideOf(loc);
        if (side == null && loc == null && r.nextBoolean()) {
          side = List.of("left", "right", "bilateral").get(r.nextInt(3));
        }
        boolean lateral = switch (t) {
          case LUNG_NODULE, PLEURAL_EFFUSION, CONSOLIDATION, RENAL_CYST, KIDNEY_STONE,
              PELVIC_LYMPHADENOPATHY -> true;
          case LIVER_LESION -> !"bilateral".equals(side);
          default -> false;
        };
        if (!lateral || (t == FindingType.RENAL_CYST || t == FindingType.KIDNEY_STONE) && loc != null
            && side == null) {
          side = lateral ? List.of("left", "right").get(r.nextInt(2)) : null;
        }
        if ((t == FindingType.RENAL_CYST || t == FindingType.KIDNEY_STONE) && "bilateral".equals(side)) {
          loc = null;
        }
        Double size = r.nextInt(4) == 0 ? null : Math.round((2 + r.nextDouble() * 78) * 10) / 10.0;
        if ((t == FindingType.MEDIASTINAL_LYMPHADENOPATHY || t == FindingType.PELVIC_LYMPHADENOPATHY) && size == null) {
          size = 12.0;
        }
        String sev = r.nextBoolean() ? null : List.of("mild", "moderate", "severe").get(r.nextInt(3));
        gold.add(new Finding(t, side, size, sev, loc, false));
      }
      FindingType absent = FindingType.values()[r.nextInt(FindingType.values().length)];
      boolean addNegated = r.nextBoolean() && gold.stream().noneMatch(f -> f.type() == absent);
      if (addNegated) {
        gold.add(new Finding(absent, null, null, null, null, true));
      }
      Map<Region, String> report = ReportWriter.write(gold, new Random(seed));
      List<Finding> got = new ArrayList<>();
      List<Finding> all = new ArrayList<>();
      for (Region reg : Region.values()) {
        got.addAll(FindingExtractor.extractPositive(report.get(reg)));
        all.addAll(FindingExtractor.extract(report.get(reg)));
      }
      if (addNegated) {
        assertTrue(all.stream().anyMatch(f -> f.type() == absent && f.negated()),
            "negated " + absent + " not found in " + report);
        assertTrue(got.stream().noneMatch(f -> f.type() == absent), "negated " + absent + " came out positive");
      }
      FindingMatcher.Score sc = FindingMatcher.score(gold, got, 0.5);
      if (sc.falseNegatives() + sc.falsePositives() > 0 && errors.size() < 10) {
        errors.add("seed " + seed + "\n  gold " + gold + "\n  got  " + got + "\n  text " + report);
      }
      total = total.plus(sc);
    }
    System.out.printf(Locale.ROOT, "finding extraction, harsher generator (1500 cases): P %.4f R %.4f F1 %.4f%n",
        total.precision(), total.recall(), total.f1());
    errors.forEach(System.out::println);
    assertTrue(total.f1() >= 0.98, "F1 " + total.f1());
  }

  /** Types and negation on the hand-labelled sentences. */
  @Test
  void labelledSetTypesAndNegation() throws Exception {
    typesAndNegation(LABELLED, 0.9, 0.95);
  }

  /** The held-out sentences (written after the extractor was frozen): a looser bar. */
  @Test
  void heldOutSetTypesAndNegation() throws Exception {
    typesAndNegation(HOLDOUT, 0.85, 0.9);
  }

  private static void typesAndNegation(Path file, double minPR, double minNeg) throws Exception {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    int negOk = 0;
    int negTotal = 0;
    for (LabelledSentences.Item it : LabelledSentences.read(file)) {
      Set<String> gold = new HashSet<>();
      Set<FindingType> goldTypes = new HashSet<>();
      for (LabelledSentences.Label l : it.findings()) {
        gold.add(l.type() + (l.negated() ? "-" : "+"));
        goldTypes.add(l.type());
      }
      Set<String> got = new HashSet<>();
      for (Finding f : FindingExtractor.extract(it.sentence())) {
        got.add(f.type() + (f.negated() ? "-" : "+"));
        if (goldTypes.contains(f.type())) {
          negTotal++;
          if (gold.contains(f.type() + (f.negated() ? "-" : "+"))) {
            negOk++;
          }
        }
      }
      for (String g : gold) {
        if (got.contains(g)) {
          tp++;
        } else {
          fn++;
        }
      }
      for (String g : got) {
        if (!gold.contains(g)) {
          fp++;
        }
      }
      if (!gold.equals(got)) {
        System.out.println("labelled line " + it.line() + ": gold " + gold + " got " + got + " | " + it.sentence());
      }
    }
    double p = tp / (double) (tp + fp);
    double r = tp / (double) (tp + fn);
    double negAcc = negOk / (double) negTotal;
    System.out.printf(Locale.ROOT, "%s: type+polarity P %.3f R %.3f (tp %d fp %d fn %d); negation accuracy on "
        + "detected labelled types %.3f (%d/%d)%n", file.getFileName(), p, r, tp, fp, fn, negAcc, negOk, negTotal);
    assertTrue(p >= minPR && r >= minPR, "P " + p + " R " + r);
    assertTrue(negAcc >= minNeg, "negation accuracy " + negAcc);
  }
}
