package org.scribe3d.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.data.Case;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.Question;
import org.scribe3d.data.Region;
import org.scribe3d.data.Split;
import org.scribe3d.infer.RunPredictor.Request;
import org.scribe3d.infer.RunPredictor.SplitResult;

/**
 * The predictions file of one split (docs/predictions-format.md), as {@code scribe3d evaluate --run} scores it:
 * a report line per case and region whose reference is not empty, a VQA line per question, in case order.
 * Cases go through in chunks (preprocessed and held in memory together); each chunk's scans are encoded once
 * for all its prompts. Written to a temporary sibling and renamed at the end.
 */
final class SplitPredictionsWriter {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
  private static final long PROGRESS_NANOS = 10_000_000_000L;

  private final LoadedModel run;
  private final ScanEncoder encoder;
  private final ReportDecoder reports;
  private final AnswerChooser answers;
  private final int casesPerChunk;
  private final RunPredictor.SplitProgress listener;

  SplitPredictionsWriter(LoadedModel run, ScanEncoder encoder, ReportDecoder reports, AnswerChooser answers,
      int casesPerChunk, RunPredictor.SplitProgress listener) {
    this.listener = listener;
    this.run = run;
    this.encoder = encoder;
    this.reports = reports;
    this.answers = answers;
    this.casesPerChunk = casesPerChunk;
  }

  /** What one chunk of cases produced: each case's JSON lines in request order, and counts and times. */
  private record Chunk(List<List<String>> lines, int reportLines, int answerLines, int unparseable,
      double reportSeconds, double answerSeconds) {}

  /**
   * Writes the file; a progress line goes to {@code progress} about every 10 s and at the end.
   *
   * @throws IllegalArgumentException if the split has no cases, or a prompt uses tokens outside a
   *     restricted vocabulary (checked for every case before any generation)
   */
  SplitResult write(Dataset ds, Split split, Path out, PrintStream progress) throws IOException {
    List<Case> cases = ds.split(split);
    if (cases.isEmpty()) {
      throw new IllegalArgumentException(ds.source() + ": the " + split.key() + " split has no cases");
    }
    List<List<Request>> reqs = new ArrayList<>();
    int reportRows = 0;
    int vqaRows = 0;
    for (Case c : cases) {
      List<Request> r = checkedRequests(c);
      for (Request q : r) {
        if (q.isReport()) {
          reportRows++;
        } else {
          vqaRows++;
        }
      }
      reqs.add(r);
    }
    long t0 = System.nanoTime();
    double preprocess0 = run.preprocessor().seconds();
    double vision0 = encoder.seconds();
    double reportSec = 0;
    double answerSec = 0;
    int unparseable = 0;
    int reportsDone = 0;
    int answersDone = 0;
    long lastPrint = t0;
    Path abs = out.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    try (AtomicFiles.Pending file = AtomicFiles.begin(abs)) {
      try (BufferedWriter w = file.writer()) { // closing it only flushes
        for (int from = 0; from < cases.size(); from += casesPerChunk) {
          int to = Math.min(cases.size(), from + casesPerChunk);
          List<float[]> volumes = new ArrayList<>();
          for (int i = from; i < to; i++) {
            volumes.add(run.preprocessor().preprocess(cases.get(i).image()));
          }
          Chunk chunk = predict(reqs.subList(from, to), volumes);
          reportSec += chunk.reportSeconds();
          answerSec += chunk.answerSeconds();
          for (List<String> lines : chunk.lines()) {
            for (String line : lines) {
              w.write(line);
              w.write('\n');
            }
          }
          unparseable += chunk.unparseable();
          reportsDone += chunk.reportLines();
          answersDone += chunk.answerLines();
          if (listener != null) {
            listener.casesDone(to, cases.size(), reportsDone, answersDone);
          }
          long now = System.nanoTime();
          if (now - lastPrint > PROGRESS_NANOS || to == cases.size()) {
            lastPrint = now;
            double sec = (now - t0) / 1e9;
            double eta = sec / to * (cases.size() - to);
            progress.printf(Locale.ROOT, "generate: %d/%d cases, %d/%d reports, %d/%d answers, %.1f s, ETA %.0f s%n",
                to, cases.size(), reportsDone, reportRows, answersDone, vqaRows, sec, eta);
            progress.flush();
          }
        }
      }
      file.commit();
    }
    return new SplitResult(abs, cases.size(), reportsDone, answersDone, unparseable,
        run.preprocessor().seconds() - preprocess0, encoder.seconds() - vision0, reportSec, answerSec,
        (System.nanoTime() - t0) / 1e9);
  }

  /**
   * The lines of each case (as {@link #write} writes them), or why a case has none: a scan that cannot be read or
   * preprocessed, or a prompt outside a restricted vocabulary, fails that case only. Cases go through in chunks of
   * {@code casesPerChunk}, as in {@link #write}.
   */
  List<RunPredictor.CasePredictions> predictCases(List<Case> cases) {
    RunPredictor.CasePredictions[] out = new RunPredictor.CasePredictions[cases.size()];
    List<Integer> ok = new ArrayList<>();
    List<List<Request>> okReqs = new ArrayList<>();
    List<float[]> okVolumes = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      try {
        List<Request> r = checkedRequests(c);
        float[] v = run.preprocessor().preprocess(c.image());
        ok.add(i);
        okReqs.add(r);
        okVolumes.add(v);
      } catch (IOException | RuntimeException e) {
        out[i] = new RunPredictor.CasePredictions(c.id(), List.of(), oneLine(c, e));
      }
      boolean last = i == cases.size() - 1;
      if (ok.size() == casesPerChunk || last && !ok.isEmpty()) {
        Chunk chunk = predict(okReqs, okVolumes);
        for (int k = 0; k < ok.size(); k++) {
          out[ok.get(k)] = new RunPredictor.CasePredictions(cases.get(ok.get(k)).id(), chunk.lines().get(k), null);
        }
        ok.clear();
        okReqs.clear();
        okVolumes.clear();
      }
    }
    return Arrays.asList(out);
  }

  /** Why a case failed, on one line, naming its scan (a missing or truncated file said in those words). */
  private static String oneLine(Case c, Exception e) {
    String image = c.image().toString();
    String m = null;
    for (Throwable t = e; t != null && m == null; t = t.getCause()) {
      if (t instanceof java.nio.file.NoSuchFileException) {
        m = "no such file: " + image;
      } else if (t instanceof java.util.zip.ZipException || t instanceof java.io.EOFException) {
        m = image + ": corrupt or truncated file (" + t.getClass().getSimpleName()
            + (t.getMessage() == null ? "" : ": " + t.getMessage()) + ")";
      }
    }
    if (m == null) {
      m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (!m.contains(image) && !m.contains(c.image().getFileName().toString())) {
        m = image + ": " + m;
      }
    }
    return m.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  /** The case's requests, each prompt checked against the model's vocabulary. */
  private List<Request> checkedRequests(Case c) {
    List<Request> r = RunPredictor.requests(c);
    for (Request q : r) {
      try {
        run.toModelIds(q.prompt());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("case " + c.id() + (q.isReport() ? " region " + q.region().key()
            : " question " + q.questionIndex()) + ": " + e.getMessage(), e);
      }
    }
    return r;
  }

  /**
   * Cases with their requests and preprocessed volumes: the scans encoded once, then their reports and answers,
   * as one JSON line per request (case by case, in request order).
   */
  private Chunk predict(List<List<Request>> reqs, List<float[]> volumes) {
    List<String> repPrompts = new ArrayList<>();
    List<Integer> repImg = new ArrayList<>();
    List<Region> repRegion = new ArrayList<>();
    List<String> vqaPrompts = new ArrayList<>();
    List<Integer> vqaImg = new ArrayList<>();
    List<Question> vqaQuestions = new ArrayList<>();
    for (int i = 0; i < reqs.size(); i++) {
      for (Request q : reqs.get(i)) {
        if (q.isReport()) {
          repPrompts.add(q.prompt());
          repImg.add(i);
          repRegion.add(q.region());
        } else {
          vqaPrompts.add(q.prompt());
          vqaImg.add(i);
          vqaQuestions.add(q.question());
        }
      }
    }
    List<String> repOut;
    List<String> vqaOut;
    String[] hints;
    long a;
    long b;
    long c;
    try (NDManager m = run.manager().newSubManager()) {
      ScanEncoder.Encoded e = encoder.encode(volumes, m);
      NDArray[] emb = e.embeddings();
      int[] repImages = repImg.stream().mapToInt(Integer::intValue).toArray();
      int[] vqaImages = vqaImg.stream().mapToInt(Integer::intValue).toArray();
      List<long[]> vqaIds = run.toModelIds(e.hinted(vqaPrompts, vqaImages));
      a = System.nanoTime();
      repOut = reports.decode(emb, repImages, run.toModelIds(e.hinted(repPrompts, repImages)), repRegion,
          e.hints(), e.keys(), m);
      b = System.nanoTime();
      vqaOut = answers.answers(emb, vqaImages, vqaQuestions, vqaIds, m);
      c = System.nanoTime();
      hints = e.hints();
    }
    List<List<String>> lines = new ArrayList<>();
    int ri = 0;
    int vi = 0;
    int unparseable = 0;
    for (int i = 0; i < reqs.size(); i++) {
      List<String> caseLines = new ArrayList<>();
      for (Request q : reqs.get(i)) {
        JsonObject o = new JsonObject();
        o.addProperty("case_id", q.caseId());
        if (q.isReport()) {
          o.addProperty("region", q.region().key());
          o.addProperty("prediction", repOut.get(ri++));
          o.addProperty("reference", q.reference());
          if (hints != null) {
            o.addProperty("hint", hints[i]);
          }
        } else {
          String pred = vqaOut.get(vi++);
          if (RunPredictor.answerLetter(pred).isEmpty()) {
            unparseable++;
          }
          o.addProperty("question_index", q.questionIndex());
          o.addProperty("type", q.question().type());
          o.addProperty("prediction", pred);
          o.addProperty("answer", q.reference());
        }
        caseLines.add(GSON.toJson(o));
      }
      lines.add(caseLines);
    }
    return new Chunk(lines, repOut.size(), vqaOut.size(), unparseable, (b - a) / 1e9, (c - b) / 1e9);
  }
}
