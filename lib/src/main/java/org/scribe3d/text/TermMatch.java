package org.scribe3d.text;

import org.scribe3d.data.Region;

/**
 * A lexicon term found in a sentence.
 *
 * @param term the lexicon entry (canonical spelling)
 * @param text the matched text as written
 * @param region its region, or null for cues without a region (technique words)
 * @param weight evidence strength
 * @param kind region, organ, structure, vessel, bone, device, finding, abbreviation or technique
 * @param start first character offset in the sentence
 * @param end character offset after the match
 */
public record TermMatch(String term, String text, Region region, double weight, String kind, int start,
    int end) {

  public String regionKey() {
    return region == null ? "none" : region.key();
  }
}
