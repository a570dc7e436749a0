package org.scribe3d.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {

  private static List<List<String>> all(String csv) throws Exception {
    List<List<String>> out = new ArrayList<>();
    try (CsvReader r = new CsvReader(new StringReader(csv), "t.csv")) {
      List<String> rec;
      while ((rec = r.next()) != null) {
        out.add(rec);
      }
    }
    return out;
  }

  @Test
  void rfc4180() throws Exception {
    assertEquals(List.of(List.of("a", "b", "c"), List.of("1", "", "3")), all("a,b,c\r\n1,,3\r\n"));
    assertEquals(List.of(List.of("x", "he said \"hi\", twice"), List.of("y", "line1\nline2")),
        all("x,\"he said \"\"hi\"\", twice\"\ny,\"line1\nline2\""));
    assertEquals(List.of(List.of("a", "")), all("\uFEFFa,\n"));
    assertEquals(List.of(List.of("a"), List.of("b")), all("a\rb\r"));
    assertEquals(List.of(List.of("", "")), all(","));
  }

  @Test
  void recordLinesCountQuotedNewlines() throws Exception {
    try (CsvReader r = new CsvReader(new StringReader("h\n\"a\r\nb\"\nc\n"), "t.csv")) {
      r.next();
      r.next();
      assertEquals(2, r.recordLine());
      assertEquals(List.of("c"), r.next());
      assertEquals(4, r.recordLine());
      assertNull(r.next());
    }
  }

  @Test
  void malformed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> all("a,b\n1,\"open\n"));
    assertTrue(e.getMessage().startsWith("t.csv:2: unterminated"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> all("a,\"b\"x\n"));
    assertTrue(e.getMessage().contains("t.csv:1"), e.getMessage());
  }
}
