package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.scribe3d.data.Region;

/**
 * Times {@link Evaluator#evaluate} on synthetic predictions (not a unit test). Usage:
 * {@code java -cp "lib/target/classes:$(cat lib/target/classpath.txt)" org.scribe3d.eval.EvaluatorBench [cases]
 * [resamples]}; defaults 60 cases (x 3 regions, 5 questions each) and 1000 resamples.
 */
public final class EvaluatorBench {
  private EvaluatorBench() {}

  private static final String[] SENTENCES = {
      "There is a small left pleural effusion with adjacent compressive atelectasis.",
      "No pleural effusion or pneumothorax is seen.",
      "A 5 mm solid nodule is present in the right upper lobe, unchanged.",
      "The heart size is mildly enlarged without pericardial effusion.",
      "Mediastinal lymph nodes are not enlarged.",
      "The liver is normal in size and attenuation without focal lesion.",
      "A simple cyst measuring 1.2 cm is seen in the upper pole of the left kidney.",
      "There is mild ascites in the perihepatic space.",
      "The spleen is enlarged, measuring 14 cm in craniocaudal length.",
      "The pancreas and adrenal glands are unremarkable.",
      "The urinary bladder wall is diffusely thickened (5 mm).",
      "No pelvic lymphadenopathy or free fluid.",
      "The prostate is enlarged, measuring 5.1 x 4.3 cm.",
      "Degenerative changes of the lumbar spine are noted.",
      "A 2.3 x 1.8 cm hypoattenuating lesion in segment 7 of the liver, likely a hemangioma."};

  public static void main(String[] args) {
    int cases = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int resamples = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    SplittableRandom rnd = new SplittableRandom(42);
    List<Predictions.Report> reports = new ArrayList<>();
    List<Predictions.Vqa> vqa = new ArrayList<>();
    for (int i = 0; i < cases; i++) {
      for (Region r : Region.values()) {
        StringBuilder ref = new StringBuilder();
        StringBuilder hyp = new StringBuilder();
        for (int s = 0; s < 5; s++) {
          String sent = SENTENCES[rnd.nextInt(SENTENCES.length)];
          ref.append(sent).append(' ');
          hyp.append(rnd.nextDouble() < 0.5 ? sent : SENTENCES[rnd.nextInt(SENTENCES.length)]).append(' ');
        }
        reports.add(new Predictions.Report("case" + i, r, hyp.toString().strip(), ref.toString().strip()));
      }
      for (int q = 0; q < 5; q++) {
        String ans = "ABCD".substring(rnd.nextInt(4)).substring(0, 1);
        vqa.add(new Predictions.Vqa("case" + i, q, q % 2 == 0 ? "presence" : "location",
            rnd.nextDouble() < 0.6 ? ans + ". x" : "A", ans));
      }
    }
    Predictions p = new Predictions(reports, vqa);
    Evaluator.evaluate(p, new Evaluator.Options().resamples(20)); // warm-up
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long c0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    EvalResult r = Evaluator.evaluate(p, new Evaluator.Options().resamples(resamples));
    double s = (System.nanoTime() - t0) / 1e9;
    double cpu = (os.getProcessCpuTime() - c0) / 1e9;
    // the machine may be shared: the process CPU time (all threads, JIT and GC included) is the stable figure
    System.out.printf(Locale.ROOT, "%d cases x 3 regions, %d questions, %d metrics, %d resamples: %.2f s wall,"
        + " %.2f s process CPU%n", cases, vqa.size(), r.metrics().size(), resamples, s, cpu);
  }
}
