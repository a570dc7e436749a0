package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLogTest {
  @TempDir
  Path tmp;

  @Test
  void stepAndValidationLinesAreTyped() throws Exception {
    Files.writeString(tmp.resolve("metrics.jsonl"), String.join("\n",
        "{\"kind\":\"run\",\"dataset_size\":10,\"total_steps\":2}",
        "{\"step\":1,\"epoch\":0.5,\"loss\":5.5,\"lr\":0.001,\"grad_norm\":2.0,\"tokens_per_s\":100,\"samples_per_s\":4,"
            + "\"elapsed_s\":1,\"data_wait_s\":0.1,\"forward_backward_s\":0.8,\"update_s\":0.1}",
        "{\"step\":2,\"epoch\":1.0,\"loss\":4.5,\"lr\":0.0005,\"grad_norm\":1.5}",
        "{\"step\":2,\"elapsed_s\":3,\"kind\":\"validation\",\"val_loss\":4.8,\"vqa_accuracy\":0.25}", ""));
    TrainingLog log = TrainingLog.read(tmp); // the run directory
    assertEquals(2, log.steps().size());
    assertArrayEquals(new double[] {1, 2}, log.stepNumbers());
    assertArrayEquals(new double[] {5.5, 4.5}, log.column(TrainingLog.Step::loss));
    assertArrayEquals(new double[] {2.0, 1.5}, log.column(TrainingLog.Step::gradNorm));
    TrainingLog.Step first = log.steps().get(0);
    assertEquals(0.8, first.forwardBackwardS());
    assertEquals(4, first.samplesPerS());
    assertTrue(Double.isNaN(log.steps().get(1).updateS()));
    assertEquals(1, log.validations().size());
    assertEquals(new TrainingLog.Validation(2, 4.8, 0.25), log.validations().get(0));
    assertEquals(4.5, log.step(2).orElseThrow().loss());
    assertTrue(log.step(7).isEmpty());
  }
}
