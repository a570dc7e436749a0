package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.scribe3d.checkpoint.CheckpointException;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;

/** Checkpoint tensors as safetensors files, through {@link Safetensors}. */
final class TensorFiles {
  private TensorFiles() {}

  static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
    try {
      Safetensors.write(file, tensors, metadata);
    } catch (CheckpointException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Reads every tensor into {@code manager} as independent copies (the source may map the file; the
   * copies stay valid after it is closed).
   */
  static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
    Map<String, NDArray> out = new LinkedHashMap<>();
    try (TensorSource src = Safetensors.open(file)) {
      for (String name : src.names()) {
        NDArray a = src.load(name, manager, null);
        NDArray copy = a.duplicate(); // host copy: DJL's toDevice/toType(copy=true) may alias instead
        a.close();
        out.put(name, copy);
      }
    } catch (CheckpointException e) {
      throw new IOException(e.getMessage(), e);
    }
    return out;
  }
}
