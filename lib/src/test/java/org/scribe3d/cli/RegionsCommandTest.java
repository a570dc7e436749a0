package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionsCommandTest {
  @TempDir Path dir;

  @Test
  void textJson() {
    CliTestSupport.Result r = CliTestSupport.run("regions", "--text",
        "1. Small right pleural effusion. 2. Hypodense lesion in segment 7 of the liver.3. No pelvic mass. "
            + "Comparison with prior CT.", "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonArray a = JsonParser.parseString(r.out()).getAsJsonArray();
    assertEquals(4, a.size(), r.out());
    assertEquals("Small right pleural effusion.", a.get(0).getAsJsonObject().get("sentence").getAsString());
    List<String> regions = a.asList().stream().map(e -> e.getAsJsonObject().get("region").getAsString()).toList();
    assertEquals(List.of("chest", "abdomen", "pelvis", "unknown"), regions);
    JsonArray terms = a.get(1).getAsJsonObject().getAsJsonArray("terms");
    assertTrue(terms.toString().contains("liver"), terms.toString());
  }

  @Test
  void csvToJsonlAndManifest() throws Exception {
    Path csv = dir.resolve("reports.csv");
    Files.writeString(csv, "VolumeName,ClinicalInformation_EN,Technique_EN,Findings_EN,Impressions_EN\r\n"
        + "train_1_a_1.nii.gz,\"Cough, fever\",Non-contrast,\"The lungs show a 5 mm nodule in the RUL, stable.\n"
        + "No pleural effusion. Included upper abdominal organs: the liver has a 2 cm cyst. "
        + "The examination was performed without contrast.\",Nodule\r\n"
        + "valid_7_b_2.nii.gz,,,\"Bladder wall is thickened.\",\r\n", StandardCharsets.UTF_8);
    Path out = dir.resolve("s.jsonl");
    Path man = dir.resolve("m.json");
    CliTestSupport.Result r = CliTestSupport.run("regions", "--csv", csv.toString(), "--out", out.toString(),
        "--to-manifest", man.toString());
    assertEquals(0, r.exitCode(), r.err());
    List<String> lines = Files.readAllLines(out);
    assertEquals(5, lines.size(), String.join("\n", lines));
    JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
    assertEquals(0, first.get("row").getAsInt());
    assertEquals("train_1_a_1.nii.gz", first.get("VolumeName").getAsString());
    assertEquals("chest", first.get("region").getAsString());
    assertEquals("The lungs show a 5 mm nodule in the RUL, stable.", first.get("sentence").getAsString());
    JsonObject last = JsonParser.parseString(lines.get(4)).getAsJsonObject();
    assertEquals(1, last.get("row").getAsInt());
    assertEquals("pelvis", last.get("region").getAsString());
    assertEquals("unknown", JsonParser.parseString(lines.get(3)).getAsJsonObject().get("region").getAsString());

    JsonObject m = JsonParser.parseString(Files.readString(man)).getAsJsonObject();
    JsonObject train = m.getAsJsonArray("training").get(0).getAsJsonObject();
    assertEquals("dataset/train/train_1/train_1_a/train_1_a_1.nii.gz", train.get("image").getAsString());
    JsonObject f = train.getAsJsonObject("labels").getAsJsonObject("report").getAsJsonObject("findings");
    assertEquals("The lungs show a 5 mm nodule in the RUL, stable. No pleural effusion.", f.get("chest").getAsString());
    assertTrue(f.get("abdomen").getAsString().contains("2 cm cyst"));
    assertEquals("", f.get("pelvis").getAsString());
    assertEquals(1, m.getAsJsonArray("validation").size());
    assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
  }

  @Test
  void badInputIsOneErrorLine() throws Exception {
    CliTestSupport.Result r = CliTestSupport.run("regions", "--csv", dir.resolve("nope.csv").toString(), "--out",
        dir.resolve("o.jsonl").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("error: reports CSV not found"), r.err());
    assertEquals(1, r.err().strip().lines().count());

    Path csv = dir.resolve("r.csv");
    Files.writeString(csv, "VolumeName,Findings\na.nii.gz,text\n");
    r = CliTestSupport.run("regions", "--csv", csv.toString(), "--out", dir.resolve("o.jsonl").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("no column 'Findings_EN'") && r.err().contains("VolumeName, Findings"), r.err());
    assertFalse(Files.exists(dir.resolve("o.jsonl")));

    Files.writeString(csv, "VolumeName,Findings_EN\na.nii.gz,\"unterminated\n");
    r = CliTestSupport.run("regions", "--csv", csv.toString(), "--out", dir.resolve("o.jsonl").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("error: " + csv + ":2: malformed CSV (quoted field never closed)"), r.err());
    assertEquals(1, r.err().strip().lines().count());
    assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));

    r = CliTestSupport.run("regions", "--text", "x", "--csv", csv.toString());
    assertEquals(2, r.exitCode());
    r = CliTestSupport.run("regions", "--csv", csv.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--out"), r.err());
  }
}
