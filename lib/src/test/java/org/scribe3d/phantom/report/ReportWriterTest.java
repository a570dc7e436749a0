package org.scribe3d.phantom.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;
import org.scribe3d.data.Region;

class ReportWriterTest {

  @Test
  void everyRegionHasTextAndOutputIsDeterministic() {
    for (int seed = 0; seed < 300; seed++) {
      List<Finding> f = RandomFindings.draw(new Random(seed));
      Map<Region, String> a = ReportWriter.write(f, new Random(seed));
      Map<Region, String> b = ReportWriter.write(f, new Random(seed));
      assertEquals(a, b);
      for (Region r : Region.values()) {
        String t = a.get(r);
        assertFalse(t == null || t.isBlank(), "empty " + r + " for seed " + seed);
        assertTrue(t.endsWith("."), t);
        assertFalse(t.contains("null"), t);
        assertFalse(t.contains("  "), t);
        assertTrue(Character.isUpperCase(t.charAt(0)), t);
      }
    }
  }

  @Test
  void normalCaseSaysWhatIsAbsent() {
    Map<Region, String> m = ReportWriter.write(List.of(), new Random(1));
    String all = String.join(" ", m.values()).toLowerCase();
    assertTrue(all.contains("pleura") || all.contains("pleural"), all);
    assertTrue(all.contains("liver"), all);
    assertTrue(all.contains("bladder"), all);
  }

  @Test
  void findingAttributesAppearInItsRegion() {
    Finding nodule = new Finding(FindingType.LUNG_NODULE, "right", 12.0, null, "right upper lobe", false);
    Finding cyst = new Finding(FindingType.RENAL_CYST, "left", 25.0, null, "lower pole", false);
    Finding node = new Finding(FindingType.PELVIC_LYMPHADENOPATHY, "right", 15.0, null, "right external iliac", false);
    Set<String> chestVariants = new HashSet<>();
    for (int seed = 0; seed < 60; seed++) {
      Map<Region, String> m = ReportWriter.write(List.of(nodule, cyst, node), new Random(seed));
      String chest = m.get(Region.CHEST);
      assertTrue(chest.matches("(?s).*(12 (x \\d+ )?mm|1\\.2 (x \\d\\.\\d )?cm).*"), chest);
      assertTrue(chest.matches("(?si).*(right upper lobe|RUL|upper lobe of the right lung).*"), chest);
      assertTrue(m.get(Region.ABDOMEN).contains("left kidney"), m.get(Region.ABDOMEN));
      assertTrue(m.get(Region.PELVIS).toLowerCase().contains("right external iliac"), m.get(Region.PELVIS));
      assertFalse(chest.contains("No suspicious pulmonary nodule"), chest);
      chestVariants.add(chest.substring(0, chest.indexOf('.', chest.indexOf("mm") > 0 ? chest.indexOf("mm") : 0) + 1));
    }
    assertTrue(chestVariants.size() >= 6, "too few phrasings: " + chestVariants);
  }

  @Test
  void sizeFormats() {
    assertEquals("12", ReportWords.num(12.0));
    assertEquals("1.2", ReportWords.num(1.2));
    assertEquals("12.5", ReportWords.num(12.5));
    assertEquals("an", ReportWords.art("8 mm"));
    assertEquals("an", ReportWords.art("11 mm"));
    assertEquals("an", ReportWords.art("18 x 9 mm"));
    assertEquals("a", ReportWords.art("110 mm"));
    assertEquals("a", ReportWords.art("12 mm"));
    assertEquals("an", ReportWords.art("enlarged"));
    Random r = new Random(3);
    for (int i = 0; i < 200; i++) {
      String s = ReportWords.size(12.0, r);
      assertTrue(s.matches("12 mm|1\\.2 cm|12 x \\d+ mm|1\\.2 x (0\\.\\d|1\\.[01]) cm"), s);
    }
  }

  @Test
  void questionsAreWellFormedAndBalanced() {
    int[] letters = new int[4];
    Set<String> types = new HashSet<>();
    for (int seed = 0; seed < 400; seed++) {
      List<Finding> f = RandomFindings.draw(new Random(seed));
      var qs = QuestionWriter.write(f, new Random(seed));
      assertEquals(qs, QuestionWriter.write(f, new Random(seed)));
      assertTrue(qs.size() >= 4, "seed " + seed);
      assertEquals(0, qs.size() % 4);
      for (var q : qs) {
        assertEquals(List.of("A", "B", "C", "D"), List.copyOf(q.options().keySet()));
        assertEquals(4, new HashSet<>(q.options().values()).size(), q.toString());
        assertTrue(q.options().containsKey(q.answer()));
        letters[q.answer().charAt(0) - 'A']++;
        types.add(q.type());
        assertFalse(q.question().contains("null"), q.question());
      }
    }
    assertEquals(Set.of("presence", "location", "size", "organ", "count"), types);
    assertEquals(letters[0], letters[1]);
    assertEquals(letters[1], letters[2]);
    assertEquals(letters[2], letters[3]);
  }

  @Test
  void answersMatchTheFindings() {
    Finding nodule = new Finding(FindingType.LUNG_NODULE, "left", 9.0, null, "left lower lobe", false);
    Finding eff = new Finding(FindingType.PLEURAL_EFFUSION, "right", null, "severe", null, false);
    for (int seed = 0; seed < 50; seed++) {
      for (var q : QuestionWriter.write(List.of(nodule, eff), new Random(seed))) {
        String a = q.options().get(q.answer());
        if (q.question().startsWith("In which lobe")) {
          assertEquals("Left lower lobe", a);
        } else if (q.question().startsWith("How many lung nodules")) {
          assertEquals("One", a);
        } else if (q.question().startsWith("How many")) {
          assertEquals("None", a);
        } else if (q.question().contains("diameter of the lung nodule")) {
          assertEquals("About 9 mm", a);
        } else if (q.question().startsWith("How large is the pleural effusion")) {
          assertEquals("Large", a);
        } else if (q.question().startsWith("On which side is the pleural effusion")) {
          assertEquals("Right", a);
        } else if (q.question().contains("present in the chest")) {
          assertTrue(a.equals("Lung nodule") || a.equals("Pleural effusion"), a);
          q.options().forEach((k, v) -> {
            if (!k.equals(q.answer())) {
              assertNotEquals("Lung nodule", v);
              assertNotEquals("Pleural effusion", v);
            }
          });
        } else if (q.question().contains("describes the abdomen")) {
          assertEquals("No significant abnormality", a);
        }
      }
    }
  }
}
