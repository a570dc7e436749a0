package org.scribe3d.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scribe3d.data.DatasetException;

/** Reads JSON files strictly; syntax errors become "FILE:LINE:COLUMN: malformed JSON (...)". */
public final class JsonFiles {
  private static final Pattern WHERE = Pattern.compile("at line (\\d+) column (\\d+)");

  private JsonFiles() {}

  public static JsonElement read(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      JsonReader jr = new JsonReader(r);
      jr.setStrictness(Strictness.STRICT);
      JsonElement e = JsonParser.parseReader(jr);
      if (jr.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
        throw new DatasetException(file + ": malformed JSON (trailing content after the top-level value)");
      }
      return e;
    } catch (NoSuchFileException e) {
      throw new DatasetException("no such file: " + file);
    } catch (JsonParseException | IllegalStateException e) {
      throw malformed(file, e);
    } catch (IOException e) {
      if (e.getClass().getSimpleName().equals("MalformedJsonException")) {
        throw malformed(file, e);
      }
      throw new DatasetException(file + ": " + e.getMessage(), e);
    }
  }

  private static DatasetException malformed(Path file, Exception e) {
    Throwable t = e;
    String msg = e.getMessage();
    while (t.getCause() != null && (msg == null || !WHERE.matcher(msg).find())) {
      t = t.getCause();
      msg = t.getMessage();
    }
    msg = msg == null ? e.getClass().getSimpleName() : msg;
    msg = msg.split("\n")[0];
    Matcher m = WHERE.matcher(msg);
    if (m.find()) {
      String reason = msg.substring(0, m.start()).strip();
      reason = reason.replaceFirst("^Use JsonReader.setStrictness\\(Strictness.LENIENT\\) to accept ", "");
      return new DatasetException(file + ":" + m.group(1) + ":" + m.group(2) + ": malformed JSON ("
          + (reason.isEmpty() ? "syntax error" : reason) + ")", e);
    }
    return new DatasetException(file + ": malformed JSON (" + msg + ")", e);
  }

  // ---- typed access with the JSON path in every error

  public static JsonObject object(JsonElement e, Path file, String where) {
    if (e == null || !e.isJsonObject()) {
      throw new DatasetException(file + ": " + where + ": expected a JSON object");
    }
    return e.getAsJsonObject();
  }

  public static JsonArray array(JsonElement e, Path file, String where) {
    if (e == null || !e.isJsonArray()) {
      throw new DatasetException(file + ": " + where + ": expected a JSON list");
    }
    return e.getAsJsonArray();
  }

  public static String string(JsonObject o, String key, Path file, String where, boolean required) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      if (required) {
        throw new DatasetException(file + ": " + where + ": missing '" + key + "'");
      }
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new DatasetException(file + ": " + where + "." + key + ": expected a string");
    }
    return e.getAsString();
  }
}
