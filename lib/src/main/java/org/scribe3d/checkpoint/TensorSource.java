package org.scribe3d.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import java.util.Set;

/**
 * A lazily materialising view of a checkpoint: names and metadata are read up front, tensor data only
 * when {@link #load} is called, one tensor at a time (so an N-GB checkpoint needs no N GB of heap).
 */
public interface TensorSource extends AutoCloseable {
  /** Tensor names in file order. */
  Set<String> names();

  /** Dtype, shape and location of a tensor; throws {@link CheckpointException} naming the file if absent. */
  TensorInfo info(String name);

  default boolean contains(String name) {
    return names().contains(name);
  }

  /**
   * Materialises a tensor as an NDArray owned by {@code manager} (on its device), converted to
   * {@code type} (null keeps the stored dtype). On the CPU without conversion the array may be backed
   * by a private copy-on-write mapping of the file: writes to it never reach the file.
   */
  NDArray load(String name, NDManager manager, DataType type);

  /** The {@code __metadata__} string map (merged over shards; empty when absent). */
  Map<String, String> metadata();

  /** A human-readable description (file or directory path) for error messages. */
  String describe();

  @Override
  void close();
}
