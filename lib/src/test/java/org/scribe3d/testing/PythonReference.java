package org.scribe3d.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs an independent reference in Debian's /usr/bin/python3 (numpy, scipy, nibabel, torch from apt;
 * not the {@code python3} first on PATH). The reference is required, never skipped: a missing
 * interpreter, a missing module, a failing script or a timeout fails the calling test with a message
 * that says which.
 */
public final class PythonReference {
  public static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Pattern MISSING_MODULE = Pattern.compile("No module named '([^']+)'");

  private PythonReference() {}

  /** A test resource as a file path: relative to {@code owner}'s package, or absolute with a leading '/'. */
  public static Path resource(Class<?> owner, String name) {
    URL url = owner.getResource(name);
    if (url == null) {
      fail("missing test resource " + name + " (next to " + owner.getName() + ")");
    }
    try {
      return Path.of(url.toURI());
    } catch (Exception e) {
      throw new AssertionError("test resource " + name + " is not a file: " + url, e);
    }
  }

  /** Runs a script file with arguments; returns its stdout. */
  public static String run(Path script, List<String> args, int timeoutSeconds) throws IOException, InterruptedException {
    return run(script, args, Map.of(), timeoutSeconds);
  }

  /** As {@link #run(Path, List, int)}, with extra environment variables for the interpreter. */
  public static String run(Path script, List<String> args, Map<String, String> env, int timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(script.toString()));
    argv.addAll(args);
    return exec(argv, null, env, timeoutSeconds, script.getFileName().toString());
  }

  /** Runs inline code ({@code python3 -c CODE ARGS...}) with {@code stdin} (may be null); returns its stdout. */
  public static String runCode(String code, String stdin, List<String> args, int timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("-c", code));
    argv.addAll(args);
    return exec(argv, stdin, Map.of(), timeoutSeconds, "inline script");
  }

  private static String exec(List<String> argv, String stdin, Map<String, String> env, int timeoutSeconds, String what)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      fail("reference interpreter " + PYTHON + " is missing (environment/setup installs it with apt)");
    }
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString()));
    cmd.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    // stdio through files: no pipe can fill up and block, and the timeout below is real
    Path in = stdin == null ? null : Files.createTempFile("pyref", ".in");
    Path out = Files.createTempFile("pyref", ".out");
    Path err = Files.createTempFile("pyref", ".err");
    try {
      if (in != null) {
        Files.writeString(in, stdin, StandardCharsets.UTF_8);
        pb.redirectInput(in.toFile());
      } else {
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      }
      pb.redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        fail("python reference (" + what + ") timed out after " + timeoutSeconds + " s");
      }
      String errText = Files.readString(err, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        Matcher m = MISSING_MODULE.matcher(errText);
        if (m.find()) {
          String module = m.group(1).split("\\.")[0];
          fail("python reference (" + what + ") needs module '" + module + "' in " + PYTHON
              + " (Debian package python3-" + module + ", e.g. apt-get install -y python3-" + module + ")");
        }
        fail("python reference (" + what + ") failed with exit code " + p.exitValue() + ":\n" + errText);
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      if (in != null) {
        Files.deleteIfExists(in);
      }
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
