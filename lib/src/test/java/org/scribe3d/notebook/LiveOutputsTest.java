package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scribe3d.train.TrainListener;
import org.scribe3d.train.Trainer;

/**
 * The training monitor and the progress bar against a recording sink in place of the kernel: one
 * output shown, then replaced in place (never a second output), with the numbers a person reads.
 */
class LiveOutputsTest {
  /** What a kernel would have sent: shows (new outputs) and updates (replacements) by display id. */
  static final class RecordingSink implements LiveDisplay.Sink {
    final List<Object> shown = new ArrayList<>();
    final List<String> updatedIds = new ArrayList<>();
    final List<Object> updated = new ArrayList<>();

    @Override
    public String show(Object value) {
      shown.add(value);
      return "display-" + shown.size();
    }

    @Override
    public void update(String displayId, Object value) {
      updatedIds.add(displayId);
      updated.add(value);
    }
  }

  @AfterEach
  void removeSink() {
    LiveDisplay.install(null);
  }

  private static TrainListener.Step step(long i, long total, double loss) {
    return new TrainListener.Step(i, total, i / 10.0, loss, 1e-3, 0.5, 8, 2, i * 0.5, false);
  }

  @Test
  void monitorShowsOneOutputAndReplacesIt() {
    RecordingSink sink = new RecordingSink();
    LiveDisplay.install(sink);
    TrainingMonitor m = TrainingMonitor.every(0, 0); // every event redraws
    m.started(0, 4);
    for (int i = 1; i <= 4; i++) {
      m.step(step(i, 4, 3.0 / i));
    }
    m.validated(new TrainListener.Validation(4, 1.25, 0.5));
    m.finished(new Trainer.Result(0, 4, 4, 0.75, 2.0, false, 0, null));

    assertEquals(1, sink.shown.size(), "one output for the whole run");
    assertEquals(6, sink.updatedIds.size(), "4 steps, a validation and the end");
    assertTrue(sink.updatedIds.stream().allMatch("display-1"::equals), sink.updatedIds.toString());
    assertEquals(6, m.updates());
    LiveView last = (LiveView) sink.updated.get(sink.updated.size() - 1);
    assertTrue(last.text().startsWith("train step 4/4 · loss 0.7500 · lr 1.00e-03 · 8.0 samples/s · done"),
        last.text());
    assertTrue(last.text().contains("validation at step 4: loss 1.2500, VQA accuracy 0.500"), last.text());
    assertTrue(last.html().contains("width:100.0%"), "a finished run fills the bar");
    assertNotNull(last.toPng(), "the loss curve is drawn");
    assertTrue(last.html().contains("data:image/png;base64,"), "the curve travels inside the HTML");
    assertEquals(4, m.losses().size());
    assertEquals(0.75, m.losses().get(3)[1], 0);
  }

  @Test
  void monitorRedrawsAtMostAtItsInterval() {
    RecordingSink sink = new RecordingSink();
    LiveDisplay.install(sink);
    TrainingMonitor m = TrainingMonitor.every(3600, 3600);
    m.started(0, 100);
    for (int i = 1; i <= 100; i++) {
      m.step(step(i, 100, 1));
    }
    assertEquals(0, sink.updated.size(), "no redraw inside the interval");
    m.finished(new Trainer.Result(0, 100, 100, 1, 1, true, 0, null));
    assertEquals(1, sink.updated.size(), "the end always redraws");
    assertTrue(((LiveView) sink.updated.get(0)).text().contains("stopped by the time limit"));
    assertThrows(IllegalArgumentException.class, () -> TrainingMonitor.every(5, 1));
  }

  @Test
  void outsideAKernelNothingIsShownButTheNumbersAreKept() {
    TrainingMonitor m = TrainingMonitor.create();
    m.started(0, 2);
    m.step(step(1, 2, 2));
    m.step(step(2, 2, Double.NaN)); // a skipped (non-finite) loss is not plotted
    m.finished(new Trainer.Result(0, 2, 2, 1, 1, false, 0, null));
    assertEquals(0, m.updates());
    assertEquals(1, m.losses().size());
    assertNull(m.view().toPng(), "one point is not a curve");
  }

  @Test
  void progressBarReplacesItsOutputAndEndsDone() {
    RecordingSink sink = new RecordingSink();
    LiveDisplay.install(sink);
    ProgressBar b = ProgressBar.show("synthesis", 3);
    b.update(1, 3, "case_1");
    b.update(2, 3, "case_2");
    b.update(3, 3, "case_3");
    assertEquals(1, sink.shown.size());
    assertTrue(sink.updatedIds.stream().allMatch("display-1"::equals));
    assertTrue(sink.updated.size() >= 1 && sink.updated.size() <= 3, "at most every half second, always at the end");
    LiveView end = (LiveView) sink.updated.get(sink.updated.size() - 1);
    assertTrue(end.text().startsWith("synthesis 3/3, ") && end.text().contains("done") && end.text().endsWith("case_3"),
        end.text());
    assertTrue(end.html().contains("width:100.0%"));
    assertTrue(!end.html().contains("<script"), "a live output carries no script: it renders the same when reopened");
  }

  @Test
  void predictionsBarAppearsWithTheFirstTick() {
    RecordingSink sink = new RecordingSink();
    LiveDisplay.install(sink);
    var progress = ProgressBar.predictions();
    assertEquals(0, sink.shown.size(), "nothing before the split's size is known");
    progress.casesDone(2, 4, 6, 12);
    progress.casesDone(4, 4, 12, 24);
    assertEquals(1, sink.shown.size());
    LiveView end = (LiveView) sink.updated.get(sink.updated.size() - 1);
    assertTrue(end.text().startsWith("generate 4/4") && end.text().endsWith("12 reports, 24 answers"), end.text());
  }
}
