package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
  @Test
  void warmupThenCosineToZeroAsHuggingFace() {
    LrSchedule s = LrSchedule.warmupCosine(2.0, 2, 6);
    assertEquals(0.0, s.lr(0), 0);
    assertEquals(1.0, s.lr(1), 1e-15);
    assertEquals(2.0, s.lr(2), 1e-15);
    assertEquals(2.0 * 0.5 * (1 + Math.cos(Math.PI / 4)), s.lr(3), 1e-15);
    assertEquals(1.0, s.lr(4), 1e-15);
    assertEquals(0.0, s.lr(6), 1e-15);
    assertEquals(2.0 * 0.5 * (1 + Math.cos(Math.PI * 5 / 4)), s.lr(7), 1e-15); // HF keeps the cosine past the end
    assertEquals(10, LrSchedule.warmupSteps(0.1, 95)); // ceil(9.5)
    assertEquals(0, LrSchedule.warmupSteps(0.0, 95));
    LrSchedule noWarmup = LrSchedule.warmupCosine(1.0, 0, 4);
    assertEquals(1.0, noWarmup.lr(0), 0);
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupSteps(1.5, 10));
  }

  @Test
  void warmupThenConstantAsHuggingFace() { // get_constant_schedule_with_warmup
    LrSchedule s = LrSchedule.named(LrSchedule.CONSTANT, 2.0, 4, 100);
    assertEquals(0.0, s.lr(0), 0);
    assertEquals(1.0, s.lr(2), 1e-15);
    assertEquals(2.0, s.lr(4), 0);
    assertEquals(2.0, s.lr(1000), 0);
    assertEquals(LrSchedule.warmupCosine(2.0, 4, 100).lr(37), LrSchedule.named(LrSchedule.COSINE, 2.0, 4, 100).lr(37), 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig().schedule("linear"));
    assertEquals("unknown learning-rate schedule 'linear' (expected cosine or constant)", e.getMessage());
  }
}
