package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.io.FileTrees;

/**
 * Training checkpoints under {@code RUN/checkpoints/step-NNNNNNNN/}: {@code model.safetensors}
 * (parameters), {@code optimizer.safetensors} (AdamW moments) and {@code state.json} (step, data
 * position, seeds, schedule, config fingerprint). A checkpoint is written into a temp directory and
 * renamed into place, so a crash leaves either the whole checkpoint or none; only the newest
 * {@code keepLast} are kept.
 */
public final class CheckpointStore {
  public static final String MODEL_FILE = "model.safetensors";
  public static final String OPTIMIZER_FILE = "optimizer.safetensors";
  public static final String STATE_FILE = "state.json";
  private static final Pattern NAME = Pattern.compile("step-(\\d{8,})");

  /** One complete checkpoint on disk. */
  public record Checkpoint(Path dir, long step, JsonObject state) {
    public Map<String, NDArray> model(NDManager manager) throws IOException {
      return TensorFiles.read(dir.resolve(MODEL_FILE), manager);
    }

    public Map<String, NDArray> optimizer(NDManager manager) throws IOException {
      return TensorFiles.read(dir.resolve(OPTIMIZER_FILE), manager);
    }
  }

  private final Path dir;
  private final int keepLast;

  public CheckpointStore(Path runDir, int keepLast) {
    if (keepLast < 1) {
      throw new IllegalArgumentException("keepLast must be ≥ 1, got " + keepLast);
    }
    this.dir = runDir.resolve("checkpoints");
    this.keepLast = keepLast;
  }

  public Path directory() {
    return dir;
  }

  /** Writes a checkpoint atomically and prunes old ones; returns its directory. */
  public Path save(long step, Map<String, NDArray> model, Map<String, NDArray> optimizer, JsonObject state)
      throws IOException {
    String name = String.format("step-%08d", step);
    Path target = dir.resolve(name);
    // the same step saved twice (e.g. end of run == periodic) replaces the earlier one
    AtomicFiles.replaceDirectory(target, tmp -> {
      TensorFiles.write(tmp.resolve(MODEL_FILE), model, Map.of("format", "pt", "step", Long.toString(step)));
      TensorFiles.write(tmp.resolve(OPTIMIZER_FILE), optimizer, Map.of("step", Long.toString(step)));
      Gson gson = new GsonBuilder().setPrettyPrinting().create();
      AtomicFiles.writeString(tmp.resolve(STATE_FILE), gson.toJson(state));
    });
    prune();
    return target;
  }

  /** Complete checkpoints, oldest first. */
  public List<Checkpoint> list() throws IOException {
    List<Checkpoint> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && Files.isRegularFile(p.resolve(STATE_FILE))) {
          JsonObject state;
          try {
            state = new Gson().fromJson(Files.readString(p.resolve(STATE_FILE)), JsonObject.class);
          } catch (RuntimeException e) {
            throw new IOException("corrupt checkpoint state " + p.resolve(STATE_FILE) + ": " + e.getMessage());
          }
          out.add(new Checkpoint(p, Long.parseLong(m.group(1)), state));
        }
      }
    }
    out.sort(Comparator.comparingLong(Checkpoint::step));
    return out;
  }

  /** The newest complete checkpoint, if any. */
  public Optional<Checkpoint> latest() throws IOException {
    List<Checkpoint> all = list();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  private void prune() throws IOException {
    List<Checkpoint> all = list();
    for (int i = 0; i < all.size() - keepLast; i++) {
      FileTrees.delete(all.get(i).dir());
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*")) { // unfinished or replaced checkpoints
      for (Path p : ds) {
        FileTrees.delete(p);
      }
    }
  }
}
