package org.scribe3d.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * GREEN prompt and parser against Stanford-AIMI/GREEN (commit d72c1951e69683b93405968901fd4f14cc6c27b0,
 * github.com/Stanford-AIMI/GREEN). {@code green-vectors.json} holds the five judge outputs that the
 * repository's own test {@code tests/test_repro.py} expects ({@code expected_green_score_list}) plus
 * edge cases of ours; the expected counts and scores come from running the repository's
 * {@code parse_error_counts}, {@code compute_green}, {@code compute_error_count} and
 * {@code clean_responses} on them ({@code gen/gen_green.py}); its test asserts the judge's scores equal
 * {@code compute_green} of these strings. Prompts come from its {@code make_prompt}.
 */
class GreenTest {

  static JsonObject vectors() {
    try (var in = GreenTest.class.getResourceAsStream("green-vectors.json")) {
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void parserReproducesTheReferenceOnItsExpectedOutputsAndEdgeCases() {
    int n = 0;
    for (JsonElement e : vectors().getAsJsonArray("responses")) {
      JsonObject c = e.getAsJsonObject();
      GreenParser.Result r = GreenParser.parse(c.get("response").getAsString());
      String what = c.get("source").getAsString() + " #" + n;
      assertEquals(c.get("cleaned").getAsString(), r.cleaned(), what);
      int[] counts = new int[7];
      for (int i = 0; i < 7; i++) {
        counts[i] = c.getAsJsonArray("counts").get(i).getAsInt();
      }
      int[] got = new int[7];
      System.arraycopy(r.significant(), 0, got, 0, 6);
      got[6] = r.matched();
      assertArrayEquals(counts, got, what);
      int[] ins = new int[6];
      for (int i = 0; i < 6; i++) {
        ins[i] = c.getAsJsonArray("insignificant").get(i).getAsInt();
      }
      assertArrayEquals(ins, r.insignificant(), what);
      assertEquals(c.get("score").getAsDouble(), r.referenceScore(), 1e-12, what);
      assertEquals(c.get("sections_found").getAsBoolean(), r.parseable(), what);
      n++;
    }
    assertEquals(14, n);
  }

  @Test
  void theRepositorysFiveExpectedScores() {
    // tests/test_repro.py expected_green_score_list: matched 0 -> 0; 1/(1+5); 2/(2+4); 1/(1+1); 1/(1+3)
    double[] expected = {0, 1 / 6.0, 1 / 3.0, 0.5, 0.25};
    var responses = vectors().getAsJsonArray("responses");
    for (int i = 0; i < 5; i++) {
      GreenParser.Result r = GreenParser.parse(responses.get(i).getAsJsonObject().get("response").getAsString());
      assertEquals(expected[i], r.score(), 1e-12);
    }
  }

  @Test
  void unparseableResponseIsNotScored() {
    GreenParser.Result r = GreenParser.parse("I cannot evaluate these reports.");
    assertTrue(!r.parseable());
    assertTrue(Double.isNaN(r.score()));
  }

  @Test
  void promptIsByteIdenticalToMakePrompt() {
    int n = 0;
    for (JsonElement e : vectors().getAsJsonArray("prompts")) {
      JsonObject p = e.getAsJsonObject();
      assertEquals(p.get("prompt").getAsString(),
          GreenPrompt.make(p.get("reference").getAsString(), p.get("candidate").getAsString()));
      n++;
    }
    assertEquals(3, n);
  }

  @Test
  void chatTemplateAsTransformersRendersIt() {
    // rendered with jinja2 (trim_blocks, lstrip_blocks) from GREEN's chat_template in green.py
    assertEquals("<|user|>\nPROMPT</s>\n<|assistant|>\n</s>\n<|assistant|>\n", GreenPrompt.chat("PROMPT"));
  }
}
