package org.scribe3d.train;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.data.AtomicFiles;

/**
 * {@code metrics.jsonl}: one JSON object per line, flushed per line so a killed run keeps every
 * completed step. On resume the lines after the checkpoint's step are dropped first (those steps are
 * redone), so the file stays one line per step.
 */
public final class MetricsLog implements AutoCloseable {
  private final Path file;
  private final BufferedWriter out;
  private final Gson gson = new Gson();

  public MetricsLog(Path file, long keepUpToStep) throws IOException {
    this.file = file;
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (keepUpToStep >= 0 && Files.exists(file)) {
      truncateAfter(file, keepUpToStep);
    }
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        keepUpToStep >= 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  public Path file() {
    return file;
  }

  public synchronized void write(JsonObject line) throws IOException {
    out.write(gson.toJson(line));
    out.write('\n');
    out.flush();
  }

  /** Keeps the lines whose "step" is ≤ step (atomic rewrite; a torn last line is dropped too). */
  static void truncateAfter(Path file, long step) throws IOException {
    List<String> keep = new ArrayList<>();
    Gson gson = new Gson();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      try {
        JsonObject o = gson.fromJson(line, JsonObject.class);
        if (o != null && o.has("step") && o.get("step").getAsLong() <= step) {
          keep.add(line);
        }
      } catch (RuntimeException e) {
        // a line cut by a kill: drop it
      }
    }
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tmp-metrics-", ".jsonl");
    Files.write(tmp, keep, StandardCharsets.UTF_8);
    AtomicFiles.move(tmp, file);
  }

  /** Reads all lines back (for plots, tests, the demo report). */
  public static List<JsonObject> read(Path file) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    Gson gson = new Gson();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(gson.fromJson(line, JsonObject.class));
      }
    }
    return out;
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
