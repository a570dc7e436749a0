package org.scribe3d.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.scribe3d.data.PromptTemplates;
import org.scribe3d.data.Question;
import org.scribe3d.data.Region;

class PromptBuilderTest {
  /** Word-level fake: each whitespace-separated word (with its leading space) is one id from a table. */
  static final class FakeTokenizer implements TextTokenizer {
    final List<String> words = new ArrayList<>(List.of("<bos>", "<eos>", "<img>"));

    @Override
    public long[] encodeNoBos(String text) {
      List<Long> out = new ArrayList<>();
      String[] parts = text.split("(?= )");
      for (String p : parts) {
        if (p.isEmpty()) {
          continue;
        }
        int i = words.indexOf(p);
        if (i < 0) {
          words.add(p);
          i = words.size() - 1;
        }
        out.add((long) i + 100);
      }
      return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public String decode(long[] ids) {
      StringBuilder sb = new StringBuilder();
      for (long id : ids) {
        if (id >= 100) {
          sb.append(words.get((int) id - 100));
        }
      }
      return sb.toString();
    }

    @Override
    public long bosId() {
      return 0;
    }

    @Override
    public long eosId() {
      return 1;
    }
  }

  static final long IMG = 2;

  @Test
  void layoutAndLabels() {
    FakeTokenizer tok = new FakeTokenizer();
    PromptBuilder pb = new PromptBuilder(tok, 4, IMG, 64);
    PromptExample e = pb.example("Describe it.", "Liver is normal.");
    long[] p = tok.encodeNoBos("Describe it.");
    long[] a = tok.encodeNoBos(" Liver is normal.");
    assertEquals(2, p.length);
    assertEquals(3, a.length);
    long[] ids = e.inputIds();
    assertEquals(1 + 4 + 2 + 3 + 1, ids.length);
    assertEquals(0, ids[0]);
    assertArrayEquals(new long[] {IMG, IMG, IMG, IMG}, Arrays.copyOfRange(ids, 1, 5));
    assertArrayEquals(p, Arrays.copyOfRange(ids, 5, 7));
    assertArrayEquals(a, Arrays.copyOfRange(ids, 7, 10));
    assertEquals(1, ids[10]);
    long I = PromptBuilder.IGNORE;
    assertArrayEquals(new long[] {I, I, I, I, I, I, I, a[0], a[1], a[2], 1}, e.labels());
    assertEquals(7, e.promptLength());
    assertFalse(e.truncated());
    assertArrayEquals(Arrays.copyOf(ids, 7), pb.prompt("Describe it."));
    assertEquals("Describe it. Liver is normal.", tok.decode(ids));
  }

  @Test
  void truncationCutsTheAnswerAndDropsEos() {
    FakeTokenizer tok = new FakeTokenizer();
    PromptBuilder pb = new PromptBuilder(tok, 4, IMG, 10);
    PromptExample e = pb.example("Describe it.", "a b c d e f g");
    assertEquals(10, e.length());
    assertTrue(e.truncated());
    assertEquals(tok.encodeNoBos(" a")[0], e.inputIds()[7]);
    assertEquals(tok.encodeNoBos(" c")[0], e.inputIds()[9]); // a, b, c kept; no EOS
    assertEquals(e.inputIds()[9], e.labels()[9]);
    PromptExample fits = pb.example("Describe it.", "a b");
    assertFalse(fits.truncated());
    assertEquals(10, fits.length());
    assertEquals(1, fits.inputIds()[9]);
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
        () -> pb.example("one two three four five", "a"));
    assertTrue(x.getMessage().contains("does not fit max length 10"), x.getMessage());
  }

  @Test
  void collationPadsRightMasksAndMapsVocabulary() {
    FakeTokenizer tok = new FakeTokenizer();
    PromptBuilder pb = new PromptBuilder(tok, 2, IMG, 64);
    PromptExample e1 = pb.example("Q?", "yes it is");
    PromptExample e2 = pb.example("Q?", "no");
    try (NDManager m = NDManager.newBaseManager()) {
      PromptBatch b = PromptBatch.collate(List.of(e1, e2), m, 1, null);
      int t = e1.length();
      assertEquals(new Shape(2, t), b.inputIds().getShape());
      long[] ids = b.inputIds().toLongArray();
      float[] mask = b.attentionMask().toFloatArray();
      long[] labels = b.labels().toLongArray();
      for (int j = 0; j < t; j++) {
        assertEquals(e1.inputIds()[j], ids[j]);
        assertEquals(1f, mask[j]);
        boolean real = j < e2.length();
        assertEquals(real ? e2.inputIds()[j] : 1, ids[t + j]);
        assertEquals(real ? 1f : 0f, mask[t + j]);
        assertEquals(real ? e2.labels()[j] : PromptBuilder.IGNORE, labels[t + j]);
      }
      assertEquals(4 + 2, b.labelledTokens()); // 3 + EOS and 1 + EOS
      // the same batch through a restricted vocabulary
      VocabMap.Builder vb = new VocabMap.Builder().add(0, 1, IMG);
      for (PromptExample e : List.of(e1, e2)) {
        vb.add(e.inputIds());
      }
      VocabMap vm = vb.build();
      PromptBatch c = PromptBatch.collate(List.of(e1, e2), m, 1, vm);
      long[] cids = c.inputIds().toLongArray();
      long[] clab = c.labels().toLongArray();
      for (int i = 0; i < ids.length; i++) {
        assertEquals(ids[i], vm.toOriginal(cids[i]));
        assertEquals(labels[i], clab[i] == PromptBuilder.IGNORE ? PromptBuilder.IGNORE : vm.toOriginal(clab[i]));
        assertTrue(cids[i] < vm.size());
      }
    }
  }

  @Test
  void vocabMapRoundTripsAndRejectsUnknownIds() {
    VocabMap vm = VocabMap.of(List.of(128001L, 5L, 791L, 128000L, 5L));
    assertEquals(4, vm.size());
    assertArrayEquals(new long[] {0, 2, 3, 1}, vm.toCompact(new long[] {5, 128000, 128001, 791}));
    assertArrayEquals(new long[] {5, 128000}, vm.toOriginal(new long[] {0, 2}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vm.toCompact(6));
    assertTrue(e.getMessage().contains("token id 6 is outside the model's restricted vocabulary of 4 tokens"));
    assertArrayEquals(new long[] {0, 1, 0}, vm.toCompactOr(new long[] {5, 791, 42}, 5));
    assertEquals(vm, VocabMap.fromJson(JsonParser.parseString(vm.toJson().toString()), "x"));
    assertThrows(IllegalArgumentException.class, () -> VocabMap.fromJson(JsonParser.parseString("[3, 2]"), "x"));
  }

  @Test
  void templates() {
    // the training prompts (data.PromptTemplates, what Examples trains on and generation asks)
    assertEquals("Describe the findings of the medical image you see.", PromptTemplates.MRG_WHOLE);
    assertEquals("Describe the findings of the pelvis in this CT scan.", PromptTemplates.mrg(Region.PELVIS));
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("B", "Right");
    opts.put("A", "Left");
    opts.put("C", "Both");
    opts.put("D", "Neither");
    Question q = new Question("Which kidney has the cyst?", opts, "B", "location");
    assertEquals("Which kidney has the cyst? Choices: A. Left B. Right C. Both D. Neither", PromptTemplates.vqa(q));
    assertEquals("B. Right", PromptTemplates.vqaAnswer(q));
  }

  /** With the real Llama-3 tokenizer: the answer tokens equal those of prompt and answer tokenised together. */
  @Test
  void realLlama3TokenizerKeepsJointTokenisation() {
    try (Llama3Tokenizer real = Llama3Tokenizer.vendored()) {
      TextTokenizer tok = TextTokenizer.of(real);
      assertEquals("<|reserved_special_token_0|>", real.decodeWithSpecial(new long[] {128002}));
      PromptBuilder pb = new PromptBuilder(tok, 256, 128002, 512);
      String prompt = PromptTemplates.mrg(Region.ABDOMEN);
      String answer = "A 2.1 cm hypodense lesion in segment VII of the liver. No ascites.";
      PromptExample e = pb.example(prompt, answer);
      long[] joint = real.encode(prompt + " " + answer);
      long[] ours = new long[e.length() - 256 - 1]; // drop image run and EOS, keep BOS
      ours[0] = e.inputIds()[0];
      System.arraycopy(e.inputIds(), 257, ours, 1, ours.length - 1);
      assertArrayEquals(joint, ours);
      assertEquals(128000, e.inputIds()[0]);
      assertEquals(128001, e.inputIds()[e.length() - 1]);
      assertEquals(answer, real.decode(Arrays.copyOfRange(e.inputIds(), e.promptLength(), e.length())).strip());
    }
  }
}
