package org.scribe3d.notebook;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.scribe3d.data.Finding;
import org.scribe3d.data.Region;
import org.scribe3d.text.ConfusionMatrix;
import org.scribe3d.text.Negation;
import org.scribe3d.text.RegionClassifier;

/**
 * Display forms of the text package's results for notebooks and reports: a classified sentence as a
 * table row, a sentence with its negated spans in brackets, a finding in one line, a confusion
 * matrix's summary row, and the naive "split after every period" that {@code SentenceSplitter} is
 * compared against.
 */
public final class TextViews {
  private TextViews() {}

  /**
   * The naive sentence split many preprocessing scripts use: a sentence ends after every period.
   * Shown beside {@code SentenceSplitter.split} to make its rules visible; not for real use.
   */
  public static List<String> naiveSplit(String text) {
    return Arrays.stream(text.split("(?<=\\.)")).map(String::strip).filter(s -> !s.isEmpty())
        .collect(Collectors.toList());
  }

  /**
   * A classified sentence as a table row: the sentence, its region, the matched terms (text, kind,
   * region) and one score column per region.
   */
  public static Map<String, Object> classifiedRow(RegionClassifier.Result r) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("sentence", r.sentence());
    row.put("region", r.regionKey());
    row.put("matched terms", r.terms().stream()
        .map(t -> t.text() + " (" + t.kind() + ", " + t.regionKey() + ")").collect(Collectors.joining("; ")));
    for (Region g : Region.values()) {
      row.put(g.key(), r.scores().get(g));
    }
    return row;
  }

  /** The sentence with each negated span ({@link Negation#scopes}) in [brackets], trailing spaces kept outside. */
  public static String bracketNegations(String sentence) {
    StringBuilder b = new StringBuilder(sentence);
    List<Negation.Scope> scopes = new ArrayList<>(Negation.scopes(sentence));
    scopes.sort(Comparator.comparingInt(Negation.Scope::start).reversed());
    for (Negation.Scope s : scopes) {
      int end = s.end();
      while (end > s.start() && Character.isWhitespace(sentence.charAt(end - 1))) {
        end--;
      }
      b.insert(end, "]").insert(s.start(), "[");
    }
    return b.toString();
  }

  /** A finding in one line: "NOT " when negated, its type key, then side, size and location where known. */
  public static String describe(Finding f) {
    return (f.negated() ? "NOT " : "") + f.type().key()
        + (f.side() != null ? ", " + f.side() : "")
        + (f.sizeMm() != null ? ", " + f.sizeMm() + " mm" : "")
        + (f.location() != null ? ", " + f.location() : "");
  }

  /** Findings described one after another, separated by "; ". */
  public static String describe(List<Finding> findings) {
    return findings.stream().map(TextViews::describe).collect(Collectors.joining("; "));
  }

  /**
   * A confusion matrix's summary as a table row: the set's name, sentences, accuracy and the recall
   * of each label, rounded to three decimals.
   */
  public static Map<String, Object> accuracyRow(String set, ConfusionMatrix cm) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("set", set);
    row.put("sentences", cm.total());
    row.put("accuracy", Tables.round(cm.accuracy(), 3));
    for (String label : ConfusionMatrix.LABELS) {
      row.put("recall " + label, Tables.round(cm.recall(label), 3));
    }
    return row;
  }

  /**
   * Sentences per region in a {@code scribe3d regions --out} file (one JSON object per sentence with
   * a "region" field), every label of {@link ConfusionMatrix#LABELS} present.
   */
  public static Map<String, Integer> sentencesPerRegion(Path sentencesJsonl) throws IOException {
    Map<String, Integer> per = new LinkedHashMap<>();
    ConfusionMatrix.LABELS.forEach(l -> per.put(l, 0));
    for (String line : Files.readAllLines(sentencesJsonl, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        per.merge(JsonParser.parseString(line).getAsJsonObject().get("region").getAsString(), 1, Integer::sum);
      }
    }
    return per;
  }
}
