package org.scribe3d.checkpoint;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;

/**
 * Where one tensor lives: its file, dtype, shape and absolute byte range in that file.
 *
 * @param name checkpoint name, e.g. "model.layers.0.self_attn.q_proj.weight"
 * @param dtype stored dtype
 * @param shape stored shape
 * @param file the safetensors file holding it
 * @param offset absolute byte offset of the first element in the file
 * @param length number of bytes
 */
public record TensorInfo(String name, TensorDType dtype, Shape shape, Path file, long offset, long length) {
  public long elementCount() {
    return shape.size();
  }
}
