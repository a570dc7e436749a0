package org.scribe3d.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local copy of plotly.js (npm package plotly.js-dist-min, fetched by environment/vendor.sh),
 * embedded into HTML so plots render with no network.
 *
 * <p>Looked up, in order: system property {@code scribe3d.plotly.js} (the file), then
 * {@code environment/vendor/node_modules/plotly.js-dist-min/plotly.min.js} under system property
 * {@code scribe3d.home}, environment variable {@code SCRIBE3D_HOME}, the working directory and its
 * parents, and the directories above this library's jar.
 */
public final class PlotlyJs {
  static final String RELATIVE = "environment/vendor/node_modules/plotly.js-dist-min/plotly.min.js";

  private static volatile String cached;

  private PlotlyJs() {}

  public static Optional<Path> locate() {
    return locateVendored("scribe3d.plotly.js", RELATIVE);
  }

  /**
   * A vendored file: the path in system property {@code property} if set, else {@code relative}
   * under the roots listed in the class comment (shared with {@link NiivueJs}).
   */
  static Optional<Path> locateVendored(String property, String relative) {
    String explicit = System.getProperty(property);
    if (explicit != null && !explicit.isBlank()) {
      Path p = Path.of(explicit);
      return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
    for (Path root : candidateRoots()) {
      Path p = root.resolve(relative);
      if (Files.isRegularFile(p)) {
        return Optional.of(p.toAbsolutePath().normalize());
      }
    }
    return Optional.empty();
  }

  private static List<Path> candidateRoots() {
    List<Path> roots = new ArrayList<>();
    String home = System.getProperty("scribe3d.home");
    if (home != null && !home.isBlank()) {
      roots.add(Path.of(home));
    }
    String env = System.getenv("SCRIBE3D_HOME");
    if (env != null && !env.isBlank()) {
      roots.add(Path.of(env));
    }
    addWithParents(roots, Path.of("").toAbsolutePath());
    try {
      Path code = Path.of(PlotlyJs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      addWithParents(roots, code);
    } catch (URISyntaxException | RuntimeException e) {
      // no code source (unusual class loader): the other roots still apply
    }
    return roots;
  }

  private static void addWithParents(List<Path> roots, Path start) {
    for (Path p = start; p != null; p = p.getParent()) {
      roots.add(p);
    }
  }

  /** The plotly.js source; throws with the places looked at when the file is missing. */
  public static String source() {
    String s = cached;
    if (s == null) {
      s = readVendored("plotly.js", RELATIVE, locate());
      cached = s;
    }
    return s;
  }

  /** A located vendored script's text; throws with the places looked at when {@code found} is empty. */
  static String readVendored(String what, String relative, Optional<Path> found) {
    Path p = found.orElseThrow(() -> new IllegalStateException(
        what + " not found (looked for " + relative + " under scribe3d.home, SCRIBE3D_HOME, the"
            + " working directory and the library's location); run environment/vendor.sh"));
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  /**
   * Inline scripts defining {@code window.Plotly}. plotly.js registers itself as an anonymous AMD
   * module when require.js is on the page (the classic notebook loads it), which would leave
   * {@code window.Plotly} unset; {@code define} is hidden while it loads.
   */
  public static String scriptTag() {
    return amdHiddenScripts(source(), "__scribe3dDefine", "data-scribe3d-plotly-js");
  }

  /**
   * A UMD script inlined with require.js's {@code define} hidden while it runs (saved in
   * {@code window.<saveVar>}), so it sets its global instead of registering an anonymous AMD module;
   * the script tag carries {@code marker="embedded"}.
   */
  static String amdHiddenScripts(String source, String saveVar, String marker) {
    // "</script" inside the source would end the tag early
    return "<script type=\"text/javascript\">window." + saveVar + " = window.define; window.define = undefined;</script>\n"
        + "<script type=\"text/javascript\" " + marker + "=\"embedded\">"
        + source.replace("</script", "<\\/script") + "</script>\n"
        + "<script type=\"text/javascript\">window.define = window." + saveVar + ";</script>";
  }
}
