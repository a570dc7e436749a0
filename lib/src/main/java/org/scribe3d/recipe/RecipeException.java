package org.scribe3d.recipe;

/**
 * A recipe value that is missing, unknown or out of range. {@link #key()} is the dotted recipe key
 * ("optim.lr"); the command line words it as the flag or {@code --set} key the user wrote.
 */
public final class RecipeException extends IllegalArgumentException {
  private final String key;

  public RecipeException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
