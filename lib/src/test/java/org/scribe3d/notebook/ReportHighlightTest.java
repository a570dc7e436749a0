package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.scribe3d.text.RegionClassifier;

class ReportHighlightTest {
  private static final RegionClassifier CLASSIFIER = new RegionClassifier();

  private static List<String> inside(String html, String tag) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<" + tag + "[^>]*>(.*?)</" + tag + ">").matcher(html);
    while (m.find()) {
      out.add(m.group(1).replaceAll("<[^>]+>", ""));
    }
    return out;
  }

  @Test
  void boldsVotingTermsAndItalicisesTheNegatedSpan() {
    String html = ReportHighlight.markup(CLASSIFIER.classify("No pleural effusion."));
    assertEquals("No pleural effusion.", html.replaceAll("<[^>]+>", ""));
    assertEquals(List.of("pleural"), inside(html, "b"));
    assertEquals("pleural effusion", String.join("", inside(html, "i")));
  }

  @Test
  void postNegationScopeStopsBeforeTheTriggerWithoutTrailingSpace() {
    String html = ReportHighlight.markup(CLASSIFIER.classify("Pleural effusion was not detected."));
    assertEquals("Pleural effusion was", String.join("", inside(html, "i")));
  }

  @Test
  void positiveSentenceHasNoItalics() {
    String html = ReportHighlight.markup(CLASSIFIER.classify("A 5 mm stone in the left kidney."));
    assertTrue(inside(html, "i").isEmpty());
    assertEquals(List.of("kidney"), inside(html, "b"));
  }

  @Test
  void escapesHtmlInTheReport() {
    String html = ReportHighlight.of("Nodule <5 mm & stable in the right lung.").toHtml();
    assertTrue(html.contains("&lt;5 mm &amp; stable"), html);
    assertFalse(html.contains("<5 mm"));
  }

  @Test
  void oneColouredSpanPerSentenceInOrder() {
    ReportHighlight h = ReportHighlight.of("No pleural effusion. The liver is normal. Bladder stone. Clinical correlation is recommended.");
    List<String> regions = new ArrayList<>();
    Matcher m = Pattern.compile("<span title=\"(\\w+)\" style=\"background:(#\\w+);").matcher(h.toHtml());
    while (m.find()) {
      regions.add(m.group(1));
      assertEquals(ReportHighlight.COLOURS.get(m.group(1)), m.group(2));
    }
    assertEquals(List.of("chest", "abdomen", "pelvis", "unknown"), regions);
    assertEquals("[chest] No pleural effusion.", h.toString().lines().findFirst().orElseThrow());
  }

  @Test
  void richOutputShowsItAsHtml() {
    Map<String, Object> bundle = new RichOutput(RichOutput.PlotlyEmbed.ONCE).bundle(ReportHighlight.of("No ascites."));
    assertTrue(((String) bundle.get("text/html")).contains("scribe3d-report"));
    assertEquals("[abdomen] No ascites.\n", ((String) bundle.get("text/plain")).replace("\r\n", "\n"));
  }
}
