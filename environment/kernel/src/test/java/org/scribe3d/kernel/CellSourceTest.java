package org.scribe3d.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CellSourceTest {
  @Test
  void splitsMagicsFromCodeKeepingLineNumbers() {
    CellSource s = CellSource.parse("%%time\nint a = 1;\n%jars lib/*.jar \"my dir/x.jar\"\n\nint b = a % 2;\n");
    assertEquals("time", s.cellMagic());
    assertEquals(3, s.parts().size());
    assertEquals(2, s.parts().get(0).line());
    assertFalse(s.parts().get(0).isMagic());
    CellSource.Part magic = s.parts().get(1);
    assertTrue(magic.isMagic());
    assertEquals(3, magic.line());
    assertEquals("jars", magic.magic());
    assertEquals(List.of("lib/*.jar", "my dir/x.jar"), CellSource.splitArgs(magic.args()));
    // the code after the magic starts on line 4 (a blank line), "int b" is line 5
    assertEquals(4, s.parts().get(2).line());
    assertTrue(s.parts().get(2).code().contains("a % 2"), "a modulo is not a magic");
  }

  @Test
  void plainCodeIsOnePart() {
    CellSource s = CellSource.parse("int x = 1;\nx");
    assertNull(s.cellMagic());
    assertEquals(1, s.parts().size());
    assertEquals(1, s.parts().get(0).line());
    assertEquals(List.of(), CellSource.splitArgs("   "));
    assertEquals(List.of(""), CellSource.splitArgs("\"\""));
  }
}
