package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.eval.CocoCorpus;

class MetricsCommandTest {
  @TempDir Path tmp;

  @Test
  void jsonKeysAndValues() throws IOException {
    Path refs = tmp.resolve("refs.txt");
    Path hyps = tmp.resolve("hyps.txt");
    Files.writeString(refs, "Small left pleural effusion.\nThe liver is normal in size.\nNo acute findings.\n");
    Files.writeString(hyps, "Small pleural effusion on the left.\nLiver normal.\nNo acute abnormality.\n");
    CliTestSupport.Result r = CliTestSupport.run("metrics", "--refs", refs.toString(), "--hyps", hyps.toString(), "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(List.of("bleu_1", "bleu_2", "bleu_3", "bleu_4", "rouge_l", "cider", "meteor"), List.copyOf(o.keySet()));
    CocoCorpus c = CocoCorpus.fromRawText(Files.readAllLines(hyps),
        Files.readAllLines(refs).stream().map(List::of).toList());
    assertEquals(c.bleu(null)[3], o.get("bleu_4").getAsDouble(), 1e-12);
    assertEquals(c.cider(null), o.get("cider").getAsDouble(), 1e-12);
    CliTestSupport.Result text = CliTestSupport.run("metrics", "--refs", refs.toString(), "--hyps", hyps.toString());
    assertEquals(0, text.exitCode());
    assertTrue(text.out().contains("rouge_l"), text.out());
  }

  @Test
  void clearErrors() throws IOException {
    Path refs = tmp.resolve("refs.txt");
    Path hyps = tmp.resolve("hyps.txt");
    Path empty = tmp.resolve("empty.txt");
    Files.writeString(refs, "a\nb\n");
    Files.writeString(hyps, "a\n");
    Files.writeString(empty, "");
    CliTestSupport.Result r = CliTestSupport.run("metrics", "--refs", refs.toString(), "--hyps", hyps.toString());
    assertEquals(1, r.exitCode());
    assertEquals("error: line counts differ: " + refs + " has 2 lines, " + hyps + " has 1", r.err().strip());
    r = CliTestSupport.run("metrics", "--refs", tmp.resolve("nope.txt").toString(), "--hyps", hyps.toString());
    assertEquals(1, r.exitCode());
    assertEquals("error: no such file: " + tmp.resolve("nope.txt"), r.err().strip());
    r = CliTestSupport.run("metrics", "--refs", refs.toString(), "--hyps", empty.toString());
    assertEquals(1, r.exitCode());
    assertEquals("error: " + empty + " is empty", r.err().strip());
    r = CliTestSupport.run("metrics", "--refs", refs.toString());
    assertEquals(2, r.exitCode());
  }
}
