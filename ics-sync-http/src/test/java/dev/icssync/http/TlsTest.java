package dev.icssync.http;

import static dev.icssync.http.Fixtures.CALENDAR;
import static dev.icssync.http.Fixtures.ascii;
import static dev.icssync.http.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.icssync.FailureReason;
import dev.icssync.spi.FetchResult;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https on loopback with a throw-away self-signed certificate (made by the JDK's keytool). */
class TlsTest {
  @TempDir static Path dir;
  private static HttpsServer server;
  private static RawServer plain;
  private static SSLContext trusting;

  @BeforeAll
  static void start() throws Exception {
    Path store = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "test",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    trusting = SSLContext.getInstance("TLS");
    trusting.init(null, tmf.getTrustManagers(), null);

    plain = RawServer.counter(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    server.createContext("/cal.ics", ex -> {
      byte[] body = ascii(CALENDAR);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.createContext("/down", ex -> {
      ex.getResponseHeaders().set("Location", plain.url("/cal.ics"));
      ex.sendResponseHeaders(301, -1);
      ex.close();
    });
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop(0);
    plain.close();
  }

  private static String https(String path) {
    return "https://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Test
  void httpsAndWebcalsFetchWithTheConfiguredTrust() {
    try (HttpFeedFetcher f = Fixtures.loopback().sslContext(trusting).build()) {
      assertThat(((FetchResult.Fetched) f.fetch(request(https("/cal.ics")))).body())
          .isEqualTo(ascii(CALENDAR));
      String webcals = "webcals://127.0.0.1:" + server.getAddress().getPort() + "/cal.ics";
      assertThat(f.fetch(request(webcals))).isInstanceOf(FetchResult.Fetched.class);
      String webcal = "webcal://127.0.0.1:" + server.getAddress().getPort() + "/cal.ics";
      assertThat(f.fetch(request(webcal))).as("webcal is fetched over https")
          .isInstanceOf(FetchResult.Fetched.class);
    }
  }

  @Test
  void httpsToHttpDowngradeIsRefusedBeforeConnecting() {
    try (HttpFeedFetcher f = Fixtures.loopback().sslContext(trusting).build()) {
      FetchResult.Failed r = (FetchResult.Failed) f.fetch(request(https("/down")));
      assertThat(r.reason()).isEqualTo(FailureReason.REDIRECT);
      assertThat(r.message()).contains("downgrade");
    }
    assertThat(plain.accepted()).isZero();
  }

  @Test
  void untrustedCertificateIsANetworkFailure() {
    try (HttpFeedFetcher f = Fixtures.loopback().build()) {
      FetchResult.Failed r = (FetchResult.Failed) f.fetch(request(https("/cal.ics")));
      assertThat(r.reason()).isEqualTo(FailureReason.NETWORK);
      assertThat(r.message()).contains("TLS");
    }
  }
}
