package org.scribe3d.cli;

/** A user-facing failure with a chosen exit code; the message is printed as one {@code error:} line. */
public final class CliExit extends RuntimeException {
  private final int exitCode;

  public CliExit(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliExit(String message) {
    this(message, 1);
  }

  public int exitCode() {
    return exitCode;
  }
}
