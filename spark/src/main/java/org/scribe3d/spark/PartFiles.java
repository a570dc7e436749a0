package org.scribe3d.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.scribe3d.io.AtomicFiles;

/**
 * The per-case files of a batch job under {@code OUT/parts/}: {@code <case>.jsonl} holds a finished case's prediction
 * lines and is what a rerun skips; {@code <case>.failed} holds a failed case's one-line message while the job runs
 * (a rerun tries that case again). Both are written atomically (temporary file, then rename), so a killed job leaves
 * only whole files. Case ids become file names with every character outside {@code [A-Za-z0-9_-]} and every
 * leading or repeated dot escaped as {@code %XX} (UTF-8 bytes), so any id maps to exactly one name.
 */
final class PartFiles {
  static final String DONE = ".jsonl";
  static final String FAILED = ".failed";

  private final Path dir;

  PartFiles(Path out) {
    this.dir = out.resolve("parts");
  }

  Path dir() {
    return dir;
  }

  Path done(String caseId) {
    return dir.resolve(name(caseId) + DONE);
  }

  Path failed(String caseId) {
    return dir.resolve(name(caseId) + FAILED);
  }

  void writeDone(String caseId, List<String> lines) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(l).append('\n');
    }
    AtomicFiles.writeString(done(caseId), sb.toString());
    Files.deleteIfExists(failed(caseId));
  }

  void writeFailed(String caseId, String message) throws IOException {
    AtomicFiles.writeString(failed(caseId), message + "\n");
  }

  /** The ids of the finished cases on disk. */
  Set<String> doneIds() throws IOException {
    return ids(DONE);
  }

  /** How many cases are finished and how many failed, as files on disk now (the driver's progress line). */
  int[] counts() throws IOException {
    int done = 0;
    int failed = 0;
    if (!Files.isDirectory(dir)) {
      return new int[] {0, 0};
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (n.startsWith(".")) {
          continue;
        }
        if (n.endsWith(DONE)) {
          done++;
        } else if (n.endsWith(FAILED)) {
          failed++;
        }
      }
    }
    return new int[] {done, failed};
  }

  /**
   * Starts a run: creates the directory, removes what a killed job left half-written (hidden temporary files) and
   * the failure markers of an earlier run (those cases are tried again).
   */
  void prepare() throws IOException {
    Files.createDirectories(dir);
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (n.startsWith(".") && n.endsWith(".tmp") || n.endsWith(FAILED)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  List<String> lines(String caseId) throws IOException {
    return Files.readAllLines(done(caseId), StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
  }

  private Set<String> ids(String suffix) throws IOException {
    Set<String> out = new HashSet<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".") && n.endsWith(suffix)) {
          out.add(id(n.substring(0, n.length() - suffix.length())));
        }
      }
    }
    return out;
  }

  static String name(String caseId) {
    StringBuilder sb = new StringBuilder();
    byte[] b = caseId.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i++) {
      int c = b[i] & 0xff;
      boolean plain = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
          || c == '.' && i > 0 && b[i - 1] != '.';
      if (plain) {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format("%02X", c));
      }
    }
    return sb.toString();
  }

  static String id(String name) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%' && i + 2 < name.length()) {
        out.write(Integer.parseInt(name.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
