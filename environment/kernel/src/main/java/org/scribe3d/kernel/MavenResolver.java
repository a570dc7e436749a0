package org.scribe3d.kernel;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.Authentication;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.Proxy;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Resolves Maven coordinates to jar files with Maven's own resolver, the way {@code mvn} would on
 * this machine: the user's settings.xml (local repository, offline flag, mirrors, proxies; the
 * global one under MAVEN_HOME for what the user's leaves out), Maven Central as the repository,
 * compile and runtime dependencies transitively.
 */
final class MavenResolver {
  static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

  /** A failure meant for one line in the cell (unknown artifact, no network, bad coordinate). */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** What of settings.xml the resolver uses. */
  record Settings(Path localRepository, boolean offline, List<Mirror> mirrors, List<ProxySpec> proxies) {}

  record Mirror(String id, String url, String mirrorOf) {}

  record ProxySpec(String protocol, String host, int port, String nonProxyHosts, String user, String password) {}

  private final Settings settings;
  private final int connectTimeoutMs;
  private final int requestTimeoutMs;

  MavenResolver(Settings settings, int connectTimeoutMs, int requestTimeoutMs) {
    this.settings = settings;
    this.connectTimeoutMs = connectTimeoutMs;
    this.requestTimeoutMs = requestTimeoutMs;
  }

  /** The settings Maven itself would use: -Dmaven.repo.local, then user, then global settings.xml. */
  static Settings defaultSettings() {
    Path home = Path.of(System.getProperty("user.home"));
    String mavenHome = System.getenv("MAVEN_HOME") != null ? System.getenv("MAVEN_HOME") : System.getenv("M2_HOME");
    return settings(home.resolve(".m2/settings.xml"),
        Path.of(mavenHome != null ? mavenHome : "/usr/share/maven", "conf/settings.xml"));
  }

  /** The settings of a user and a global settings.xml (either may be missing). */
  static Settings settings(Path user, Path global) {
    Path home = Path.of(System.getProperty("user.home"));
    Element u = read(user);
    Element g = read(global);
    String local = System.getProperty("maven.repo.local");
    if (local == null) {
      local = firstText(u, g, "localRepository");
    }
    Path localRepo = local == null || local.isBlank() ? home.resolve(".m2/repository") : Path.of(interpolate(local));
    boolean offline = "true".equalsIgnoreCase(firstText(u, g, "offline"));
    List<Mirror> mirrors = new ArrayList<>(mirrors(u));
    if (mirrors.isEmpty()) {
      mirrors.addAll(mirrors(g));
    }
    List<ProxySpec> proxies = new ArrayList<>(proxies(u));
    if (proxies.isEmpty()) {
      proxies.addAll(proxies(g));
    }
    return new Settings(localRepo, offline, mirrors, proxies);
  }

  /**
   * Resolves {@code coordinates} ("group:artifact:version", or with extension and classifier as
   * "group:artifact:ext:classifier:version") and their compile+runtime closure; returns the files.
   */
  List<File> resolve(List<String> coordinates) throws Failure {
    CollectRequest collect = new CollectRequest();
    for (String c : coordinates) {
      try {
        collect.addDependency(new Dependency(new DefaultArtifact(c.strip()), JavaScopes.RUNTIME));
      } catch (IllegalArgumentException e) {
        throw new Failure("'" + c + "' is not a Maven coordinate (group:artifact:version)");
      }
    }
    RepositorySystem system = new RepositorySystemSupplier().get();
    try {
      DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
      session.setSystemProperties(System.getProperties());
      session.setOffline(settings.offline());
      session.setLocalRepositoryManager(system.newLocalRepositoryManager(session,
          new LocalRepository(settings.localRepository().toFile())));
      DefaultMirrorSelector mirrors = new DefaultMirrorSelector();
      for (Mirror m : settings.mirrors()) {
        mirrors.add(m.id(), m.url(), "default", false, false, m.mirrorOf(), "*");
      }
      session.setMirrorSelector(mirrors);
      DefaultProxySelector proxies = new DefaultProxySelector();
      for (ProxySpec p : settings.proxies()) {
        Authentication auth = p.user() == null ? null
            : new AuthenticationBuilder().addUsername(p.user()).addPassword(p.password()).build();
        proxies.add(new Proxy(p.protocol(), p.host(), p.port(), auth), p.nonProxyHosts());
      }
      session.setProxySelector(proxies);
      session.setConfigProperty("aether.connector.connectTimeout", connectTimeoutMs);
      session.setConfigProperty("aether.connector.requestTimeout", requestTimeoutMs);
      // an unreachable repository should fail the cell within the timeouts, not after retries of them
      session.setConfigProperty("aether.connector.http.retryHandler.count", 1);
      RemoteRepository central = new RemoteRepository.Builder("central", "default", CENTRAL).build();
      collect.setRepositories(system.newResolutionRepositories(session, List.of(central)));
      DependencyRequest request = new DependencyRequest(collect,
          DependencyFilterUtils.classpathFilter(JavaScopes.COMPILE, JavaScopes.RUNTIME));
      List<File> files = new ArrayList<>();
      for (ArtifactResult r : system.resolveDependencies(session, request).getArtifactResults()) {
        if (r.getArtifact() != null && r.getArtifact().getFile() != null) {
          files.add(r.getArtifact().getFile());
        }
      }
      return files;
    } catch (Exception e) {
      throw new Failure(oneLine(e));
    } finally {
      system.shutdown();
    }
  }

  /**
   * The resolver's innermost explanation ("Could not find artifact ... in central (...)", "Could not
   * transfer artifact ... from/to mirror (url)") with the root cause when it adds to it ("Connect
   * to ... timed out", "Connection refused"), on one line.
   */
  static String oneLine(Throwable e) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = e; t != null && messages.size() < 20; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        messages.add(t.getMessage().replaceAll("\\s+", " ").strip());
      }
    }
    if (messages.isEmpty()) {
      return e.getClass().getSimpleName();
    }
    String root = messages.get(messages.size() - 1);
    String best = root;
    for (String m : messages) {
      if (m.matches("(?i)^(could not|failed to|the following artifacts).*")) {
        best = m;
      }
    }
    // "The following artifacts could not be resolved: x (absent): Could not find ..." -> the reason
    Matcher m = Pattern.compile("could not be resolved: [^ ]+ \\(absent\\): (.*)").matcher(best);
    if (m.find()) {
      best = m.group(1);
    }
    if (!best.contains(root)) {
      best = best + ": " + root;
    }
    return best.length() > 400 ? best.substring(0, 397) + "..." : best;
  }

  // --- settings.xml ------------------------------------------------------------------------

  private static Element read(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(false);
      f.setExpandEntityReferences(false);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document d = f.newDocumentBuilder().parse(file.toFile());
      return d.getDocumentElement();
    } catch (Exception e) {
      System.err.println("warning: %maven ignores " + file + ", which does not parse: " + oneLine(e));
      return null;
    }
  }

  private static String firstText(Element u, Element g, String tag) {
    String v = text(u, tag);
    return v != null ? v : text(g, tag);
  }

  /** Text of a direct child element, trimmed and interpolated; null when absent. */
  private static String text(Element parent, String tag) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return interpolate(e.getTextContent().strip());
      }
    }
    return null;
  }

  private static List<Element> children(Element parent, String listTag, String itemTag) {
    List<Element> out = new ArrayList<>();
    if (parent == null) {
      return out;
    }
    NodeList lists = parent.getElementsByTagName(listTag);
    for (int i = 0; i < lists.getLength(); i++) {
      if (lists.item(i).getParentNode() != parent) {
        continue; // e.g. <mirrors> inside a profile is not Maven's
      }
      for (Node n = lists.item(i).getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals(itemTag)) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private static List<Mirror> mirrors(Element root) {
    List<Mirror> out = new ArrayList<>();
    for (Element m : children(root, "mirrors", "mirror")) {
      String url = text(m, "url");
      if (url != null) {
        String id = text(m, "id");
        String of = text(m, "mirrorOf");
        out.add(new Mirror(id == null ? "mirror" : id, url, of == null ? "*" : of));
      }
    }
    return out;
  }

  private static List<ProxySpec> proxies(Element root) {
    List<ProxySpec> out = new ArrayList<>();
    for (Element p : children(root, "proxies", "proxy")) {
      if ("false".equalsIgnoreCase(text(p, "active")) || text(p, "host") == null) {
        continue;
      }
      String protocol = text(p, "protocol");
      String port = text(p, "port");
      out.add(new ProxySpec(protocol == null ? "http" : protocol, text(p, "host"),
          port == null ? 8080 : Integer.parseInt(port), text(p, "nonProxyHosts"), text(p, "username"),
          text(p, "password")));
    }
    // Maven uses an "http" proxy for https too unless one is given for https
    if (out.stream().noneMatch(p -> p.protocol().equals("https"))) {
      out.stream().filter(p -> p.protocol().equals("http")).findFirst().ifPresent(p ->
          out.add(new ProxySpec("https", p.host(), p.port(), p.nonProxyHosts(), p.user(), p.password())));
    }
    return out;
  }

  /** ${user.home}, ${env.NAME} and other system properties, as settings.xml allows. */
  static String interpolate(String s) {
    if (s == null) {
      return null;
    }
    Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(s);
    StringBuilder sb = new StringBuilder();
    Map<String, String> env = System.getenv();
    while (m.find()) {
      String key = m.group(1);
      String v = key.startsWith("env.") ? env.get(key.substring(4)) : System.getProperty(key);
      m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
