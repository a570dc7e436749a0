package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.scribe3d.data.PipelineCache;

/**
 * Scans through the model outside training, a batch at a time: each scan's deterministic preprocessing (no
 * augmentation) from the pipeline cache, stacked as [n, 1, D, H, W] in a sub-manager of {@code base} that is
 * closed after the batch (the image-token statistics, the finding hints).
 */
final class ScanBatches {
  private ScanBatches() {}

  /** What to do with one batch: the images of {@code scans[from … from + n − 1]}. */
  @FunctionalInterface
  interface Body {
    void accept(NDArray images, int from, int n) throws IOException;
  }

  static void forEach(PipelineCache volumes, List<Path> scans, int batch, NDManager base, Body body)
      throws IOException {
    int[] dhw = volumes.dhw();
    int vox = dhw[0] * dhw[1] * dhw[2];
    for (int from = 0; from < scans.size(); from += batch) {
      int n = Math.min(batch, scans.size() - from);
      float[] x = new float[n * vox];
      for (int i = 0; i < n; i++) {
        System.arraycopy(volumes.load(scans.get(from + i), null), 0, x, i * vox, vox);
      }
      try (NDManager m = base.newSubManager()) {
        body.accept(m.create(x, new Shape(n, 1, dhw[0], dhw[1], dhw[2])), from, n);
      }
    }
  }
}
