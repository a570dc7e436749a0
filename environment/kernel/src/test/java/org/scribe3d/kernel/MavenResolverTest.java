package org.scribe3d.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** %maven's resolver set-up: settings.xml as Maven reads it, and failures that end, on one line. */
class MavenResolverTest {
  @TempDir
  Path tmp;

  @Test
  void readsLocalRepositoryMirrorsAndProxiesFromSettingsXml() throws IOException {
    Path user = tmp.resolve("settings.xml");
    Files.writeString(user, """
        <settings>
          <localRepository>${user.home}/m2-elsewhere</localRepository>
          <offline>false</offline>
          <mirrors>
            <mirror><id>corp</id><url>https://repo.example.test/maven2</url><mirrorOf>central</mirrorOf></mirror>
          </mirrors>
          <proxies>
            <proxy><id>off</id><active>false</active><protocol>http</protocol><host>unused</host><port>1</port></proxy>
            <proxy><id>p</id><protocol>http</protocol><host>proxy.example.test</host><port>3128</port>
              <username>u</username><password>s</password><nonProxyHosts>localhost|*.internal</nonProxyHosts></proxy>
          </proxies>
          <profiles><profile><id>x</id><mirrors><mirror><id>not-maven</id><url>http://x</url></mirror></mirrors></profile></profiles>
        </settings>
        """);
    Path global = tmp.resolve("global-settings.xml");
    Files.writeString(global, "<settings><mirrors><mirror><id>global</id><url>http://g</url><mirrorOf>*</mirrorOf>"
        + "</mirror></mirrors><offline>true</offline></settings>");
    MavenResolver.Settings s = MavenResolver.settings(user, global);
    assertEquals(Path.of(System.getProperty("user.home"), "m2-elsewhere"), s.localRepository());
    assertFalse(s.offline(), "the user's <offline> wins over the global one");
    assertEquals(List.of(new MavenResolver.Mirror("corp", "https://repo.example.test/maven2", "central")), s.mirrors());
    // the inactive proxy is skipped; an http proxy also serves https, as in Maven
    assertEquals(2, s.proxies().size(), s.proxies().toString());
    assertEquals("proxy.example.test", s.proxies().get(0).host());
    assertEquals(3128, s.proxies().get(0).port());
    assertEquals("https", s.proxies().get(1).protocol());
    assertEquals("localhost|*.internal", s.proxies().get(0).nonProxyHosts());

    MavenResolver.Settings onlyGlobal = MavenResolver.settings(tmp.resolve("missing.xml"), global);
    assertTrue(onlyGlobal.offline());
    assertEquals("global", onlyGlobal.mirrors().get(0).id());
  }

  /** The mirror is used (nothing goes to Central), and a refused connection is one line. */
  @Test
  void anUnreachableMirrorFailsOnOneLine() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: connecting is refused
    }
    MavenResolver r = resolver("http://127.0.0.1:" + port + "/maven2", 2000, 2000);
    MavenResolver.Failure f = assertThrows(MavenResolver.Failure.class,
        () -> r.resolve(List.of("org.apache.commons:commons-text:1.12.0")));
    assertFalse(f.getMessage().contains("\n"), f.getMessage());
    assertTrue(f.getMessage().contains("127.0.0.1:" + port), f.getMessage());
  }

  /** A repository that accepts the connection and never answers ends in the request timeout. */
  @Test
  void aSilentRepositoryTimesOut() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(server.accept());
          }
        } catch (IOException e) {
          // closed at the end of the test
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      MavenResolver r = resolver("http://127.0.0.1:" + server.getLocalPort() + "/maven2", 2000, 1500);
      long t0 = System.nanoTime();
      MavenResolver.Failure f = assertThrows(MavenResolver.Failure.class,
          () -> r.resolve(List.of("org.apache.commons:commons-text:1.12.0")));
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertTrue(seconds < 30, "took " + seconds + " s");
      assertTrue(f.getMessage().toLowerCase().contains("timed out"), f.getMessage());
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aBadCoordinateIsNamed() {
    MavenResolver r = resolver("http://127.0.0.1:9/maven2", 1000, 1000);
    MavenResolver.Failure f = assertThrows(MavenResolver.Failure.class, () -> r.resolve(List.of("only-two:parts")));
    assertEquals("'only-two:parts' is not a Maven coordinate (group:artifact:version)", f.getMessage());
  }

  private MavenResolver resolver(String mirrorUrl, int connectMs, int requestMs) {
    return new MavenResolver(new MavenResolver.Settings(tmp.resolve("repo"), false,
        List.of(new MavenResolver.Mirror("test-mirror", mirrorUrl, "*")), List.of()), connectMs, requestMs);
  }
}
