package org.scribe3d.notebook;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The local copy of NiiVue (npm package {@code @niivue/niivue}, BSD-2-Clause, fetched by
 * environment/vendor.sh), embedded into HTML so {@link CtViewer} works offline. Its UMD build
 * defines {@code window.niivue}. Looked up as {@link PlotlyJs} looks up plotly.js: system property
 * {@code scribe3d.niivue.js} (the file), else {@value #RELATIVE} under scribe3d.home,
 * SCRIBE3D_HOME, the working directory and its parents, and the directories above the library.
 */
public final class NiivueJs {
  static final String RELATIVE = "environment/vendor/node_modules/@niivue/niivue/dist/niivue.umd.js";

  private static volatile String cached;

  private NiivueJs() {}

  public static Optional<Path> locate() {
    return PlotlyJs.locateVendored("scribe3d.niivue.js", RELATIVE);
  }

  /** The NiiVue source; throws with the places looked at when the file is missing. */
  public static String source() {
    String s = cached;
    if (s == null) {
      s = PlotlyJs.readVendored("NiiVue", RELATIVE, locate());
      cached = s;
    }
    return s;
  }

  /**
   * Inline scripts defining {@code window.niivue}. Like plotly.js, the UMD build registers as an
   * anonymous AMD module when require.js is on the page (the classic notebook), so {@code define}
   * is hidden while it loads.
   */
  public static String scriptTag() {
    return PlotlyJs.amdHiddenScripts(source(), "__scribe3dDefineNv", "data-scribe3d-niivue-js") + "\n";
  }
}
