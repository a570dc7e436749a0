package org.scribe3d.prompt;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.Arrays;
import java.util.Collection;
import java.util.TreeSet;

/**
 * A restricted vocabulary: the token ids (of the full Llama-3 tokenizer) that a small model covers,
 * numbered 0..n-1 in ascending original order ("compact" ids). The tiny preset's embedding and head
 * have n rows instead of 128256, which makes its output layer cheap. Training maps inputs and labels
 * to compact ids; generation maps prompts in and generated ids back out. The mapping is stored with the
 * model config (a sorted list of original ids), so the same map is rebuilt exactly.
 */
public final class VocabMap {
  private final long[] originals; // sorted ascending; compact id = index

  private VocabMap(long[] sortedUnique) {
    this.originals = sortedUnique;
  }

  /** The map covering exactly these original ids (duplicates collapse). */
  public static VocabMap of(Collection<Long> ids) {
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("a vocabulary map needs at least one token id");
    }
    TreeSet<Long> s = new TreeSet<>(ids);
    if (s.first() < 0) {
      throw new IllegalArgumentException("negative token id " + s.first() + " in vocabulary map");
    }
    return new VocabMap(s.stream().mapToLong(Long::longValue).toArray());
  }

  /** Collects ids (e.g. of every tokenised training text plus the special tokens). */
  public static final class Builder {
    private final TreeSet<Long> ids = new TreeSet<>();

    public Builder add(long id) {
      ids.add(id);
      return this;
    }

    public Builder add(long... more) {
      for (long id : more) {
        ids.add(id);
      }
      return this;
    }

    public VocabMap build() {
      return of(ids);
    }
  }

  /** Number of tokens covered: the small model's vocab_size. */
  public int size() {
    return originals.length;
  }

  public boolean contains(long original) {
    return Arrays.binarySearch(originals, original) >= 0;
  }

  /** Compact id of an original id; throws naming the id if the map does not cover it. */
  public long toCompact(long original) {
    int i = Arrays.binarySearch(originals, original);
    if (i < 0) {
      throw new IllegalArgumentException("token id " + original + " is outside the model's restricted vocabulary of "
          + originals.length + " tokens");
    }
    return i;
  }

  public long[] toCompact(long[] original) {
    long[] out = new long[original.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = toCompact(original[i]);
    }
    return out;
  }

  /**
   * Like {@link #toCompact(long[])} but ids the map does not cover become {@code fallbackOriginal}
   * (which must be covered) — for prompts at generation time with words the corpus never had.
   */
  public long[] toCompactOr(long[] original, long fallbackOriginal) {
    long fb = toCompact(fallbackOriginal);
    long[] out = new long[original.length];
    for (int i = 0; i < out.length; i++) {
      int j = Arrays.binarySearch(originals, original[i]);
      out[i] = j >= 0 ? j : fb;
    }
    return out;
  }

  /** Original id of a compact id. */
  public long toOriginal(long compact) {
    if (compact < 0 || compact >= originals.length) {
      throw new IllegalArgumentException("compact token id " + compact + " is outside 0.." + (originals.length - 1));
    }
    return originals[(int) compact];
  }

  public long[] toOriginal(long[] compact) {
    long[] out = new long[compact.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = toOriginal(compact[i]);
    }
    return out;
  }

  /** The covered original ids in compact order. */
  public long[] originalIds() {
    return originals.clone();
  }

  public JsonArray toJson() {
    JsonArray a = new JsonArray();
    for (long id : originals) {
      a.add(id);
    }
    return a;
  }

  /** Reads {@link #toJson()}'s array; {@code source} names it in errors. */
  public static VocabMap fromJson(JsonElement e, String source) {
    if (e == null || !e.isJsonArray()) {
      throw new IllegalArgumentException(source + ": vocabulary map must be an array of token ids");
    }
    long[] ids = new long[e.getAsJsonArray().size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = e.getAsJsonArray().get(i).getAsLong();
      if (i > 0 && ids[i] <= ids[i - 1]) {
        throw new IllegalArgumentException(source + ": vocabulary map ids must be strictly increasing (index " + i + ")");
      }
    }
    if (ids.length == 0 || ids[0] < 0) {
      throw new IllegalArgumentException(source + ": vocabulary map is empty or has a negative id");
    }
    return new VocabMap(ids);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VocabMap v && Arrays.equals(originals, v.originals);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(originals);
  }

  @Override
  public String toString() {
    return "VocabMap(" + originals.length + " tokens)";
  }
}
