package org.scribe3d.eval;

/**
 * The Porter (1980) suffix-stripping stemmer for English, as published ("An algorithm for suffix
 * stripping", Program 14(3)) and as Snowball's "porter" implements it (so, unlike Porter's old C
 * version, words of one or two letters are stemmed too: "is" gives "i"). Input is expected in lower
 * case; characters outside a-z are treated as consonants.
 */
public final class PorterStemmer {
  private PorterStemmer() {}

  public static String stem(String word) {
    if (word.isEmpty()) {
      return word;
    }
    State s = new State(word);
    s.step1a();
    s.step1b();
    s.step1c();
    s.step2();
    s.step3();
    s.step4();
    s.step5();
    return s.result();
  }

  private static final class State {
    private final StringBuilder b;
    /** consonant flags fixed once: 'y' initial or after a vowel is a consonant (Snowball's Y marking). */
    private boolean[] yConsonant;

    State(String w) {
      b = new StringBuilder(w);
      yConsonant = new boolean[w.length()];
      for (int i = 0; i < w.length(); i++) {
        if (w.charAt(i) == 'y' && (i == 0 || isVowelChar(w.charAt(i - 1), i - 1))) {
          yConsonant[i] = true;
        }
      }
    }

    private boolean isVowelChar(char c, int i) {
      return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || (c == 'y' && !yConsonant[i]);
    }

    String result() {
      return b.toString();
    }

    private boolean cons(int i) {
      char c = b.charAt(i);
      if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
        return false;
      }
      if (c == 'y') {
        return i < yConsonant.length && yConsonant[i];
      }
      return true;
    }

    /** Measure m of b[0, end). */
    private int m(int end) {
      int n = 0;
      int i = 0;
      while (i < end && cons(i)) {
        i++;
      }
      while (i < end) {
        while (i < end && !cons(i)) {
          i++;
        }
        if (i >= end) {
          break;
        }
        while (i < end && cons(i)) {
          i++;
        }
        n++;
      }
      return n;
    }

    private boolean vowelIn(int end) {
      for (int i = 0; i < end; i++) {
        if (!cons(i)) {
          return true;
        }
      }
      return false;
    }

    private boolean doubleCons(int end) {
      return end >= 2 && b.charAt(end - 1) == b.charAt(end - 2) && cons(end - 1);
    }

    /** *o: stem ends cvc, the last c not w, x or y. */
    private boolean cvc(int end) {
      if (end < 3 || !cons(end - 1) || cons(end - 2) || !cons(end - 3)) {
        return false;
      }
      char c = b.charAt(end - 1);
      return c != 'w' && c != 'x' && c != 'y';
    }

    private boolean ends(String s) {
      int l = b.length();
      return l >= s.length() && b.substring(l - s.length()).equals(s);
    }

    private void setTo(int stemEnd, String s) {
      b.setLength(stemEnd);
      b.append(s);
      if (yConsonant.length < b.length()) {
        yConsonant = java.util.Arrays.copyOf(yConsonant, b.length());
      }
      for (int i = stemEnd; i < b.length(); i++) {
        yConsonant[i] = false; // replacement suffixes never contain y
      }
    }

    void step1a() {
      if (ends("sses")) {
        setTo(b.length() - 2, "");
      } else if (ends("ies")) {
        setTo(b.length() - 3, "i");
      } else if (ends("ss")) {
        return;
      } else if (ends("s")) {
        setTo(b.length() - 1, "");
      }
    }

    void step1b() {
      if (ends("eed")) {
        int stem = b.length() - 3;
        if (m(stem) > 0) {
          setTo(stem, "ee");
        }
        return;
      }
      int stem;
      if (ends("ed")) {
        stem = b.length() - 2;
      } else if (ends("ing")) {
        stem = b.length() - 3;
      } else {
        return;
      }
      if (!vowelIn(stem)) {
        return;
      }
      setTo(stem, "");
      if (ends("at") || ends("bl") || ends("iz")) {
        setTo(b.length(), "e");
      } else if (doubleCons(b.length())) {
        char c = b.charAt(b.length() - 1);
        if (c != 'l' && c != 's' && c != 'z') {
          setTo(b.length() - 1, "");
        }
      } else if (m(b.length()) == 1 && cvc(b.length())) {
        setTo(b.length(), "e");
      }
    }

    void step1c() {
      if (ends("y") && vowelIn(b.length() - 1)) {
        setTo(b.length() - 1, "i");
      }
    }

    private static final String[][] STEP2 = {
        {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"},
        {"abli", "able"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"},
        {"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"}, {"alism", "al"}, {"iveness", "ive"},
        {"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"}};
    private static final String[][] STEP3 = {
        {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"}, {"ical", "ic"}, {"ful", ""},
        {"ness", ""}};
    private static final String[] STEP4 = {"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement",
        "ment", "ent", "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize"};

    /** The longest suffix of the table that the word ends with, or -1. */
    private int longest(String[][] table) {
      int best = -1;
      for (int i = 0; i < table.length; i++) {
        if (ends(table[i][0]) && (best < 0 || table[i][0].length() > table[best][0].length())) {
          best = i;
        }
      }
      return best;
    }

    void step2() {
      replaceWithMeasure(STEP2);
    }

    void step3() {
      replaceWithMeasure(STEP3);
    }

    private void replaceWithMeasure(String[][] table) {
      int r = longest(table);
      if (r < 0) {
        return;
      }
      int stem = b.length() - table[r][0].length();
      if (m(stem) > 0) {
        setTo(stem, table[r][1]);
      }
    }

    void step4() {
      String best = null;
      for (String s : STEP4) {
        if (ends(s) && (best == null || s.length() > best.length())) {
          best = s;
        }
      }
      if (best == null) {
        return;
      }
      int stem = b.length() - best.length();
      if (m(stem) <= 1) {
        return;
      }
      if (best.equals("ion")) {
        if (stem == 0 || (b.charAt(stem - 1) != 's' && b.charAt(stem - 1) != 't')) {
          return;
        }
      }
      setTo(stem, "");
    }

    void step5() {
      if (ends("e")) {
        int stem = b.length() - 1;
        int mm = m(stem);
        if (mm > 1 || (mm == 1 && !cvc(stem))) {
          setTo(stem, "");
        }
      }
      if (ends("ll") && m(b.length()) > 1) {
        setTo(b.length() - 1, "");
      }
    }
  }
}
