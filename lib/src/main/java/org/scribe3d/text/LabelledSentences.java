package org.scribe3d.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.data.FindingType;

/**
 * A hand-labelled sentence set (TSV: region, findings, sentence; '#' comments; one header row) and
 * its evaluation. The Scribe3D set lives in lib/src/test/resources/text/labelled_sentences.tsv.
 */
public final class LabelledSentences {
  private LabelledSentences() {}

  /** A labelled finding: type and whether the sentence states it is absent. */
  public record Label(FindingType type, boolean negated) {}

  public record Item(int line, String region, List<Label> findings, String sentence) {}

  public static List<Item> read(Path file) throws IOException {
    List<Item> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    boolean header = false;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.isBlank() || l.startsWith("#")) {
        continue;
      }
      if (!header) {
        header = true;
        continue;
      }
      String[] c = l.split("\t", -1);
      String where = file + ":" + (i + 1);
      if (c.length != 3) {
        throw new IllegalArgumentException(where + ": expected 3 tab-separated columns, got " + c.length);
      }
      String region = c[0].strip();
      if (!ConfusionMatrix.LABELS.contains(region)) {
        throw new IllegalArgumentException(where + ": bad region '" + region + "'");
      }
      List<Label> labels = new ArrayList<>();
      if (!c[1].strip().equals(".")) {
        for (String f : c[1].split(";")) {
          String t = f.strip();
          char sign = t.charAt(t.length() - 1);
          if (sign != '+' && sign != '-') {
            throw new IllegalArgumentException(where + ": finding '" + t + "' must end in + or -");
          }
          try {
            labels.add(new Label(FindingType.parse(t.substring(0, t.length() - 1)), sign == '-'));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
          }
        }
      }
      out.add(new Item(i + 1, region, List.copyOf(labels), c[2].strip()));
    }
    return out;
  }

  /** Region confusion matrix of the classifier on the items. */
  public static ConfusionMatrix evaluateRegions(RegionClassifier classifier, List<Item> items) {
    ConfusionMatrix cm = new ConfusionMatrix();
    for (Item it : items) {
      cm.add(it.region(), classifier.classify(it.sentence()).regionKey());
    }
    return cm;
  }

  /** Convenience for notebooks: the region confusion matrix of the standard classifier on a TSV file. */
  public static ConfusionMatrix evaluateRegions(Path file) throws IOException {
    return evaluateRegions(new RegionClassifier(), read(file));
  }
}
