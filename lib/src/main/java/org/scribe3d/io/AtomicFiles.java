package org.scribe3d.io;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes that never leave a half-written file. The content goes to a hidden temporary sibling of the
 * target ({@code .NAME.<random>.tmp}, same directory, so the rename cannot cross file systems), is
 * forced to disk, and is then renamed over the target. A reader sees the old file or the new one;
 * a write that fails (or a process killed mid-write) leaves the old file as it was, and a failure
 * inside the JVM also removes the temporary file. Written files get {@code rw-r--r--} where the file
 * system has POSIX permissions: they are outputs meant to be read by others, while temporary files
 * are created owner-only.
 *
 * <p>Whole contents: {@link #writeString}, {@link #writeBytes}, {@link #copy}. Streamed writers:
 * {@link #write} (an {@link OutputStream}), {@link #writeChannel} (a {@link FileChannel}), or
 * {@link #begin} when the writing code cannot sit in a lambda. Whole directory trees:
 * {@link #replaceDirectory}.
 */
public final class AtomicFiles {
  private static final String FILE_MODE = "rw-r--r--";
  private static final String DIR_MODE = "rwxr-xr-x";

  private AtomicFiles() {}

  /** An action on an open resource that may fail with an {@link IOException}. */
  @FunctionalInterface
  public interface IOConsumer<T> {
    void accept(T t) throws IOException;
  }

  /** Replaces {@code target} with {@code text} in UTF-8 (parent directories are created). */
  public static void writeString(Path target, String text) throws IOException {
    writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces {@code target} with {@code bytes} (parent directories are created). */
  public static void writeBytes(Path target, byte[] bytes) throws IOException {
    writeChannel(target, ch -> {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    });
  }

  /** Replaces {@code target} with a copy of the file {@code source}. */
  public static void copy(Path source, Path target) throws IOException {
    write(target, out -> Files.copy(source, out));
  }

  /**
   * Replaces {@code target} with what {@code body} writes to a buffered stream; if {@code body}
   * throws, the target is untouched. The stream must not be used after {@code body} returns.
   */
  public static void write(Path target, IOConsumer<OutputStream> body) throws IOException {
    try (Pending p = begin(target)) {
      try (OutputStream out = p.stream()) {
        body.accept(out);
      }
      p.commit();
    }
  }

  /** As {@link #write}, for writers of positioned or large binary data (the channel is fresh and empty). */
  public static void writeChannel(Path target, IOConsumer<FileChannel> body) throws IOException {
    try (Pending p = begin(target)) {
      body.accept(p.channel());
      p.commit();
    }
  }

  /**
   * Starts replacing {@code target} (parent directories are created): write through the returned
   * file's {@link Pending#stream()}, {@link Pending#writer()} or {@link Pending#channel()}, then
   * {@link Pending#commit()}; closing it without a commit discards what was written. Use in
   * try-with-resources.
   */
  public static Pending begin(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      setMode(tmp, FILE_MODE);
      return new Pending(abs, tmp, FileChannel.open(tmp, StandardOpenOption.WRITE));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /**
   * Replaces the directory {@code target} with a tree that {@code fill} writes into an empty hidden
   * sibling ({@code .NAME.tmp-<random>}), renamed to {@code target} once complete. An existing target
   * is first renamed aside ({@code .NAME.old-<random>}) and deleted after the new tree is in place: a
   * reader sees the old tree or the new one, never a partial one (a crash between the two renames
   * leaves no target and the old tree in its hidden sibling). If {@code fill} throws, the temporary
   * tree is deleted and the target is untouched. Files inside should themselves be written with this
   * class, so they are on disk before the rename.
   */
  public static void replaceDirectory(Path target, IOConsumer<Path> fill) throws IOException {
    Path abs = target.toAbsolutePath();
    Path parent = abs.getParent();
    Files.createDirectories(parent);
    String name = abs.getFileName().toString();
    Path tmp = Files.createTempDirectory(parent, "." + name + ".tmp-");
    try {
      setMode(tmp, DIR_MODE);
      fill.accept(tmp);
      Path old = null;
      if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        old = Files.createTempDirectory(parent, "." + name + ".old-");
        Files.move(abs, old.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(parent);
      if (old != null) {
        FileTrees.delete(old);
      }
    } finally {
      FileTrees.delete(tmp); // nothing left after a successful rename
    }
  }

  /** A replacement in progress: a temporary sibling of the target, open for writing. */
  public static final class Pending implements Closeable {
    private final Path target;
    private final Path tmp;
    private final FileChannel channel;
    private OutputStream stream;
    private boolean done;

    private Pending(Path target, Path tmp, FileChannel channel) {
      this.target = target;
      this.tmp = tmp;
      this.channel = channel;
    }

    /** The file being replaced (absolute). */
    public Path target() {
      return target;
    }

    /** The temporary file's channel, positioned at 0. */
    public FileChannel channel() {
      return channel;
    }

    /**
     * A buffered stream onto the temporary file (the same one on every call). Closing it only
     * flushes; {@link #commit()} makes the file final.
     */
    public OutputStream stream() {
      if (stream == null) {
        OutputStream unclosable = new FilterOutputStream(Channels.newOutputStream(channel)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush();
          }
        };
        stream = new BufferedOutputStream(unclosable, 1 << 16);
      }
      return stream;
    }

    /** A buffered UTF-8 writer onto {@link #stream()}; text that cannot be encoded is an error. */
    public BufferedWriter writer() {
      return new BufferedWriter(new OutputStreamWriter(stream(), StandardCharsets.UTF_8.newEncoder()));
    }

    /** Forces the written bytes to disk and renames the temporary file over the target. */
    public void commit() throws IOException {
      if (done) {
        throw new IllegalStateException("already committed or discarded: " + target);
      }
      if (stream != null) {
        stream.flush();
      }
      channel.force(true);
      channel.close();
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) { // e.g. some network file systems
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
      syncDirectory(target.getParent());
    }

    /** Without a {@link #commit()}: discards the temporary file and leaves the target as it was. */
    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      done = true;
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static void setMode(Path p, String mode) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep the defaults
    }
  }

  /** Makes a rename in {@code dir} durable where the platform allows syncing a directory. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException e) {
      // not supported here (e.g. Windows): the rename is still atomic, only its durability is the OS's
    }
  }
}
