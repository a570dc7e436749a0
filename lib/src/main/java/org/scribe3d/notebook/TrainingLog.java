package org.scribe3d.notebook;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.scribe3d.train.MetricsLog;

/**
 * A run's {@code metrics.jsonl} read into typed lines: one {@link Step} per optimizer step (loss,
 * learning rate, gradient norm before clipping, throughput and where the step's time went) and one
 * {@link Validation} per validation pass. A value a line lacks is NaN.
 */
public final class TrainingLog {
  /** One optimizer step as the trainer logs it. */
  public record Step(long step, double epoch, double loss, double lr, double gradNorm, double tokensPerS,
      double samplesPerS, double dataWaitS, double forwardBackwardS, double updateS) {}

  /** One validation pass: masked loss on held-out examples and greedy VQA accuracy (NaN when not run). */
  public record Validation(long step, double loss, double vqaAccuracy) {}

  private final List<Step> steps;
  private final List<Validation> validations;

  private TrainingLog(List<Step> steps, List<Validation> validations) {
    this.steps = List.copyOf(steps);
    this.validations = List.copyOf(validations);
  }

  /** Reads {@code metrics.jsonl}, or a run directory holding one. */
  public static TrainingLog read(Path metricsJsonlOrRun) throws IOException {
    Path file = metricsJsonlOrRun.toFile().isDirectory() ? metricsJsonlOrRun.resolve("metrics.jsonl") : metricsJsonlOrRun;
    List<Step> steps = new ArrayList<>();
    List<Validation> validations = new ArrayList<>();
    for (JsonObject l : MetricsLog.read(file)) {
      if (!l.has("step")) {
        continue;
      }
      long step = l.get("step").getAsLong();
      if (l.has("kind")) {
        if (l.get("kind").getAsString().equals("validation")) {
          validations.add(new Validation(step, num(l, "val_loss"), num(l, "vqa_accuracy")));
        }
      } else if (l.has("loss")) {
        steps.add(new Step(step, num(l, "epoch"), num(l, "loss"), num(l, "lr"), num(l, "grad_norm"),
            num(l, "tokens_per_s"), num(l, "samples_per_s"), num(l, "data_wait_s"), num(l, "forward_backward_s"),
            num(l, "update_s")));
      }
    }
    return new TrainingLog(steps, validations);
  }

  private static double num(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
  }

  public List<Step> steps() {
    return steps;
  }

  public List<Validation> validations() {
    return validations;
  }

  /** The step lines' step numbers, as the x values of a chart. */
  public double[] stepNumbers() {
    return column(s -> s.step());
  }

  /** One value per step line, e.g. {@code column(Step::loss)}. */
  public double[] column(ToDoubleFunction<Step> value) {
    return steps.stream().mapToDouble(value).toArray();
  }

  /** The step line of a step number, if logged. */
  public Optional<Step> step(long step) {
    return steps.stream().filter(s -> s.step() == step).findFirst();
  }
}
