package org.scribe3d.notebook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.io.FileTrees;

/**
 * Where a notebook works: the repository root it was started in, the directories below
 * {@code target/} where notebooks keep generated data and runs, temporary scratch directories, and
 * the environment variables that size a notebook ({@code SCRIBE3D_NB_CASES} and friends).
 *
 * <pre>{@code
 * Workspace ws = Workspace.find();
 * int cases = Workspace.intEnv("SCRIBE3D_NB_CASES", 4);
 * Path dataDir = ws.data("phantom-" + cases);      // ROOT/target/notebook-data/phantom-4
 * Path runDir = ws.fresh(ws.run("03-training"));  // ROOT/target/notebook-runs/03-training, emptied
 * }</pre>
 */
public final class Workspace {
  /** Environment variable naming the torch intra-op thread count of a notebook. */
  public static final String THREADS_ENV = "SCRIBE3D_NB_THREADS";

  private final Path root;

  private Workspace(Path root) {
    this.root = root;
  }

  /** The checkout that holds the working directory (a notebook runs in {@code notebooks/}). */
  public static Workspace find() {
    return find(Path.of(""));
  }

  /**
   * The first directory at or above {@code start} holding both {@code pom.xml} and a
   * {@code notebooks/} directory: a Scribe3D checkout.
   *
   * @throws IllegalStateException when there is none
   */
  public static Workspace find(Path start) {
    Path abs = start.toAbsolutePath().normalize();
    for (Path dir = abs; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("notebooks"))) {
        return new Workspace(dir);
      }
    }
    throw new IllegalStateException(
        "start Jupyter inside a Scribe3D checkout: no directory with pom.xml and notebooks/ above " + abs);
  }

  /** The repository root. */
  public Path root() {
    return root;
  }

  /** A path below the repository root, e.g. {@code resolve("lib/src/test/resources/text")}. */
  public Path resolve(String relative) {
    return root.resolve(relative);
  }

  /** {@code path} relative to the repository root when it lies below it, else unchanged. */
  public Path relative(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    return abs.startsWith(root) ? root.relativize(abs) : path;
  }

  /** Generated data of the notebooks: {@code ROOT/target/notebook-data/NAME} (not created). */
  public Path data(String name) {
    return root.resolve("target/notebook-data").resolve(name);
  }

  /** Training runs and evaluations of the notebooks: {@code ROOT/target/notebook-runs/NAME} (not created). */
  public Path run(String name) {
    return root.resolve("target/notebook-runs").resolve(name);
  }

  /** The on-disk cache of preprocessed volumes that the notebooks' runs share. */
  public Path volumeCache() {
    return data("volume-cache");
  }

  /**
   * A run given by an environment variable (e.g. {@code SCRIBE3D_NB_RUN=runs/demo/run}), resolved
   * against the repository root; empty when the variable is unset or blank.
   */
  public Optional<Path> runFromEnv(String variable) {
    return stringEnv(variable, "").isEmpty() ? Optional.empty() : Optional.of(root.resolve(stringEnv(variable, "")));
  }

  /** {@code dir} deleted with everything below it, so a step can write it afresh; returns {@code dir}. */
  public Path fresh(Path dir) throws IOException {
    deleteTree(dir);
    return dir;
  }

  /** A new empty temporary directory named {@code scribe3d-PREFIX-...}; remove it with {@link #deleteTree}. */
  public static Path scratch(String prefix) throws IOException {
    return Files.createTempDirectory("scribe3d-" + prefix + "-");
  }

  /** Deletes a directory tree (deepest first); nothing when it does not exist. */
  public static void deleteTree(Path dir) throws IOException {
    FileTrees.delete(dir);
  }

  /** An integer environment variable, {@code fallback} when unset or blank. */
  public static int intEnv(String variable, int fallback) {
    return intEnv(System.getenv(), variable, fallback);
  }

  static int intEnv(Map<String, String> env, String variable, int fallback) {
    String v = stringEnv(env, variable, "");
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " must be an integer, not '" + v + "'");
    }
  }

  /** A string environment variable, stripped; {@code fallback} when unset or blank. */
  public static String stringEnv(String variable, String fallback) {
    return stringEnv(System.getenv(), variable, fallback);
  }

  static String stringEnv(Map<String, String> env, String variable, String fallback) {
    String v = env.get(variable);
    return v == null || v.isBlank() ? fallback : v.strip();
  }

  /**
   * Torch intra-op threads for a notebook: {@value #THREADS_ENV} if set, else {@code fallback},
   * kept within 1..2 and the machine's processors. (On a 2-core machine shared with other work two
   * threads spin-wait against the other processes, so the run notebooks default to 1.)
   */
  public static int threads(int fallback) {
    return threads(intEnv(THREADS_ENV, fallback), Runtime.getRuntime().availableProcessors());
  }

  static int threads(int requested, int processors) {
    return Math.max(1, Math.min(requested, Math.min(2, processors)));
  }

  /** The regular files below {@code dir} in path order (relative to {@code dir}) with their sizes in bytes. */
  public static Map<Path, Long> files(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).sorted()
          .collect(Collectors.toMap(dir::relativize, p -> p.toFile().length(), (a, b) -> a, java.util.LinkedHashMap::new));
    }
  }

  /**
   * Writes a CSV file (RFC 4180: every field double-quoted, quotes doubled, CRLF line ends, as
   * Python's csv module with QUOTE_ALL), atomically; the first row is the header.
   */
  public static Path writeCsv(Path file, List<List<String>> rows) throws IOException {
    Function<String, String> quote = f -> "\"" + (f == null ? "" : f).replace("\"", "\"\"") + "\"";
    String text = rows.stream().map(r -> r.stream().map(quote).collect(Collectors.joining(",")))
        .collect(Collectors.joining("\r\n", "", "\r\n"));
    AtomicFiles.writeString(file, text);
    return file;
  }

  @Override
  public String toString() {
    return "Workspace " + root;
  }
}
