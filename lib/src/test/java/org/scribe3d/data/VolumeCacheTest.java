package org.scribe3d.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeCacheTest {
  @Test
  void volumeCacheHitsMissesAndInvalidation(@TempDir Path tmp) throws Exception {
    Path img = tmp.resolve("a.nii");
    Files.write(img, new byte[] {1, 2, 3});
    AtomicInteger calls = new AtomicInteger();
    VolumeCache.Preprocessor pre = p -> {
      calls.incrementAndGet();
      byte[] b = Files.readAllBytes(p);
      return new float[] {b.length, b[0], 0.5f, -1e-7f};
    };
    Path dir = tmp.resolve("cache");
    VolumeCache c1 = new VolumeCache(dir, "{\"size\":[32,128,128]}", pre);
    float[] first = c1.get(img);
    float[] again = c1.get(tmp.resolve(".").resolve("a.nii")); // same file, other spelling
    assertArrayEquals(first, again, 0f);
    assertEquals(1, calls.get());
    assertEquals(1, c1.hits());
    // the stored entry is raw little-endian float32 + JSON
    try (Stream<Path> s = Files.list(dir)) {
      Path f32 = s.filter(p -> p.toString().endsWith(".f32")).findFirst().orElseThrow();
      ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(f32)).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(3f, bb.getFloat(0));
      assertEquals(-1e-7f, bb.getFloat(12));
    }
    // a new process with the same config reuses the entry
    VolumeCache c2 = new VolumeCache(dir, "{\"size\":[32,128,128]}", pre);
    c2.get(img);
    assertEquals(1, calls.get());
    // another pipeline config: miss, and prune removes the old config's entry
    VolumeCache c3 = new VolumeCache(dir, "{\"size\":[32,64,64]}", pre);
    c3.get(img);
    assertEquals(2, calls.get());
    assertEquals(1, c3.prune());
    c2.get(img); // pruned → recomputed
    assertEquals(3, calls.get());
    // the image changes (size and mtime): miss
    Files.write(img, new byte[] {9, 9, 9, 9});
    Files.setLastModifiedTime(img, FileTime.fromMillis(Files.getLastModifiedTime(img).toMillis() + 5000));
    assertEquals(4f, c2.get(img)[0]);
    assertEquals(4, calls.get());
    // a torn entry (data without its JSON) is ignored; temp files are pruned
    Files.writeString(dir.resolve(".tmp-123.f32"), "x");
    c2.prune();
    try (Stream<Path> s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")));
    }
    IOException missing = assertThrows(IOException.class, () -> c2.get(tmp.resolve("nope.nii")));
    assertTrue(missing.getMessage().contains("nope.nii"), missing.getMessage());
  }
}
