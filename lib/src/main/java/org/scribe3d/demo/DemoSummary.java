package org.scribe3d.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.data.Region;
import org.scribe3d.eval.EvalResult;
import org.scribe3d.report.RunReport;
import org.scribe3d.run.RunDirectory;

/** OUT/summary.json: the demo's headline figures, its steps as commands, and where everything is. */
final class DemoSummary {
  private DemoSummary() {}

  static void write(Demo.Result r, Demo.Settings s, Path file) throws IOException {
    EvalResult m = r.model();
    JsonObject j = new JsonObject();
    j.addProperty("recipe", r.recipe().name);
    j.addProperty("vqa_accuracy", m.vqaAccuracy().value());
    j.addProperty("finding_f1", m.findingF1().value());
    // what the encoder's hints alone state, matched as the reports are (NaN without hints)
    j.addProperty("hint_finding_f1", m.hintFindingF1().value());
    j.addProperty("train_minutes", round(r.trainSeconds() / 60.0));
    if (r.blind() != null) {
      j.addProperty("blind_vqa_accuracy", r.blind().vqaAccuracy().value());
      j.addProperty("blind_finding_f1", r.blind().findingF1().value());
    }
    JsonObject iv = new JsonObject();
    iv.add("vqa.all.accuracy", interval(m.vqaAccuracy()));
    iv.add("findings.all.f1", interval(m.findingF1()));
    j.add("intervals_95", iv);
    JsonObject perRegion = new JsonObject();
    for (Region region : new Region[] {Region.CHEST, Region.ABDOMEN, Region.PELVIS}) {
      perRegion.addProperty(region.key(), m.findingF1(region).value());
    }
    j.add("finding_f1_by_region", perRegion);
    JsonObject byType = new JsonObject();
    m.vqaAccuracyByType().forEach((t, metric) -> byType.addProperty(t, metric.value()));
    j.add("vqa_accuracy_by_type", byType);
    RunReport.Curves curves = RunReport.curves(RunDirectory.of(r.run()).metrics());
    j.addProperty("train_steps", curves.steps().length == 0 ? 0 : (long) curves.steps()[curves.steps().length - 1]);
    j.addProperty("final_train_loss", curves.loss().length == 0 ? Double.NaN
        : RunReport.runningMean(curves.loss(), 25)[curves.loss().length - 1]);
    j.addProperty("vision_init", r.recipe().init.vision);
    j.addProperty("lm_init", r.recipe().init.languageModel);
    j.addProperty("cases", s.cases);
    j.addProperty("seed", s.seed);
    j.addProperty("dataset", r.dataset().toString());
    j.addProperty("run", r.run().toString());
    j.addProperty("report", r.report().toString());
    JsonArray steps = new JsonArray();
    for (Demo.Step st : r.steps()) {
      JsonObject o = new JsonObject();
      o.addProperty("step", st.name());
      o.addProperty("command", st.command());
      o.addProperty("seconds", round(st.seconds()));
      steps.add(o);
    }
    j.add("steps", steps);
    j.addProperty("total_minutes", round(r.totalSeconds() / 60.0));
    AtomicFiles.writeString(file, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
        .serializeSpecialFloatingPointValues().create().toJson(j) + "\n");
  }

  private static JsonArray interval(EvalResult.Metric m) {
    JsonArray a = new JsonArray();
    a.add(m.lo());
    a.add(m.hi());
    return a;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
