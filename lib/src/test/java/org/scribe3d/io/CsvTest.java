package org.scribe3d.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.scribe3d.data.DatasetException;

/** RFC 4180 edge cases of {@link Csv} (parity with Python's csv module is in DataLoadersTest). */
class CsvTest {
  private static final Path T = Path.of("t.csv");

  /** The header and then every data record. */
  private static List<List<String>> all(String text) {
    Csv csv = Csv.parse(T, text);
    List<List<String>> out = new ArrayList<>();
    out.add(csv.header());
    csv.rows().forEach(r -> out.add(r.fields()));
    return out;
  }

  private static List<Integer> lines(String text) {
    return Csv.parse(T, text).rows().stream().map(Csv.Row::line).toList();
  }

  private static String error(String text) {
    return assertThrows(DatasetException.class, () -> Csv.parse(T, text)).getMessage();
  }

  @Test
  void rfc4180() {
    assertEquals(List.of(List.of("a", "b", "c"), List.of("1", "", "3")), all("a,b,c\r\n1,,3\r\n"));
    assertEquals(List.of(List.of("x", "he said \"hi\", twice"), List.of("y", "line1\nline2")),
        all("x,\"he said \"\"hi\"\", twice\"\ny,\"line1\nline2\""));
    assertEquals(List.of(List.of("a", "")), all("\uFEFFa,\n"));
    assertEquals(List.of(List.of("a"), List.of("b")), all("a\rb\r"));
    assertEquals(List.of(List.of("", "")), all(","));
    assertEquals(List.of(List.of("h"), List.of("x\ry")), all("h\r\"x\ry\"\r"));
  }

  @Test
  void readerGivesTheSameRecords() throws Exception {
    Csv csv = Csv.read(T, new StringReader("a,b\r\n\"1\r\n2\",3\n"));
    assertEquals(List.of("a", "b"), csv.header());
    assertEquals(List.of(new Csv.Row(2, List.of("1\r\n2", "3"))), csv.rows());
  }

  @Test
  void recordLinesCountQuotedLineBreaks() {
    assertEquals(List.of(2, 4), lines("h\n\"a\r\nb\"\nc\n"));
    assertEquals(List.of(2, 4), lines("h\r\"a\rb\"\rc\r"));
    assertEquals(List.of(3, 6), lines("h\n\n\"a\nb\"\r\n\r\nc")); // blank lines count
  }

  @Test
  void malformedNamesFileAndLine() {
    assertEquals("t.csv:2: malformed CSV (quoted field never closed)", error("a,b\n1,\"open\n"));
    assertEquals("t.csv:1: malformed CSV (text after a closing quote)", error("a,\"b\"x\n"));
    assertEquals("t.csv:2: malformed CSV (quote inside an unquoted field; quote the whole field and double inner"
        + " quotes)", error("a\nb\"c\n"));
    assertEquals("t.csv:3: malformed CSV (expected 2 fields as in the header, found 1)", error("a,b\r1,2\r3\r"));
    assertEquals("t.csv: empty CSV (no header line)", error("\uFEFF\n\r\n"));
  }

  @Test
  void columnsByName() {
    Csv csv = Csv.parse(T, " a ,b\n1,2\n");
    assertEquals(0, csv.column("a"));
    assertEquals(1, csv.column("b"));
    assertEquals(false, csv.has("c"));
    assertEquals("t.csv:1: missing column 'c' (columns:  a , b)",
        assertThrows(DatasetException.class, () -> csv.column("c")).getMessage());
  }
}
