package org.scribe3d.data;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summary numbers of a dataset: cases per split, regions with findings, questions by type, the
 * balance of correct answer letters, report lengths (words) and the number of training examples.
 */
public record DatasetStats(String name, String format, int cases, Map<String, Integer> casesPerSplit,
    Map<String, Integer> regionsWithFindings, Map<String, Integer> questionsByType,
    Map<String, Integer> answerLetters, WordStats reportWords, Map<String, WordStats> regionWords,
    int mrgExamples, int vqaExamples) {

  /** Words per report (mean, min, max) over the reports counted. */
  public record WordStats(int count, double mean, int min, int max) {
    static WordStats of(List<Integer> v) {
      if (v.isEmpty()) {
        return new WordStats(0, 0, 0, 0);
      }
      int min = Integer.MAX_VALUE;
      int max = 0;
      long sum = 0;
      for (int x : v) {
        min = Math.min(min, x);
        max = Math.max(max, x);
        sum += x;
      }
      return new WordStats(v.size(), (double) sum / v.size(), min, max);
    }
  }

  public static int words(String s) {
    String t = s.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  public static DatasetStats of(Dataset d) {
    Map<String, Integer> perSplit = new LinkedHashMap<>();
    for (Split s : Split.values()) {
      int n = d.split(s).size();
      if (n > 0 || s != Split.TEST) {
        perSplit.put(s.key(), n);
      }
    }
    Map<Region, Integer> withFindings = new EnumMap<>(Region.class);
    Map<Region, List<Integer>> regionLens = new EnumMap<>(Region.class);
    for (Region r : Region.values()) {
      withFindings.put(r, 0);
      regionLens.put(r, new java.util.ArrayList<>());
    }
    Map<String, Integer> byType = new TreeMap<>();
    Map<String, Integer> letters = new LinkedHashMap<>();
    for (String l : PromptTemplates.LETTERS) {
      letters.put(l, 0);
    }
    List<Integer> caseLens = new java.util.ArrayList<>();
    int mrg = 0;
    int vqa = 0;
    for (Case c : d.cases()) {
      int total = 0;
      for (Region r : Region.values()) {
        if (c.hasFindings(r)) {
          withFindings.merge(r, 1, Integer::sum);
          int w = words(c.findings().get(r));
          regionLens.get(r).add(w);
          total += w;
          mrg++;
        }
      }
      caseLens.add(total);
      for (Question q : c.questions()) {
        byType.merge(q.type(), 1, Integer::sum);
        letters.merge(q.answer(), 1, Integer::sum);
        vqa++;
      }
    }
    Map<String, Integer> regions = new LinkedHashMap<>();
    Map<String, WordStats> rw = new LinkedHashMap<>();
    for (Region r : Region.values()) {
      regions.put(r.key(), withFindings.get(r));
      rw.put(r.key(), WordStats.of(regionLens.get(r)));
    }
    return new DatasetStats(d.name(), d.format(), d.cases().size(), perSplit, regions, byType, letters,
        WordStats.of(caseLens), rw, mrg, vqa);
  }
}
