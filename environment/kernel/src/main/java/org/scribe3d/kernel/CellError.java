package org.scribe3d.kernel;

import java.util.List;

/**
 * A cell failed. Carries exactly what Jupyter's error message shows: the error's name (the user's
 * exception class, or "CompilationError" / "IncompleteInput" / "MagicError"), its one-line value,
 * and the traceback lines (already written for a reader: source line, caret, user-code frames).
 */
final class CellError extends Exception {
  private final String ename;
  private final List<String> traceback;

  CellError(String ename, String evalue, List<String> traceback) {
    super(evalue, null, false, false);
    this.ename = ename;
    this.traceback = List.copyOf(traceback);
  }

  String ename() {
    return ename;
  }

  String evalue() {
    return getMessage();
  }

  List<String> traceback() {
    return traceback;
  }
}
