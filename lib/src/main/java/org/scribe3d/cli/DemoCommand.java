package org.scribe3d.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scribe3d demo}: the end-to-end walk through what Scribe3D does today on the embedded phantom
 * benchmark. It runs the same commands a user would, in order, and writes runs/demo/summary.json.
 *
 * <p>Current steps: synthesise the phantom benchmark, summarise it, inspect one scan, preprocess it
 * to the tiny preset's input size, split its report into regions, and size the models. Training,
 * generation and evaluation of a trained run join this command with the training issue (#6).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the phantom-benchmark demo: synth -> dataset-info -> nifti-info -> preprocess"
        + " -> regions -> model-info, writing OUT/summary.json (default runs/demo)."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "runs/demo", paramLabel = "DIR",
      description = "Output directory (default runs/demo).")
  Path out;

  @Option(names = "--cases", defaultValue = "12", paramLabel = "N", description = "Phantom cases (default 12).")
  int cases;

  @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "Random seed (default 7).")
  long seed;

  @Spec CommandSpec spec;

  private record Step(String name, List<String> args, double seconds) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    Files.createDirectories(out);
    Path data = out.resolve("data");
    List<Step> steps = new ArrayList<>();

    run(o, steps, "synthesise the phantom benchmark",
        "synth", "--out", data.toString(), "--cases", Integer.toString(cases), "--seed", Long.toString(seed));
    run(o, steps, "summarise the dataset", "dataset-info", data.resolve("dataset.json").toString());

    JsonObject dataset = JsonParser.parseString(
        Files.readString(data.resolve("dataset.json"), StandardCharsets.UTF_8)).getAsJsonObject();
    JsonArray training = dataset.getAsJsonArray("training");
    if (training == null || training.isEmpty()) {
      throw new CliExit("demo: the synthesised dataset has no training cases (use --cases >= 2)");
    }
    JsonObject first = training.get(0).getAsJsonObject();
    Path image = data.resolve(first.get("image").getAsString()).normalize();
    run(o, steps, "inspect one scan", "nifti-info", image.toString());

    Path preprocessed = out.resolve("preprocessed.nii.gz");
    run(o, steps, "preprocess it to the tiny preset's input (32x128x128)",
        "preprocess", image.toString(), "--out", preprocessed.toString(), "--size", "32,128,128");

    JsonObject findings = first.getAsJsonObject("labels").getAsJsonObject("report").getAsJsonObject("findings");
    String report = String.join(" ", findings.get("chest").getAsString(), findings.get("abdomen").getAsString(),
        findings.get("pelvis").getAsString()).strip();
    run(o, steps, "split its report into chest / abdomen / pelvis sentences", "regions", "--text", report);
    run(o, steps, "size the paper and tiny models", "model-info", "--preset", "paper");
    run(o, steps, "", "model-info", "--preset", "tiny");

    JsonObject summary = new JsonObject();
    summary.addProperty("dataset", data.resolve("dataset.json").toString());
    summary.addProperty("cases", cases);
    summary.addProperty("seed", seed);
    summary.addProperty("example_image", image.toString());
    summary.addProperty("preprocessed", preprocessed.toString());
    summary.addProperty("training", "not yet part of the demo (issue 6)");
    JsonArray stepArr = new JsonArray();
    double total = 0;
    for (Step s : steps) {
      JsonObject j = new JsonObject();
      j.addProperty("step", s.name());
      j.addProperty("command", "scribe3d " + String.join(" ", s.args()));
      j.addProperty("seconds", Math.round(s.seconds() * 1000) / 1000.0);
      stepArr.add(j);
      total += s.seconds();
    }
    summary.add("steps", stepArr);
    summary.addProperty("total_seconds", Math.round(total * 1000) / 1000.0);
    writeAtomically(out.resolve("summary.json"),
        new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(summary) + "\n");
    o.printf("%ndemo finished in %.1f s; summary: %s%n", total, out.resolve("summary.json"));
    return 0;
  }

  private void run(PrintWriter o, List<Step> steps, String title, String... args) {
    if (!title.isEmpty()) {
      o.printf("%n== %s: scribe3d %s%n", title, String.join(" ", args));
    } else {
      o.printf("%n== scribe3d %s%n", String.join(" ", args));
    }
    o.flush();
    long t0 = System.nanoTime();
    int code = Main.run(args);
    double secs = (System.nanoTime() - t0) / 1e9;
    if (code != 0) {
      throw new CliExit("demo step 'scribe3d " + args[0] + "' failed (exit " + code + ")", code);
    }
    steps.add(new Step(title.isEmpty() ? args[0] : title, List.of(args), secs));
  }

  private static void writeAtomically(Path target, String text) throws IOException {
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".summary", ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
