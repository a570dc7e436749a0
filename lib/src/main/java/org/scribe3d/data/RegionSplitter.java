package org.scribe3d.data;

import java.util.EnumMap;
import java.util.Map;

/**
 * Splits one findings text into chest / abdomen / pelvis parts. The text package provides a
 * classifier-based splitter (the paper assigns each sentence by the organs it names); the default
 * puts the whole text under chest, which is right for a chest-CT dataset such as CT-RATE.
 */
@FunctionalInterface
public interface RegionSplitter {
  Map<Region, String> split(String findingsText);

  RegionSplitter WHOLE_AS_CHEST = text -> {
    Map<Region, String> m = new EnumMap<>(Region.class);
    m.put(Region.CHEST, text == null ? "" : text.strip());
    m.put(Region.ABDOMEN, "");
    m.put(Region.PELVIS, "");
    return m;
  };
}
