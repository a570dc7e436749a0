package org.scribe3d.train;

/**
 * The learning rate as a function of the optimizer step (0-based: the rate used by the first update
 * is {@code lr(0)}), like a torch LambdaLR stepped once after every optimizer step.
 */
@FunctionalInterface
public interface LrSchedule {
  double lr(long step);

  /** A constant rate. */
  static LrSchedule constant(double lr) {
    return step -> lr;
  }

  /**
   * Linear warmup from 0 then cosine decay to 0, exactly Hugging Face's
   * {@code get_cosine_schedule_with_warmup(num_warmup_steps, num_training_steps)} (num_cycles 0.5):
   * factor = step / max(1, warmup) during warmup, then
   * max(0, 0.5 (1 + cos(π · (step − warmup) / max(1, total − warmup)))).
   */
  static LrSchedule warmupCosine(double baseLr, long warmupSteps, long totalSteps) {
    if (warmupSteps < 0 || totalSteps < 1 || baseLr < 0) {
      throw new IllegalArgumentException("invalid schedule: lr " + baseLr + ", warmup " + warmupSteps
          + ", total " + totalSteps);
    }
    return step -> {
      if (step < warmupSteps) {
        return baseLr * step / Math.max(1.0, warmupSteps);
      }
      double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
      return baseLr * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 2.0 * 0.5 * progress)));
    };
  }

  /**
   * Linear warmup from 0, then constant: Hugging Face's {@code get_constant_schedule_with_warmup}. For
   * training from scratch where learning starts only after a plateau, which a decaying rate can miss.
   */
  static LrSchedule warmupConstant(double baseLr, long warmupSteps) {
    if (warmupSteps < 0 || baseLr < 0) {
      throw new IllegalArgumentException("invalid schedule: lr " + baseLr + ", warmup " + warmupSteps);
    }
    return step -> step < warmupSteps ? baseLr * step / Math.max(1.0, warmupSteps) : baseLr;
  }

  /** The named schedule: {@code cosine} (warmup then cosine) or {@code constant} (warmup then constant). */
  static LrSchedule named(String name, double baseLr, long warmupSteps, long totalSteps) {
    return switch (name) {
      case COSINE -> warmupCosine(baseLr, warmupSteps, totalSteps);
      case CONSTANT -> warmupConstant(baseLr, warmupSteps);
      default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + name
          + "' (expected " + COSINE + " or " + CONSTANT + ")");
    };
  }

  String COSINE = "cosine";
  String CONSTANT = "constant";

  /** Warmup steps for a warmup fraction, as the HF Trainer's {@code ceil(total · warmup_ratio)}. */
  static long warmupSteps(double fraction, long totalSteps) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("warmup fraction must be in [0, 1], got " + fraction);
    }
    return (long) Math.ceil(totalSteps * fraction);
  }
}
