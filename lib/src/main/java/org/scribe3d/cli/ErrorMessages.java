package org.scribe3d.cli;

import java.io.EOFException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.zip.ZipException;

/** Turns exceptions into one readable line: what went wrong and with which file. */
final class ErrorMessages {
  private ErrorMessages() {}

  static String describe(Throwable e) {
    if (e instanceof NoSuchFileException n) {
      return "no such file: " + n.getFile();
    }
    if (e instanceof AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (e instanceof ZipException z) {
      return "corrupt gzip data: " + z.getMessage();
    }
    if (e instanceof EOFException) {
      return "unexpected end of file" + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory (raise -Xmx via SCRIBE3D_JAVA_OPTS)";
    }
    String msg = e.getMessage();
    if (msg == null || msg.isBlank()) {
      msg = e.getClass().getSimpleName();
    }
    // keep it on one line
    return msg.replace('\n', ' ').replace('\r', ' ');
  }
}
