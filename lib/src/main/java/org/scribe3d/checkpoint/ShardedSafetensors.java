package org.scribe3d.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Several safetensors files seen as one checkpoint (Hugging Face shards); names must be unique. */
public final class ShardedSafetensors implements TensorSource {
  private final String description;
  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> byName;
  private final Map<String, String> metadata;

  ShardedSafetensors(String description, List<SafetensorsFile> files, Map<String, String> extraMetadata) {
    this.description = description;
    this.files = List.copyOf(files);
    Map<String, SafetensorsFile> map = new LinkedHashMap<>();
    Map<String, String> meta = new LinkedHashMap<>(extraMetadata);
    for (SafetensorsFile f : files) {
      for (String n : f.names()) {
        SafetensorsFile prev = map.put(n, f);
        if (prev != null) {
          close();
          throw new CheckpointException("tensor '" + n + "' appears in both " + prev.file() + " and " + f.file());
        }
      }
      f.metadata().forEach(meta::putIfAbsent);
    }
    this.byName = Collections.unmodifiableMap(map);
    this.metadata = Collections.unmodifiableMap(meta);
  }

  public List<SafetensorsFile> files() {
    return files;
  }

  @Override
  public Set<String> names() {
    return byName.keySet();
  }

  @Override
  public TensorInfo info(String name) {
    SafetensorsFile f = byName.get(name);
    if (f == null) {
      throw new CheckpointException("tensor '" + name + "' is not in " + description);
    }
    return f.info(name);
  }

  @Override
  public NDArray load(String name, NDManager manager, DataType type) {
    SafetensorsFile f = byName.get(name);
    if (f == null) {
      throw new CheckpointException("tensor '" + name + "' is not in " + description);
    }
    return f.load(name, manager, type);
  }

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    List<SafetensorsFile> fs = new ArrayList<>(files);
    fs.forEach(SafetensorsFile::close);
  }
}
