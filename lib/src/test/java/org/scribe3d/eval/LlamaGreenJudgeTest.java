package org.scribe3d.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.llama.LlamaForCausalLM;

public class LlamaGreenJudgeTest {
  @TempDir Path tmp;

  /**
   * A small random Llama-2-architecture judge (RoPE theta 10000, no GQA, untied head) with the
   * Llama-3 tokenizer's vocabulary; no tokenizer.json, so the vendored one is used.
   */
  public static Path llama2Judge(Path dir) {
    LlamaConfig c = LlamaConfig.of(64, 128, 2, 4, 4, 128256, false).withRopeTheta(10000);
    try (NDManager m = NDManager.newBaseManager()) {
      new LlamaForCausalLM(c, m, DataType.FLOAT32, 7).saveHf(dir, null, Long.MAX_VALUE);
    }
    return dir;
  }

  @Test
  void inputIsBosTextEosTruncatedOnTheRight() {
    assertArrayEquals(new long[] {1, 5, 6, 7, 2}, LlamaGreenJudge.inputIds(new long[] {5, 6, 7}, 1, 2, 10));
    // too long: BOS and EOS kept, the text cut at the end (HF right truncation)
    assertArrayEquals(new long[] {1, 5, 6, 2}, LlamaGreenJudge.inputIds(new long[] {5, 6, 7, 8}, 1, 2, 4));
    assertEquals(16, LlamaGreenJudge.budget(16, 100));
    assertEquals(48, LlamaGreenJudge.budget(512, LlamaGreenJudge.MAX_LENGTH - 48));
    assertEquals(0, LlamaGreenJudge.budget(512, LlamaGreenJudge.MAX_LENGTH));
  }

  @Test
  void randomLlama2JudgeRunsEndToEnd() throws Exception {
    Path dir = llama2Judge(Files.createDirectories(tmp.resolve("judge")));
    StringWriter notes = new StringWriter();
    try (LlamaGreenJudge judge = LlamaGreenJudge.open(dir, 16, new PrintWriter(notes, true))) {
      assertTrue(notes.toString().contains("no tokenizer.json"), notes.toString());
      assertEquals(1, notes.toString().lines().count());
      String chat = GreenPrompt.chat(GreenPrompt.make("Small left pleural effusion.", "No effusion."));
      String a = judge.complete(chat);
      String b = judge.complete(chat);
      assertNotNull(a);
      assertEquals(a, b, "greedy decoding is deterministic");
      GreenParser.Result r = GreenParser.parse(a);
      // a random model cannot produce GREEN's format: the response must be counted, not scored
      assertTrue(r.parseable() || Double.isNaN(r.score()), "unparseable responses carry no score");
    }
  }

  @Test
  void badDirectoriesAreOneLineErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LlamaGreenJudge.open(tmp.resolve("nope"), 16, null));
    assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("does not exist"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LlamaGreenJudge.open(tmp, 16, null));
    assertTrue(e.getMessage().contains("no config.json"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LlamaGreenJudge.open(tmp, 0, null));
    assertTrue(e.getMessage().contains("--green-max-new-tokens"), e.getMessage());
  }
}
