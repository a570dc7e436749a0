package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scribe3d.prompt.PromptExample;

class PackedLayoutTest {
  static final long I = org.scribe3d.prompt.PromptBuilder.IGNORE;

  /** BOS 1, two placeholders 9, then prompt (unlabelled) and answer (labelled) tokens. */
  static PromptExample ex(long[] rest, long[] restLabels) {
    long[] ids = new long[3 + rest.length];
    long[] labels = new long[ids.length];
    ids[0] = 1;
    ids[1] = 9;
    ids[2] = 9;
    labels[0] = labels[1] = labels[2] = I;
    System.arraycopy(rest, 0, ids, 3, rest.length);
    System.arraycopy(restLabels, 0, labels, 3, rest.length);
    return new PromptExample(ids, labels, 3, false);
  }

  @Test
  void eachScansPrefixOnceThenItsExamples() {
    PromptExample a1 = ex(new long[] {20, 21, 22}, new long[] {I, 21, 22});
    PromptExample b1 = ex(new long[] {30, 31}, new long[] {I, 31});
    PromptExample a2 = ex(new long[] {40, 41}, new long[] {I, 41});
    PackedLayout p = PackedLayout.pack(List.of(a1, b1, a2), new int[] {0, 1, 0}, 3, 1, 2);
    // scan 0: prefix, a1, a2; scan 1: prefix, b1
    assertArrayEquals(new long[] {1, 9, 9, 20, 21, 22, 40, 41, 1, 9, 9, 30, 31}, p.ids());
    assertArrayEquals(new long[] {I, I, I, I, 21, 22, I, 41, I, I, I, I, 31}, p.labels());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 3, 4, 0, 1, 2, 3, 4}, p.positions());
    assertArrayEquals(new int[] {-1, 0, 1, -1, -1, -1, -1, -1, -1, 2, 3, -1, -1}, p.imageRow());
    int t = p.length();
    // a2's first token (6) sees scan 0's prefix and itself, not a1
    assertTrue(p.allowed()[6 * t]);
    assertTrue(p.allowed()[6 * t + 2]);
    assertTrue(!p.allowed()[6 * t + 3] && !p.allowed()[6 * t + 5]);
    assertTrue(p.allowed()[7 * t + 6] && !p.allowed()[6 * t + 7]); // causal within a2
    // b1 sees only scan 1's prefix
    assertTrue(!p.allowed()[11 * t] && p.allowed()[11 * t + 8] && p.allowed()[11 * t + 10]);
    // prefix positions: causal within their own prefix
    assertTrue(p.allowed()[2 * t + 1] && !p.allowed()[1 * t + 2] && !p.allowed()[9 * t + 2]);
    float[] bias = p.bias();
    assertEquals(0f, bias[6 * t]);
    assertEquals(-Float.MAX_VALUE, bias[6 * t + 3]);
  }

  @Test
  void promptTokensAScansExamplesShareAreSharedToo() {
    // both examples of scan 0 start with the same hint (50, 51) after the image; the shared part stops at the token
    // before each one's first answer token, so scan 1's single example keeps its prompt token 30 in its remainder
    PromptExample a1 = ex(new long[] {50, 51, 20, 21}, new long[] {I, I, I, 21});
    PromptExample a2 = ex(new long[] {50, 51, 40, 41, 42}, new long[] {I, I, I, 41, 42});
    PromptExample b1 = ex(new long[] {50, 30, 31}, new long[] {I, I, 31});
    PackedLayout p = PackedLayout.pack(List.of(a1, b1, a2), new int[] {0, 1, 0}, 3, 1, 2);
    assertArrayEquals(new long[] {1, 9, 9, 50, 51, 20, 21, 40, 41, 42, 1, 9, 9, 50, 30, 31}, p.ids());
    assertArrayEquals(new long[] {I, I, I, I, I, I, 21, I, 41, 42, I, I, I, I, I, 31}, p.labels());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 5, 6, 7, 0, 1, 2, 3, 4, 5}, p.positions());
    int t = p.length();
    assertTrue(p.allowed()[7 * t + 4] && !p.allowed()[7 * t + 5] && !p.allowed()[7 * t + 6]); // a2 sees the hint, not a1
    assertTrue(p.allowed()[14 * t + 13] && !p.allowed()[14 * t + 4]);
  }

  @Test
  void refusesWhatCannotBePacked() {
    PromptExample a = ex(new long[] {20, 21}, new long[] {I, 21});
    PromptExample labelledFirst = ex(new long[] {20, 21}, new long[] {20, 21});
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PackedLayout.pack(List.of(a, labelledFirst), new int[] {0, 1}, 3, 1, 2)).getMessage()
        .contains("labelled"));
    PromptExample otherPrefix = new PromptExample(new long[] {1, 9, 8, 20, 21}, new long[] {I, I, I, I, 21}, 3, false);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PackedLayout.pack(List.of(a, otherPrefix), new int[] {0, 0}, 3, 1, 2)).getMessage()
        .contains("differ"));
    PromptExample onlyPrefix = new PromptExample(new long[] {1, 9, 9}, new long[] {I, I, I}, 3, false);
    assertThrows(IllegalArgumentException.class, () -> PackedLayout.pack(List.of(onlyPrefix), new int[] {0}, 3, 1, 2));
    assertThrows(IllegalArgumentException.class, () -> PackedLayout.pack(List.of(a), new int[] {0, 1}, 3, 1, 2));
  }

}
