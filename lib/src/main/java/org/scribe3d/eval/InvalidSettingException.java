package org.scribe3d.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting of an evaluation is wrong: a value out of range, a file that does not exist or does not
 * fit the others. The message names the settings in braces, e.g. {@code "{predictions}: x.jsonl does
 * not exist"}; {@link #getMessage()} shows them by their settings name ("predictions: x.jsonl does not
 * exist"), {@link #message(UnaryOperator)} by the caller's names (a command line: its flags).
 */
public final class InvalidSettingException extends IllegalArgumentException {
  private static final Pattern FIELD = Pattern.compile("\\{\\{|\\{(\\w+)}");

  private final String template;
  private final boolean usage;

  /**
   * @param template the message, settings in braces
   * @param usage whether the value itself is malformed (out of range, contradicting another), rather
   *     than the data it names
   */
  public InvalidSettingException(String template, boolean usage, Throwable cause) {
    super(render(template, UnaryOperator.identity()), cause);
    this.template = template;
    this.usage = usage;
  }

  public InvalidSettingException(String template, boolean usage) {
    this(template, usage, null);
  }

  /** A problem with the data a setting names (exit status 1 on the command line). */
  public static InvalidSettingException of(String template) {
    return new InvalidSettingException(template, false);
  }

  /** A malformed setting value (a usage error). */
  public static InvalidSettingException usage(String template) {
    return new InvalidSettingException(template, true);
  }

  /** Text to splice into a template as is (file names, messages of other errors): its braces doubled. */
  public static String literal(Object text) {
    return String.valueOf(text).replace("{", "{{");
  }

  /** The message with each named setting shown as {@code nameOf.apply(setting)}. */
  public String message(UnaryOperator<String> nameOf) {
    return render(template, nameOf);
  }

  /** The settings the message names, in order. */
  public List<String> settings() {
    List<String> out = new ArrayList<>();
    Matcher m = FIELD.matcher(template);
    while (m.find()) {
      if (m.group(1) != null) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  public boolean usage() {
    return usage;
  }

  private static String render(String template, UnaryOperator<String> nameOf) {
    Matcher m = FIELD.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String r = m.group(1) == null ? "{" : nameOf.apply(m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(r));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
