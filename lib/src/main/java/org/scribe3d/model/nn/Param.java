package org.scribe3d.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * One named tensor of a {@link Module}: a weight, bias or embedding table. The array is owned by the
 * module's manager; {@link #set} replaces it (e.g. when a checkpoint is loaded or the model moves to
 * another device/dtype) and closes the old one.
 */
public final class Param {
  private final String name;
  private NDArray array;
  private boolean trainable;
  private final boolean buffer;

  Param(String name, NDArray array, boolean trainable) {
    this(name, array, trainable, false);
  }

  Param(String name, NDArray array, boolean trainable, boolean buffer) {
    this.name = name;
    this.array = array;
    this.trainable = trainable && !buffer;
    this.buffer = buffer;
    array.setName(name);
  }

  /** The local name inside its module, e.g. "weight". */
  public String name() {
    return name;
  }

  public NDArray array() {
    return array;
  }

  public boolean trainable() {
    return trainable;
  }

  /**
   * True for a buffer (PyTorch's register_buffer): state saved with the weights but never trained, e.g.
   * the image-token statistics of the projector.
   */
  public boolean buffer() {
    return buffer;
  }

  /** Marks the parameter as trained (gradient recorded) or frozen; a buffer always stays frozen. */
  public void setTrainable(boolean trainable) {
    if (buffer) {
      return;
    }
    this.trainable = trainable;
    array.setRequiresGradient(trainable);
  }

  /**
   * Replaces the tensor with a copy of {@code value} placed on this parameter's manager (device) and
   * converted to its dtype. Shapes must agree.
   */
  public void copyFrom(NDArray value) {
    if (!value.getShape().equals(array.getShape())) {
      throw new IllegalArgumentException("shape mismatch for " + name + ": expected " + array.getShape()
          + ", got " + value.getShape());
    }
    // DJL's toDevice(copy=true) / duplicate() may alias the source's storage on the same device, so
    // copy into a fresh tensor explicitly: the parameter must never share memory with its source
    NDArray source = value.toDevice(array.getDevice(), false).toType(array.getDataType(), false);
    NDArray copy = array.getManager().zeros(array.getShape(), array.getDataType());
    copy.addi(source);
    if (source != value) {
      source.close();
    }
    replace(copy);
  }

  /** Swaps in a new tensor (any shape/dtype/device), closing the old one. */
  public void replace(NDArray newArray) {
    NDArray old = array;
    array = newArray;
    array.setName(name);
    if (trainable) {
      array.setRequiresGradient(true);
    }
    if (old != newArray) {
      old.close();
    }
  }
}
