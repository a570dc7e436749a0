package org.scribe3d.notebook;

import java.util.List;
import java.util.Map;
import org.scribe3d.data.Region;
import org.scribe3d.text.Negation;
import org.scribe3d.text.RegionClassifier;
import org.scribe3d.text.TermMatch;

/**
 * A classified report shown as text: each sentence on the background colour of its region, the
 * anatomy terms that voted in bold, and negated spans (NegEx scopes) in italics with a dotted
 * underline, so the region split and the negation can be read at a glance. {@code display(...)}
 * shows it as HTML; its {@code toString()} is a plain-text form ({@code [region] sentence}).
 */
public final class ReportHighlight {
  /** Background colours per region key, light enough for black text. */
  static final Map<String, String> COLOURS = Map.of(
      "chest", "#cfe3ff", "abdomen", "#ffe2bf", "pelvis", "#d3f2d0", "unknown", "#e6e6e6");

  private final List<RegionClassifier.Result> results;

  private ReportHighlight(List<RegionClassifier.Result> results) {
    this.results = List.copyOf(results);
  }

  /** A view of already classified sentences (e.g. {@code classifier.classifyText(report)}). */
  public static ReportHighlight of(List<RegionClassifier.Result> results) {
    return new ReportHighlight(results);
  }

  /** Splits and classifies the text with the standard classifier. */
  public static ReportHighlight of(String reportText) {
    return new ReportHighlight(new RegionClassifier().classifyText(reportText));
  }

  public String toHtml() {
    StringBuilder b = new StringBuilder("<div class=\"scribe3d-report\" style=\"font-family:sans-serif;"
        + "line-height:1.9;max-width:60em\">");
    b.append("<div style=\"margin-bottom:0.4em\">");
    for (String key : List.of("chest", "abdomen", "pelvis", "unknown")) {
      b.append(chip(key, key)).append(' ');
    }
    b.append("&nbsp; <b>bold</b>: terms that voted &nbsp; <i style=\"text-decoration:underline dotted\">italic</i>:"
        + " negated (NegEx scope)</div><div>");
    for (RegionClassifier.Result r : results) {
      b.append("<span title=\"").append(r.regionKey()).append("\" style=\"background:")
          .append(COLOURS.get(r.regionKey())).append(";padding:2px 3px;border-radius:3px\">")
          .append(markup(r)).append("</span> ");
    }
    return b.append("</div></div>").toString();
  }

  private static String chip(String key, String text) {
    return "<span style=\"background:" + COLOURS.get(key) + ";padding:2px 6px;border-radius:3px\">"
        + RichOutput.escapeHtml(text) + "</span>";
  }

  /** The sentence with region terms in {@code <b>} and negated characters in {@code <i>}. */
  static String markup(RegionClassifier.Result r) {
    String s = r.sentence();
    boolean[] term = new boolean[s.length()];
    boolean[] negated = new boolean[s.length()];
    for (TermMatch t : r.terms()) {
      if (t.region() != null) {
        fill(term, t.start(), t.end());
      }
    }
    for (Negation.Scope sc : Negation.scopes(s)) {
      int end = sc.end();
      while (end > sc.start() && Character.isWhitespace(s.charAt(end - 1))) {
        end--; // a post-negation scope ends at the trigger, after a space
      }
      fill(negated, sc.start(), end);
    }
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int j = i;
      while (j < s.length() && term[j] == term[i] && negated[j] == negated[i]) {
        j++;
      }
      String text = RichOutput.escapeHtml(s.substring(i, j));
      if (term[i]) {
        text = "<b>" + text + "</b>";
      }
      if (negated[i]) {
        text = "<i style=\"text-decoration:underline dotted\">" + text + "</i>";
      }
      b.append(text);
      i = j;
    }
    return b.toString();
  }

  private static void fill(boolean[] a, int from, int to) {
    for (int k = Math.max(0, from); k < Math.min(a.length, to); k++) {
      a[k] = true;
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (RegionClassifier.Result r : results) {
      b.append(String.format("[%s] %s%n", r.regionKey(), r.sentence()));
    }
    return b.toString();
  }
}
