package org.scribe3d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic replacement of files and directories, on real files. */
class AtomicFilesTest {
  @TempDir Path tmp;

  /** Names of everything in {@code dir} (temporary files are hidden siblings, so they show up here). */
  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writeStringReplacesTheFileAndLeavesNothingElse() throws IOException {
    Path f = tmp.resolve("out.json");
    Files.writeString(f, "old");
    AtomicFiles.writeString(f, "new ✓\n");
    assertEquals("new ✓\n", Files.readString(f, StandardCharsets.UTF_8));
    assertEquals(List.of("out.json"), names(tmp));
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
  }

  @Test
  void writeBytesCreatesMissingParentDirectories() throws IOException {
    Path f = tmp.resolve("a/b/c.bin");
    AtomicFiles.writeBytes(f, new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
    assertEquals(List.of("c.bin"), names(f.getParent()));
  }

  @Test
  void aWriteThatFailsMidwayKeepsTheOldFileAndRemovesItsTemporaryFile() throws IOException {
    Path f = tmp.resolve("predictions.jsonl");
    Files.writeString(f, "old content\n");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
      out.write(new byte[200_000]); // more than the stream buffers: part of it reaches the temporary file
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertEquals("old content\n", Files.readString(f));
    assertEquals(List.of("predictions.jsonl"), names(tmp));
  }

  @Test
  void aRuntimeFailureInAChannelWriterKeepsTheOldFile() throws IOException {
    Path f = tmp.resolve("model.safetensors");
    Files.writeString(f, "old");
    assertThrows(IllegalStateException.class, () -> AtomicFiles.writeChannel(f, ch -> {
      ch.write(ByteBuffer.wrap("partial".getBytes(StandardCharsets.UTF_8)));
      throw new IllegalStateException("tensor on a closed manager");
    }));
    assertEquals("old", Files.readString(f));
    assertEquals(List.of("model.safetensors"), names(tmp));
  }

  @Test
  void aFailedFirstWriteLeavesNoFileAtAll() {
    Path f = tmp.resolve("new.txt");
    assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
      out.write('x');
      throw new IOException("stop");
    }));
    assertFalse(Files.exists(f));
  }

  @Test
  void streamedWritesReplaceTheFile() throws IOException {
    Path f = tmp.resolve("big.bin");
    Files.writeString(f, "old");
    byte[] data = new byte[300_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    AtomicFiles.write(f, out -> {
      out.write(data, 0, 1000);
      out.write(data, 1000, data.length - 1000);
    });
    assertArrayEquals(data, Files.readAllBytes(f));

    AtomicFiles.writeChannel(f, ch -> {
      ch.write(ByteBuffer.wrap(data, 0, 10));
      ch.write(ByteBuffer.wrap(data, 10, 20));
    });
    assertEquals(30, Files.size(f));
    assertEquals(List.of("big.bin"), names(tmp));
  }

  @Test
  void copyReplacesTheTargetWithTheSource() throws IOException {
    Path src = tmp.resolve("src.json");
    Path dst = tmp.resolve("dst.json");
    Files.writeString(src, "{\"a\": 1}");
    Files.writeString(dst, "old");
    AtomicFiles.copy(src, dst);
    assertEquals("{\"a\": 1}", Files.readString(dst));
    assertEquals(List.of("dst.json", "src.json"), names(tmp));
  }

  @Test
  void aPendingFileReplacesTheTargetOnlyOnCommit() throws IOException {
    Path f = tmp.resolve("regions.jsonl");
    Files.writeString(f, "old\n");
    try (AtomicFiles.Pending p = AtomicFiles.begin(f)) {
      try (BufferedWriter w = p.writer()) {
        w.write("discarded\n");
      }
      assertEquals("old\n", Files.readString(f)); // not yet
      assertEquals(2, names(tmp).size()); // the target and its hidden temporary sibling
    }
    assertEquals("old\n", Files.readString(f));
    assertEquals(List.of("regions.jsonl"), names(tmp));

    try (AtomicFiles.Pending p = AtomicFiles.begin(f)) {
      try (BufferedWriter w = p.writer()) {
        w.write("line 1\n");
      }
      p.stream().write("line 2\n".getBytes(StandardCharsets.UTF_8)); // closing the writer only flushed
      p.commit();
      assertThrows(IllegalStateException.class, p::commit);
    }
    assertEquals("line 1\nline 2\n", Files.readString(f));
    assertEquals(List.of("regions.jsonl"), names(tmp));
  }

  @Test
  void aWriterRejectsTextThatIsNotUnicode() throws IOException {
    Path f = tmp.resolve("t.txt");
    try (AtomicFiles.Pending p = AtomicFiles.begin(f)) {
      BufferedWriter w = p.writer();
      assertThrows(IOException.class, () -> {
        w.write("\uD800x"); // a lone surrogate
        w.flush();
      });
    }
    assertFalse(Files.exists(f));
    assertEquals(List.of(), names(tmp));
  }

  @Test
  void replaceDirectoryCreatesAndReplacesWholeTrees() throws IOException {
    Path d = tmp.resolve("checkpoints/step-00000010");
    AtomicFiles.replaceDirectory(d, dir -> {
      AtomicFiles.writeString(dir.resolve("state.json"), "{\"step\": 10}");
      AtomicFiles.writeString(dir.resolve("extra.txt"), "only in the first");
    });
    assertEquals(List.of("extra.txt", "state.json"), names(d));

    AtomicFiles.replaceDirectory(d,
        dir -> AtomicFiles.writeString(dir.resolve("state.json"), "{\"step\": 10, \"v\": 2}"));
    assertEquals(List.of("state.json"), names(d));
    assertEquals("{\"step\": 10, \"v\": 2}", Files.readString(d.resolve("state.json")));
    assertEquals(List.of("step-00000010"), names(d.getParent()));
  }

  @Test
  void aFailedDirectoryReplacementKeepsTheOldTree() throws IOException {
    Path d = tmp.resolve("step-00000020");
    AtomicFiles.replaceDirectory(d, dir -> AtomicFiles.writeString(dir.resolve("state.json"), "old"));
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.replaceDirectory(d, dir -> {
      AtomicFiles.writeString(dir.resolve("model.safetensors"), "half");
      throw new IOException("out of space");
    }));
    assertEquals("out of space", e.getMessage());
    assertEquals(List.of("state.json"), names(d));
    assertEquals("old", Files.readString(d.resolve("state.json")));
    assertEquals(List.of("step-00000020"), names(tmp));
    assertTrue(Files.isDirectory(d));
  }
}
