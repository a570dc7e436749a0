package org.scribe3d.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Installs this build's kernel as kernelspec "scribe3d-java" in a private JUPYTER_PATH under
 * target/ (so tests never touch, nor depend on, a kernel installed for the user) and runs Debian's
 * Jupyter tools against it.
 */
final class KernelTestSupport {
  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final Path JUPYTER = Path.of("/usr/bin/jupyter");
  static final Path MODULE = Path.of("").toAbsolutePath();
  static final Path ROOT = MODULE.resolve("../..").normalize();

  private KernelTestSupport() {}

  /**
   * A JUPYTER_PATH directory holding the kernelspec; the kernel runs from target/classes, with
   * {@code jvmOptions} added to its JVM's options.
   */
  static Path kernelspec(Path dir, String... jvmOptions) throws IOException {
    assertTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 missing (environment/setup installs Jupyter)");
    Path cpFile = MODULE.resolve("target/classpath.txt");
    assertTrue(Files.isRegularFile(cpFile), "target/classpath.txt missing: run the Maven build");
    String cp = MODULE.resolve("target/classes") + File.pathSeparator + Files.readString(cpFile).trim();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    JsonArray argv = new JsonArray();
    List<String> cmd = list(java, "-Xmx1g", "-Dai.djl.offline=true", "-Dscribe3d.home=" + ROOT);
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(List.of("-cp", cp, "org.scribe3d.kernel.KernelMain", "{connection_file}"));
    for (String a : cmd) {
      argv.add(a);
    }
    JsonObject spec = new JsonObject();
    spec.add("argv", argv);
    spec.addProperty("display_name", "Java (Scribe3D, test build)");
    spec.addProperty("language", "java");
    spec.addProperty("interrupt_mode", "message");
    Path specDir = dir.resolve("kernels/scribe3d-java");
    Files.createDirectories(specDir);
    Files.writeString(specDir.resolve("kernel.json"), spec.toString());
    return dir;
  }

  record Result(int exit, String out, String err) {}

  static Result run(List<String> cmd, Path cwd, Path jupyterPath, String stdin, long timeoutSeconds)
      throws IOException, InterruptedException {
    return run(cmd, cwd, jupyterPath, stdin, timeoutSeconds, Map.of());
  }

  /** {@link #run} with extra environment variables (e.g. the notebooks' size settings), seen by kernels too. */
  static Result run(List<String> cmd, Path cwd, Path jupyterPath, String stdin, long timeoutSeconds,
      Map<String, String> extraEnv) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    Map<String, String> env = pb.environment();
    env.putAll(extraEnv);
    env.put("JUPYTER_PATH", jupyterPath.toString());
    // Jupyter writes runtime files (connection files) here; keep them inside target/
    env.put("JUPYTER_RUNTIME_DIR", jupyterPath.resolve("runtime").toString());
    Path out = Files.createTempFile(cwd, "out", ".txt");
    Path err = Files.createTempFile(cwd, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(cmd.get(0) + " timed out after " + timeoutSeconds + " s: " + Files.readString(err));
    }
    Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    return r;
  }

  /** The first executable {@code name} on PATH, or null. */
  static Path which(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return p.toAbsolutePath();
      }
    }
    return null;
  }

  static List<String> list(String... items) {
    return new ArrayList<>(List.of(items));
  }
}
