package org.scribe3d.checkpoint;

/** A checkpoint file or directory that cannot be read or does not fit the model; the message names it. */
public class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
