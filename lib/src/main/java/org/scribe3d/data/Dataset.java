package org.scribe3d.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded dataset: its cases in file order.
 *
 * @param format "amos-mm", "ct-rate" or "phantom"
 * @param source the file or directory it was read from
 */
public record Dataset(String name, String format, Path source, List<Case> cases) {
  public Dataset {
    cases = List.copyOf(cases);
  }

  public List<Case> split(Split s) {
    return cases.stream().filter(c -> c.split() == s).toList();
  }
}
