package org.scribe3d.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteorTest {

  /**
   * The Porter stemmer against Snowball's "porter" algorithm (python3-snowballstemmer, Debian 12,
   * {@code snowballstemmer.stemmer('porter').stemWords(words)}) on 1221 words: radiology text from
   * Stanford-AIMI/GREEN inference/total_mean_error_radiologist_categories.csv and the examples of
   * Porter's paper.
   */
  @Test
  void porterStemmerEqualsSnowballPorter() throws IOException {
    String tsv;
    try (InputStream in = MeteorTest.class.getResourceAsStream("porter-snowball.tsv")) {
      tsv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    int n = 0;
    for (String line : tsv.split("\n")) {
      String[] p = line.split("\t", -1);
      assertEquals(p[1], PorterStemmer.stem(p[0]), "stem of " + p[0]);
      n++;
    }
    assertEquals(1221, n);
    assertEquals("gener", PorterStemmer.stem("generalizations"));
  }

  /**
   * nlg-eval's published METEOR (Maluuba/nlg-eval nlgeval/tests/test_nlgeval.py @ 2ab4528, METEOR 1.5
   * jar) for "this is a good test" against two references: 0.44434387. Only exact matches occur, so
   * our exact+stem METEOR must give the same value.
   */
  @Test
  void exactOnlyCaseEqualsMeteor15() {
    double s = Meteor.score(List.of("this", "is", "a", "good", "test"),
        List.of(List.of("this", "is", "a", "test"), List.of("this", "is", "also", "a", "test")));
    assertEquals(0.44434387, s, 1e-8);
  }

  @Test
  void handComputedStemMatchAndPenalty() {
    // hyp "nodules enlarged" vs ref "enlarged nodule": "enlarged" exact, "nodules"~"nodule" by stem.
    // both content words: P = R = (1.0 + 0.6) / 2 = 0.8; Fmean = 0.8; matches cross over: 2 chunks / 2
    // matches -> frag 1, penalty 0.6; score = 0.8 * 0.4 = 0.32
    double s = Meteor.score(List.of("nodules", "enlarged"), List.of(List.of("enlarged", "nodule")));
    assertEquals(0.32, s, 1e-12);
    // identical: one chunk covering everything, no penalty
    assertEquals(1.0, Meteor.score(List.of("small", "left", "effusion"),
        List.of(List.of("small", "left", "effusion"))), 1e-12);
    assertEquals(0.0, Meteor.score(List.of("x"), List.of(List.of("y"))), 0);
  }

  @Test
  void longTextsUseTheSameOrder() {
    List<String> words = new java.util.ArrayList<>();
    for (int i = 0; i < 4200; i++) {
      words.add("w" + i); // over 4095 tokens: the field-by-field order is used
    }
    assertEquals(1.0, Meteor.score(words, List.of(words)), 1e-12);
  }

  @Test
  void corpusScoreAggregatesStatisticsNotScores() {
    CocoCorpus c = CocoCorpus.of(List.of("lung liver kidney spleen", "x y"),
        List.of(List.of("lung liver kidney spleen"), List.of("z w")));
    assertEquals(1.0, c.meteorOfCase(0), 1e-12);
    assertEquals(0.0, c.meteorOfCase(1), 1e-12);
    // summed statistics: P = R = 4/6 (all content words), 1 chunk over 4 matches
    double pr = 4 / 6.0;
    double expected = pr * (1 - 0.6 * Math.pow(1 / 4.0, 0.2));
    assertEquals(expected, c.meteor(null), 1e-12);
    assertTrue(c.meteor(null) != (1.0 + 0.0) / 2);
  }
}
