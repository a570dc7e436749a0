package org.scribe3d.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Files that ship with the Scribe3D checkout (the vendored tokenizer, the pretrained tiny encoder):
 * looked up under system property {@code scribe3d.home} (set by the launcher), else environment
 * variable {@code SCRIBE3D_HOME}, else the first ancestor of the working directory that has them (a
 * notebook or test runs somewhere below the checkout).
 */
public final class ProjectHome {
  private ProjectHome() {}

  /** {@code relative} resolved against the first home that satisfies {@code present}, if any. */
  public static Optional<Path> find(String relative, Predicate<Path> present) {
    for (String home : new String[] {System.getProperty("scribe3d.home"), System.getenv("SCRIBE3D_HOME")}) {
      if (home != null && !home.isBlank()) {
        Path p = Paths.get(home).resolve(relative);
        if (present.test(p)) {
          return Optional.of(p);
        }
      }
    }
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path p = d.resolve(relative);
      if (present.test(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** A shipped regular file, if found. */
  public static Optional<Path> file(String relative) {
    return find(relative, Files::isRegularFile);
  }
}
