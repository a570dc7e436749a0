package org.scribe3d.checkpoint;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a checkpoint directory holds, read from its safetensors headers only (no tensor data): parameters and
 * stored bytes per part of the model, and the stored dtypes. Parts follow the released layouts' prefixes:
 * M3D-LaMed's {@code model.vision_tower.*}, {@code model.mm_projector.*}, SegVol's {@code model.seg_module.*} /
 * {@code model.seg_projector.*}; M3D-CLIP's {@code vision_encoder.*}; Scribe3D's own {@code vision_tower.*},
 * {@code mm_projector.*}, {@code finding_head.*}, {@code llm.*}; everything else is the language model.
 *
 * @param parts part name → parameters and stored bytes, in the order first seen
 * @param dtypes stored dtype → number of tensors
 */
public record CheckpointInventory(Map<String, Part> parts, Map<TensorDType, Integer> dtypes) {
  public static final String VISION = "vision";
  public static final String PROJECTOR = "projector";
  public static final String SEGMENTATION = "segmentation";
  public static final String LANGUAGE_MODEL = "llm";
  public static final String OTHER = "other";

  /** Parameters and bytes of one part, as stored. */
  public record Part(long parameters, long storedBytes) {
    Part plus(TensorInfo t) {
      return new Part(parameters + t.elementCount(), storedBytes + t.length());
    }
  }

  /** Reads the headers of {@code dir}'s safetensors (one file or shards with an index). */
  public static CheckpointInventory of(Path dir) {
    try (TensorSource src = Safetensors.open(dir)) {
      Map<String, Part> parts = new LinkedHashMap<>();
      Map<TensorDType, Integer> dtypes = new TreeMap<>();
      for (String n : src.names()) {
        TensorInfo t = src.info(n);
        parts.merge(partOf(n), t.elementCount() == 0 ? new Part(0, 0) : new Part(0, 0).plus(t),
            (a, b) -> new Part(a.parameters() + b.parameters(), a.storedBytes() + b.storedBytes()));
        dtypes.merge(t.dtype(), 1, Integer::sum);
      }
      return new CheckpointInventory(parts, dtypes);
    }
  }

  /** The part a tensor name belongs to. */
  public static String partOf(String name) {
    if (name.startsWith("model.vision_tower.") || name.startsWith("vision_encoder.")
        || name.startsWith("vision_tower.")) {
      return VISION;
    }
    if (name.startsWith("model.mm_projector.") || name.startsWith("mm_projector.")
        || name.startsWith("finding_head.")) {
      return PROJECTOR;
    }
    if (name.startsWith("model.seg_module.") || name.startsWith("model.seg_projector.")) {
      return SEGMENTATION;
    }
    if (name.startsWith("language_encoder.") || name.startsWith("mm_language_proj.")
        || name.startsWith("mm_vision_proj.") || name.equals("logit_scale")) {
      return OTHER; // M3D-CLIP's text side and contrastive heads: not used by a report generator
    }
    return LANGUAGE_MODEL;
  }

  /** Parameters of a part (0 when absent). */
  public long parameters(String part) {
    Part p = parts.get(part);
    return p == null ? 0 : p.parameters();
  }

  public long totalParameters() {
    return parts.values().stream().mapToLong(Part::parameters).sum();
  }

  public long totalStoredBytes() {
    return parts.values().stream().mapToLong(Part::storedBytes).sum();
  }
}
