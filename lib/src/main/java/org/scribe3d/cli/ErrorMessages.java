package org.scribe3d.cli;

import java.io.EOFException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.zip.ZipException;

/** Turns exceptions into one readable line: what went wrong and with which file. */
public final class ErrorMessages {
  private ErrorMessages() {}

  /** The flags that set a recipe key directly; any other key is set with --set KEY=VALUE. */
  private static final java.util.Map<String, String> FLAG_OF_KEY = java.util.Map.of("optim.epochs", "--epochs",
      "optim.batch", "--batch", "optim.lr", "--lr", "optim.seed", "--seed", "data.cache", "--cache");

  /** A recipe error worded for the command line: the flag when a flag sets that key, else the key. */
  static String recipe(org.scribe3d.recipe.RecipeException e) {
    String flag = FLAG_OF_KEY.get(e.key());
    String msg = describe(e);
    if (e.key().equals("recipe") || e.key().equals("set")) {
      return (e.key().equals("set") ? "--set " : "--recipe ") + msg.substring(e.key().length() + 2);
    }
    return flag != null ? flag + " (" + e.key() + ")" + msg.substring(e.key().length()) : "recipe key " + msg;
  }

  public static String describe(Throwable e) {
    if (e instanceof NoSuchFileException n) {
      return "no such file: " + n.getFile();
    }
    if (e instanceof AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (e instanceof ZipException z) {
      return "corrupt gzip data: " + z.getMessage();
    }
    if (e instanceof EOFException) {
      return "unexpected end of file" + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory (raise -Xmx via SCRIBE3D_JAVA_OPTS)";
    }
    String msg = e.getMessage();
    if (msg == null || msg.isBlank()) {
      msg = e.getClass().getSimpleName();
    }
    // keep it on one line
    return msg.replace('\n', ' ').replace('\r', ' ');
  }
}
