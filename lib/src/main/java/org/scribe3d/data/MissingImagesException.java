package org.scribe3d.data;

import java.nio.file.Path;
import java.util.List;

/** Images listed by a dataset that are not on disk: one error naming them all (up to a cap). */
public final class MissingImagesException extends DatasetException {
  public static final int LIST_CAP = 20;
  private final List<Path> missing;

  public MissingImagesException(String source, List<Path> missing, int total) {
    super(message(source, missing, total));
    this.missing = List.copyOf(missing);
  }

  public List<Path> missing() {
    return missing;
  }

  private static String message(String source, List<Path> missing, int total) {
    StringBuilder b = new StringBuilder();
    b.append(source).append(": ").append(missing.size()).append(" of ").append(total)
        .append(" image file(s) missing: ");
    for (int i = 0; i < Math.min(LIST_CAP, missing.size()); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(missing.get(i));
    }
    if (missing.size() > LIST_CAP) {
      b.append(", ... and ").append(missing.size() - LIST_CAP).append(" more");
    }
    return b.toString();
  }

  /** Throws when any case's image is missing. */
  public static void check(String source, List<Case> cases) {
    List<Path> gone = cases.stream().map(Case::image).filter(p -> !java.nio.file.Files.isRegularFile(p)).toList();
    if (!gone.isEmpty()) {
      throw new MissingImagesException(source, gone, cases.size());
    }
  }
}
