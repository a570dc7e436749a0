package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DataPipelineTest {
  @Test
  void dataOrderIsASeededPermutationPerEpochAndResumable() {
    DataOrder a = new DataOrder(5, 7, 3);
    assertEquals(3, a.microBatchesPerEpoch());
    List<Integer> epoch0 = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      Arrays.stream(a.samples(k)).forEach(epoch0::add);
    }
    assertEquals(7, epoch0.size());
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), epoch0.stream().sorted().toList());
    assertEquals(1, a.samples(2).length); // last micro-batch is short, nothing dropped
    assertFalse(Arrays.equals(a.permutation(0), a.permutation(1)), "epochs should be reshuffled");
    DataOrder b = new DataOrder(5, 7, 3);
    assertArrayEquals(a.samples(4), b.samples(4)); // a resumed process gets the same micro-batch
    assertEquals(a.sampleRandom(1, 3).nextLong(), b.sampleRandom(1, 3).nextLong());
    assertNotEquals(a.sampleRandom(1, 3).nextLong(), a.sampleRandom(2, 3).nextLong());
    assertFalse(Arrays.equals(new DataOrder(6, 7, 3).permutation(0), a.permutation(0)));
  }

  @Test
  void groupedOrderKeepsEachGroupTogether() {
    int[] groupOf = {0, 0, 0, 1, 1, 2, 2, 2, 2, 3};
    DataOrder g = new DataOrder(9, groupOf.length, 4, groupOf);
    for (int epoch = 0; epoch < 3; epoch++) {
      int[] p = g.permutation(epoch);
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), Arrays.stream(p).sorted().boxed().toList());
      int changes = 0;
      for (int i = 1; i < p.length; i++) {
        changes += groupOf[p[i]] != groupOf[p[i - 1]] ? 1 : 0;
      }
      assertEquals(3, changes, "groups must stay contiguous: " + Arrays.toString(p));
    }
    assertFalse(Arrays.equals(g.permutation(0), g.permutation(1)));
    assertArrayEquals(g.permutation(2), new DataOrder(9, groupOf.length, 4, groupOf).permutation(2));
  }

  @Test
  void prefetchKeepsSequenceOrderWhateverTheTimingAndRethrows() throws Exception {
    AtomicInteger maxAhead = new AtomicInteger();
    int[] consumed = {0};
    try (PrefetchLoader<Long> l = new PrefetchLoader<>(i -> {
      Thread.sleep((i * 7) % 3); // uneven work
      maxAhead.accumulateAndGet((int) (i - consumed[0]), Math::max);
      return i * i;
    }, 3, 40, 4, "test-loader")) {
      for (long i = 3; i < 40; i++) {
        assertEquals(i * i, l.next());
        consumed[0]++;
        if (i % 10 == 0) {
          Thread.sleep(20); // consumer slower: the loader runs ahead, bounded by the queue
        }
      }
      assertFalse(l.hasNext());
    }
    assertTrue(maxAhead.get() >= 2 && maxAhead.get() <= 3 + 4 + 2, "ahead " + maxAhead.get());
    try (PrefetchLoader<Integer> l = new PrefetchLoader<>(i -> {
      if (i == 2) {
        throw new IOException("bad sample 2");
      }
      return (int) i;
    }, 0, 5, 2, "test-loader")) {
      assertEquals(0, l.next());
      assertEquals(1, l.next());
      IOException e = assertThrows(IOException.class, l::next);
      assertEquals("bad sample 2", e.getMessage());
    }
    // closing while the worker is blocked on a full queue does not hang
    PrefetchLoader<Integer> l = new PrefetchLoader<>(i -> (int) i, 0, 1000, 1, "test-loader");
    Thread.sleep(20);
    l.close();
  }
}
