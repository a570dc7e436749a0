package org.scribe3d.data;

/** A dataset that cannot be read as described: the message names the file (and line or field). */
public class DatasetException extends RuntimeException {
  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
