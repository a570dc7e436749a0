package org.scribe3d.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The tokenizer against the real Stanford PTBTokenizer 3.4.1, the release pycocoevalcap bundles
 * (edu.stanford.nlp:stanford-corenlp:3.4.1 from Maven Central; the repository's own copy of the jar was
 * not retrievable, and its git blob id differs from this jar's, so it may be another build), run as
 * {@code java -cp stanford-corenlp-3.4.1.jar edu.stanford.nlp.process.PTBTokenizer -preserveLines
 * -lowerCase ptb-input.txt}) and against pycocoevalcap's own wrapper
 * ({@code tokenizer/ptbtokenizer.py}, salaniz/pycocoevalcap ad63453) run with that jar.
 *
 * <p>{@code ptb-input.txt} (1169 lines): hand-written edge cases, the report texts of
 * Stanford-AIMI/GREEN tests/test_repro.py and README.md, 800 lines of random fragment and
 * character soup and 300 lines of Unicode, entity and markup soup (generators in {@code gen/}).
 */
class PtbTokenizerTest {

  static String resource(String name) throws IOException {
    try (InputStream in = PtbTokenizerTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void rawTokensEqualTheStanfordJarLineByLine() throws IOException {
    String input = resource("ptb-input.txt");
    List<String> expected = Arrays.asList(resource("ptb-expected-raw.txt").split("\n", -1));
    List<List<String>> lines = PtbTokenizer.lexLines(input);
    assertEquals(1169, lines.size());
    int mismatches = 0;
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      List<String> low = new ArrayList<>();
      lines.get(i).forEach(t -> low.add(t.toLowerCase(Locale.ENGLISH)));
      String got = String.join(" ", low);
      if (!got.equals(expected.get(i))) {
        if (mismatches++ == 0) {
          first.append("line ").append(i + 1).append(": expected [").append(expected.get(i)).append("] got [")
              .append(got).append(']');
        }
      }
    }
    assertEquals(0, mismatches, first.toString());
  }

  @Test
  void cocoTokensEqualPycocoevalcapsWrapper() throws IOException {
    List<String> input = Arrays.asList(resource("ptb-input.txt").split("\n", -1));
    List<String> expected = Arrays.asList(resource("ptb-expected-coco.txt").split("\n", -1));
    assertEquals(expected, PtbTokenizer.tokenizeLines(input));
  }

  @Test
  void veryLongUnbrokenTokensDoNotOverflowTheStack() {
    // java.util.regex recurses per group repetition; the 3.4.1 jar gives each of these as one token
    String dots = "a.".repeat(3000);
    List<String> t = PtbTokenizer.ptbTokens(dots);
    assertEquals(1, t.size());
    assertTrue(dots.equals(t.get(0)), "one acronym token");
    String word = "x".repeat(20000);
    assertTrue(word.equals(PtbTokenizer.coco(word)), "one word token");
  }

  @Test
  void knownQuirks() {
    // "(" becomes -LRB-, lower-cased to -lrb-, which the toolkit's punctuation list (-LRB-) misses
    assertEquals("the lesion -lrb- 1.5 cm -rrb- is stable", PtbTokenizer.coco("The lesion (1.5 cm) is stable."));
    assertEquals("there is n't a 3.5-cm mass", PtbTokenizer.coco("There isn't a 3.5-cm mass."));
    assertEquals("dr. smith 's patient can not", PtbTokenizer.coco("\"Dr. Smith's patient\" cannot..."));
    // abbreviation before a capitalised word of the next line: the reference adds a period token
    assertEquals(List.of("etc.", "next"), PtbTokenizer.tokenizeLines(List.of("Etc.", "Next")));
    assertEquals("", PtbTokenizer.coco(""));
  }
}
