package org.scribe3d.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.model.nn.LayerNorm;
import org.scribe3d.model.nn.Linear;
import org.scribe3d.model.nn.Module;
import org.scribe3d.testing.PythonReference;

class SafetensorsTest {
  @TempDir Path tmp;

  static float[] ramp(int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (i - n / 2f) * scale;
    }
    return v;
  }

  @Test
  void roundTripAllDtypesWithMetadata() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> t = new LinkedHashMap<>();
      t.put("a.f32", m.create(ramp(12, 0.37f), new Shape(3, 4)));
      // values exactly representable in half / bfloat16, so the round trip is exact
      t.put("b.f16", m.create(ramp(6, 0.25f), new Shape(2, 3)).toType(DataType.FLOAT16, false));
      t.put("d.i64", m.create(new long[] {1, -2, 1L << 40}));
      t.put("e.i32", m.create(new int[] {7, -8}, new Shape(1, 2)));
      t.put("f.scalar", m.create(3.5f));
      Path f = tmp.resolve("x.safetensors");
      Safetensors.write(f, t, Map.of("format", "pt"));
      // bf16 cannot be a DJL array: it is produced from float32 on write and widened on read
      Path g = tmp.resolve("y.safetensors");
      Safetensors.write(g, Map.of("c.bf16", m.create(ramp(8, 0.5f), new Shape(8))), null, TensorDType.BF16);
      try (TensorSource s = Safetensors.open(g)) {
        assertEquals(TensorDType.BF16, s.info("c.bf16").dtype());
        assertEquals(16, s.info("c.bf16").length());
        assertArrayEquals(ramp(8, 0.5f), s.load("c.bf16", m, null).toFloatArray());
        assertArrayEquals(ramp(8, 0.5f), s.load("c.bf16", m, DataType.FLOAT16).toType(DataType.FLOAT32, false).toFloatArray());
        assertThrows(CheckpointException.class, () -> s.load("c.bf16", m, DataType.BFLOAT16));
      }
      try (TensorSource s = Safetensors.open(f)) {
        assertEquals(List.of("a.f32", "b.f16", "d.i64", "e.i32", "f.scalar"), new ArrayList<>(s.names()));
        assertEquals("pt", s.metadata().get("format"));
        assertEquals(new Shape(2, 3), s.info("b.f16").shape());
        assertArrayEquals(ramp(12, 0.37f), s.load("a.f32", m, null).toFloatArray());
        NDArray half = s.load("b.f16", m, null);
        assertEquals(DataType.FLOAT16, half.getDataType());
        assertArrayEquals(ramp(6, 0.25f), s.load("b.f16", m, DataType.FLOAT32).toFloatArray());
        assertArrayEquals(new long[] {1, -2, 1L << 40}, s.load("d.i64", m, null).toLongArray());
        assertArrayEquals(new int[] {7, -8}, s.load("e.i32", m, null).toIntArray());
        assertEquals(new Shape(), s.load("f.scalar", m, null).getShape());
        // loaded arrays are owned copies: writing to one does not touch the (read-only) mapping
        NDArray a = s.load("a.f32", m, null);
        a.addi(1f);
        assertArrayEquals(ramp(12, 0.37f), s.load("a.f32", m, null).toFloatArray());
      }
      try (var files = Files.list(tmp)) {
        assertEquals(2, files.count(), "no temp file left behind");
      }
    }
  }

  @Test
  void zeroCopyArraysAreCopyOnWrite() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Path f = tmp.resolve("cow.safetensors");
      Safetensors.write(f, Map.of("w", m.create(ramp(64, 1f), new Shape(8, 8))), null);
      byte[] before = Files.readAllBytes(f);
      for (boolean zeroCopy : new boolean[] {true, false}) {
        SafetensorsFile.zeroCopy = zeroCopy;
        try (TensorSource s = Safetensors.open(f)) {
          NDArray w = s.load("w", m, null);
          w.muli(-3f);
          assertEquals(-3f * ramp(64, 1f)[5], w.toFloatArray()[5]);
          assertArrayEquals(ramp(64, 1f), s.load("w", m, null).toFloatArray());
        } finally {
          SafetensorsFile.zeroCopy = true;
        }
        assertArrayEquals(before, Files.readAllBytes(f), "the file must never change");
      }
    }
  }

  @Test
  void bigTensorsAreMappedInRowChunks() {
    long saved = SafetensorsFile.maxMapBytes;
    SafetensorsFile.maxMapBytes = 40; // 10 floats: a 7x6 tensor is read and written in chunks of 1 row
    try (NDManager m = NDManager.newBaseManager()) {
      Path f = tmp.resolve("big.safetensors");
      Safetensors.write(f, Map.of("w", m.create(ramp(42, 1f), new Shape(7, 6))), null);
      SafetensorsFile.maxMapBytes = 64;
      try (TensorSource s = Safetensors.open(f)) {
        NDArray w = s.load("w", m, DataType.FLOAT64);
        assertEquals(new Shape(7, 6), w.getShape());
        assertArrayEquals(ramp(42, 1f), w.toType(DataType.FLOAT32, false).toFloatArray());
      }
    } finally {
      SafetensorsFile.maxMapBytes = saved;
    }
  }

  @Test
  void shardedDirectoryWithIndex() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> t = new LinkedHashMap<>();
      for (int i = 0; i < 5; i++) {
        t.put("layer." + i + ".weight", m.create(ramp(16, i + 1), new Shape(4, 4)));
      }
      Path dir = tmp.resolve("sharded");
      Safetensors.writeSharded(dir, t, 150, Map.of("format", "pt")); // 64 bytes each: 2 per shard
      assertTrue(Files.exists(dir.resolve("model-00003-of-00003.safetensors")));
      String index = Files.readString(dir.resolve(Safetensors.INDEX_FILE));
      assertTrue(index.contains("\"total_size\": 320"), index);
      try (TensorSource s = Safetensors.open(dir)) {
        assertEquals(t.keySet(), s.names());
        assertArrayEquals(ramp(16, 5), s.load("layer.4.weight", m, null).toFloatArray());
        assertEquals("model-00002-of-00003.safetensors", s.info("layer.2.weight").file().getFileName().toString());
      }
      // an index pointing at a missing shard is named in the error
      Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
      CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.open(dir));
      assertTrue(e.getMessage().contains("model-00002-of-00003.safetensors"), e.getMessage());
    }
  }

  @Test
  void producedTensorsAreMadeInOrderWholeOrInRowBlocksAndWrittenInTheirSpecsDtype() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, Safetensors.Spec> specs = new LinkedHashMap<>();
      specs.put("a", new Safetensors.Spec(new Shape(2, 4), TensorDType.F16));
      specs.put("b", new Safetensors.Spec(new Shape(8), TensorDType.BF16));
      specs.put("c", new Safetensors.Spec(new Shape(4, 2), TensorDType.F32));
      List<String> order = new ArrayList<>();
      Safetensors.Producer p = (name, rows) -> {
        order.add(name);
        try (NDArray all = m.create(ramp(8, 0.5f), specs.get(name).shape())) {
          if (name.equals("c")) { // rows 0..0, then 1..3
            rows.accept(all.get("0:1"));
            rows.accept(all.get("1:"));
          } else {
            rows.accept(all);
          }
        }
      };
      Path dir = tmp.resolve("produced");
      Safetensors.writeSharded(dir, specs, p, 40, null); // 16 bytes each: two per shard
      assertEquals(List.of("a", "b", "c"), order);
      try (TensorSource s = Safetensors.open(dir)) {
        assertEquals(specs.keySet(), s.names());
        for (Map.Entry<String, Safetensors.Spec> e : specs.entrySet()) {
          assertEquals(e.getValue().dtype(), s.info(e.getKey()).dtype());
          assertEquals(e.getValue().shape(), s.info(e.getKey()).shape());
          assertArrayEquals(ramp(8, 0.5f), s.load(e.getKey(), m, DataType.FLOAT32).toFloatArray());
        }
        assertEquals("model-00002-of-00002.safetensors", s.info("c").file().getFileName().toString());
      }
      // rows that do not fit the shape the header announced, or too few of them, fail the write and leave no file
      Map<String, Safetensors.Spec> one = Map.of("a", specs.get("a"));
      Path f = tmp.resolve("wrong.safetensors");
      IllegalStateException wrongShape = assertThrows(IllegalStateException.class,
          () -> Safetensors.write(f, one, (name, rows) -> rows.accept(m.zeros(new Shape(2, 3))), null));
      assertTrue(wrongShape.getMessage().contains("'a' of shape (2, 4) was given rows of shape (2, 3)"),
          wrongShape.getMessage());
      IllegalStateException tooFew = assertThrows(IllegalStateException.class,
          () -> Safetensors.write(f, one, (name, rows) -> rows.accept(m.zeros(new Shape(1, 4))), null));
      assertTrue(tooFew.getMessage().contains("was given 4 values, not 8"), tooFew.getMessage());
      try (var files = Files.list(tmp)) {
        assertTrue(files.noneMatch(x -> x.getFileName().toString().contains("wrong")));
      }
    }
  }

  @Test
  void corruptFilesGiveOneClearErrorNamingTheFile() throws IOException {
    Path f = tmp.resolve("bad.safetensors");
    Files.write(f, new byte[] {1, 2, 3});
    assertMessage(f, "shorter than the 8-byte header");
    writeRaw(f, "{not json", 0);
    assertMessage(f, "not valid JSON");
    writeRaw(f, "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 8);
    assertMessage(f, "outside the data region");
    writeRaw(f, "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", 16);
    assertMessage(f, "needs 24 bytes");
    writeRaw(f, "{\"w\":{\"dtype\":\"C64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16);
    assertMessage(f, "unsupported dtype C64");
    writeRaw(f, "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 16);
    assertMessage(f, "overlap");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.open(tmp.resolve("none")));
    assertTrue(e.getMessage().contains("none"));
  }

  private static void writeRaw(Path f, String header, int dataBytes) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + h.length + dataBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Files.write(f, b.array());
  }

  private static void assertMessage(Path f, String part) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.open(f).close());
    assertTrue(e.getMessage().contains(part) && e.getMessage().contains(f.toString()), e.getMessage());
  }

  /** PyTorch (an independent writer/reader of the format, implemented here from the spec) agrees. */
  @Test
  void interoperatesWithAnIndependentPythonImplementation() throws Exception {
    Path ours = tmp.resolve("ours.safetensors");
    Path theirs = tmp.resolve("theirs.safetensors");
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> t = new LinkedHashMap<>();
      t.put("w", m.create(ramp(6, 0.3f), new Shape(2, 3)));
      Safetensors.write(ours, t, Map.of("k", "v"));
      Safetensors.write(tmp.resolve("ours-h.safetensors"), Map.of("h", m.create(ramp(4, 0.1f), new Shape(4))),
          Map.of("k", "v"), TensorDType.BF16);
    }
    String py = String.join("\n",
        "import json, struct, sys, torch",
        "src, dst = sys.argv[1], sys.argv[2]",
        "dt = {'F32': torch.float32, 'BF16': torch.bfloat16, 'F16': torch.float16}",
        "t = {}",
        "for path in (src, src.replace('ours', 'ours-h')):",
        "  raw = open(path, 'rb').read()",
        "  n = struct.unpack('<Q', raw[:8])[0]",
        "  assert n % 8 == 0",
        "  hdr = json.loads(raw[8:8+n]); data = raw[8+n:]",
        "  assert hdr['__metadata__'] == {'k': 'v'}, hdr",
        "  for k, v in hdr.items():",
        "    if k == '__metadata__': continue",
        "    b, e = v['data_offsets']",
        "    t[k] = torch.frombuffer(bytearray(data[b:e]), dtype=dt[v['dtype']]).reshape(v['shape'])",
        "assert t['h'].dtype == torch.bfloat16",
        "assert torch.equal(t['h'], torch.tensor(%s).to(torch.bfloat16)), t['h']",
        "out = {'w2': (t['w'].float() * 2).to(torch.bfloat16), 'h2': t['h'].float() + 1, 'z': torch.arange(6, dtype=torch.float32).reshape(3,2).to(torch.float16)}",
        "hdr2, blobs, off = {}, [], 0",
        "names = {torch.float32: 'F32', torch.bfloat16: 'BF16', torch.float16: 'F16'}",
        "for k, v in out.items():",
        "    b = v.contiguous().view(torch.uint8).numpy().tobytes() if v.dtype != torch.float32 else v.numpy().tobytes()",
        "    hdr2[k] = {'dtype': names[v.dtype], 'shape': list(v.shape), 'data_offsets': [off, off + len(b)]}",
        "    blobs.append(b); off += len(b)",
        "h = json.dumps(hdr2).encode()",
        "open(dst, 'wb').write(struct.pack('<Q', len(h)) + h + b''.join(blobs))");
    float[] hv = ramp(4, 0.1f);
    py = py.replace("%s", "[" + hv[0] + ", " + hv[1] + ", " + hv[2] + ", " + hv[3] + "]");
    PythonReference.runCode(py, null, List.of(ours.toString(), theirs.toString()), 60);
    try (NDManager m = NDManager.newBaseManager(); TensorSource s = Safetensors.open(theirs)) {
      float[] w2 = s.load("w2", m, DataType.FLOAT32).toFloatArray();
      float[] want = ramp(6, 0.3f);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i] * 2, w2[i], Math.abs(want[i] * 2) / 128 + 1e-6f); // bf16 has 8 bits of mantissa
      }
      float[] h2 = s.load("h2", m, null).toFloatArray();
      float[] hw = ramp(4, 0.1f);
      for (int i = 0; i < 4; i++) {
        assertEquals(hw[i] + 1, h2[i], 1e-2f);
      }
      assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, s.load("z", m, DataType.FLOAT32).toFloatArray());
      assertEquals(new Shape(3, 2), s.info("z").shape());
    }
  }

  static final class Tiny extends Module {
    final Linear fc;
    final LayerNorm norm;

    Tiny(NDManager m, int in) {
      fc = child("fc", new Linear(m, in, 3, true, DataType.FLOAT32));
      norm = child("norm", new LayerNorm(m, 3, 1e-5f, DataType.FLOAT32));
    }
  }

  @Test
  void moduleLoaderMapsNamesAndListsEveryProblemInOneError() {
    try (NDManager m = NDManager.newBaseManager()) {
      Tiny src = new Tiny(m, 4);
      Map<String, NDArray> state = new LinkedHashMap<>();
      ModuleLoader.stateDict(src).forEach((k, v) -> state.put("enc." + k, v));
      state.put("other.thing", m.ones(new Shape(2)));
      Path f = tmp.resolve("tiny.safetensors");
      Safetensors.write(f, state, null);
      Tiny dst = new Tiny(m, 4);
      try (TensorSource s = Safetensors.open(f)) {
        ModuleLoader.Report r = ModuleLoader.load(dst, s,
            n -> n.startsWith("enc.") ? n.substring(4) : null, p -> false);
        assertEquals(List.of("other.thing"), r.ignored());
        assertEquals(4, r.loaded().size());
        assertArrayEquals(src.fc.weight().array().toFloatArray(), dst.fc.weight().array().toFloatArray());
        assertTrue(dst.fc.weight().array().hasGradient() || dst.fc.weight().trainable());

        // wrong input width, a missing bias (optional here), an extra tensor: all listed at once
        Tiny wrong = new Tiny(m, 5);
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModuleLoader.load(wrong, s,
            n -> n.equals("enc.norm.bias") ? null : n.startsWith("enc.") ? n.substring(4) : n, p -> false));
        String msg = e.getMessage();
        assertTrue(msg.contains("1 missing [norm.bias]"), msg);
        assertTrue(msg.contains("1 unexpected [other.thing]"), msg);
        assertTrue(msg.contains("1 mis-shaped [enc.fc.weight checkpoint (3, 4) vs model (3, 5)]"), msg);
        assertTrue(msg.contains(f.toString()), msg);
        assertTrue(!msg.contains("\n"));
      }
    }
  }
}
