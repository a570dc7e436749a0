package org.scribe3d.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.scribe3d.model.multimodal.EncoderFile;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.run.RunDirectory;
import org.scribe3d.volume.Pipeline;

/**
 * The vision-pretraining stage: the encoder and the finding head train on the report-derived labels (and the
 * dense head on a phantom's boxes), the language model (and any adapters) and the projector stay frozen; one
 * image per sample; its own checkpoints and metrics in the run's pretraining directory, so that a resumed run
 * skips a finished stage and continues an unfinished one. It ends by writing the image side as an encoder file
 * that records its data and pipeline, which a later run can start from ({@code init.vision}).
 */
final class VisionPretraining {
  private VisionPretraining() {}

  static Trainer.Result run(RunDirectory run, Path data, int epochs, TrainConfig main, MultimodalModel model,
      List<MultimodalModel> replicas, FindingTask task, Pipeline pipeline, boolean resume, PrintStream console,
      boolean tty) throws Exception {
    List<MultimodalModel> all = new ArrayList<>(replicas);
    all.add(0, model);
    List<Map<String, Boolean>> flags = new ArrayList<>();
    for (MultimodalModel m : all) {
      Map<String, Boolean> f = new LinkedHashMap<>();
      m.namedParameters().forEach((k, p) -> f.put(k, p.trainable()));
      flags.add(f);
      m.llm().setTrainable(false);
      m.projector().setTrainable(false); // the head reads the encoder's tokens: no gradient reaches it
    }
    try {
      TrainConfig c = TrainConfig.fromJson(main.toJson()).epochs(epochs).maxSteps(0).validateEvery(0)
          .groupSamples(false);
      console.printf(Locale.ROOT, "pretrain: vision encoder + finding head on %d scans, %d labels, %d"
          + " steps%n", task.size(), model.config().findingLabels().size(), c.totalSteps(task.size()));
      Trainer.Result r = new Trainer<>(model, task, task, c, run.pretrainDir()).replicas(replicas)
          .console(console, tty).fit(resume);
      Map<String, String> provenance = new LinkedHashMap<>();
      provenance.put("scribe3d_pretrained_on", data.toAbsolutePath().normalize().toString());
      provenance.put("scribe3d_pretrain_scans", Integer.toString(task.size()));
      provenance.put("scribe3d_pretrain_epochs", Integer.toString(epochs));
      provenance.put("scribe3d_pretrain_steps", Long.toString(r.startStep() + r.steps()));
      provenance.put("scribe3d_pretrain_lr", Double.toString(c.lr()));
      provenance.put("scribe3d_pretrain_seed", Long.toString(c.seed()));
      provenance.put(EncoderFile.PIPELINE_KEY, pipeline.toJson());
      EncoderFile.save(model, run.pretrainedEncoder(), provenance);
      return r;
    } finally {
      for (int i = 0; i < all.size(); i++) {
        Map<String, Boolean> f = flags.get(i);
        all.get(i).namedParameters().forEach((k, p) -> p.setTrainable(f.get(k)));
      }
    }
  }
}
