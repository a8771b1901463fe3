package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad value is exit 64 with one line naming the flag; no message names a Java type unless --verbose. */
class CliErrorsTest {
  final String db = "jdbc:h2:mem:errors-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  @TempDir
  Path dir;

  /** Exit 64, one line, naming {@code flag}, no Java type. */
  static Cli usage(String flag, String... args) {
    Cli r = Cli.run(args);
    String what = String.join(" ", args) + "\nstderr: " + r.err();
    assertThat(r.status()).as(what).isEqualTo(64);
    assertThat(r.err().strip().lines()).as(what).hasSize(1);
    assertThat(r.err()).as(what).startsWith("ics-sync: ").contains(flag);
    assertNoJavaTypes(r.err());
    return r;
  }

  static void assertNoJavaTypes(String text) {
    assertThat(text).doesNotContainPattern("[A-Za-z]+(Exception|Error)\\b").doesNotContain("java.")
        .doesNotContain("\tat ");
  }

  @Test
  void blankValuesAreUsageErrorsNamingTheFlag() {
    usage("--tenant", "feeds", "list", "--db", db, "--tenant", "");
    usage("--tenant", "feeds", "add", "--db", db, "--tenant", " ", "--property", "p", "--source", "airbnb",
        "--url", "https://example.com/a.ics");
    usage("--property", "events", "--db", db, "--tenant", "t", "--property", "");
    usage("--channel", "tokens", "create", "--db", db, "--tenant", "t", "--property", "p", "--channel", " ");
    usage("--allow-host", "sync", "--db", db, "--allow-host", "");
    assertThat(Cli.run("feeds", "list", "--db", db).out()).contains("no feeds");
  }

  @Test
  void valuesPicocliCannotConvertSayWhatTheFlagTakes() {
    assertThat(usage("--zone", "check", "x.ics", "--zone", "Mars/Base").err())
        .contains("--zone takes an IANA time zone like Europe/Lisbon or UTC, not 'Mars/Base'");
    assertThat(usage("--zone", "properties", "set", "--db", db, "--tenant", "t", "--property", "p", "--zone", "X/Y")
        .err()).contains("IANA time zone");
    assertThat(usage("--checkin", "properties", "set", "--db", db, "--tenant", "t", "--property", "p",
        "--checkin", "25:00").err()).contains("--checkin takes a time like 15:00, not '25:00'");
    assertThat(usage("--from", "check", "x.ics", "--from", "2020-13-01").err())
        .contains("--from takes a date like 2026-08-24");
    usage("--port", "serve", "--db", db, "--port", "http");
    usage("--parallelism", "sync", "--db", db, "--parallelism", "many");
  }

  @Test
  void outOfRangeNumbersAreUsageErrors() {
    assertThat(usage("--port", "serve", "--db", db, "--port", "99999").err())
        .contains("--port takes a port from 0 to 65535").contains("not 99999");
    usage("--port", "demo", "--out", dir.toString(), "--serve", "--port", "-1");
    usage("--parallelism", "sync", "--db", db, "--parallelism", "0");
    usage("--interval", "feeds", "add", "--db", db, "--tenant", "t", "--property", "p", "--source", "airbnb",
        "--url", "https://example.com/a.ics", "--interval", "0m");
    usage("--interval", "feeds", "add", "--db", db, "--tenant", "t", "--property", "p", "--source", "airbnb",
        "--url", "https://example.com/a.ics", "--interval", "soon");
  }

  @Test
  void feedsAddRefusesAUrlTheFetcherWouldRefuseWithItsWordsAndStoresNothing() {
    assertThat(usage("--url", "feeds", "add", "--db", db, "--tenant", "t", "--property", "p", "--source", "airbnb",
        "--url", "not a url").err()).contains("URL has no scheme");
    assertThat(usage("--url", "feeds", "add", "--db", db, "--tenant", "t", "--property", "p", "--source", "airbnb",
        "--url", "gopher://example.com/a.ics").err()).contains("scheme not allowed: gopher");
    assertThat(usage("--url", "feeds", "add", "--db", db, "--tenant", "t", "--property", "p", "--source", "airbnb",
        "--url", "file:///etc/passwd").err()).contains("scheme not allowed: file");
    assertThat(usage("--url", "feeds", "add", "--db", db, "--tenant", "t", "--property", "p", "--source", "airbnb",
        "--url", "https:///a.ics").err()).contains("URL has no valid host");
    assertThat(usage("--url", "feeds", "add", "--db", db, "--tenant", "t", "--property", "p", "--source", "airbnb",
        "--url", "https://example.com:99999/a.ics").err()).contains("port out of range");
    Cli secret = usage("--url", "feeds", "add", "--db", db, "--tenant", "t", "--property", "p", "--source", "airbnb",
        "--url", "ftp://example.com/a.ics?s=hunter2");
    assertThat(secret.err()).doesNotContain("hunter2");
    assertThat(Cli.run("feeds", "list", "--db", db).out()).contains("no feeds");

    Cli webcal = Cli.run("feeds", "add", "--db", db, "--tenant", "t", "--property", "p", "--source", "airbnb",
        "--url", "webcal://example.com/a.ics");
    assertThat(webcal.status()).as(webcal.err()).isZero();
  }

  @Test
  void allowHostRefusesWhatItCannotMatchAndTakesCidrRanges() {
    assertThat(usage("--allow-host", "sync", "--db", db, "--allow-host", "*").err())
        .contains("--allow-host takes a host name, an IP address or a CIDR range like 10.0.0.0/8, not '*'");
    usage("--allow-host", "sync", "--db", db, "--allow-host", "127.0.0.*");
    usage("--allow-host", "check", "http://127.0.0.1:1/a.ics", "--allow-host", "*.example.com");
    usage("--allow-host", "sync", "--db", db, "--allow-host", "127.0.0.0/99");
    usage("--allow-host", "sync", "--db", db, "--allow-host", "http://127.0.0.1/");

    String feed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:a@t\r\n"
        + "DTSTART;VALUE=DATE:20300101\r\nDTEND;VALUE=DATE:20300105\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    try (FeedServer server = new FeedServer().put("/a.ics", feed)) {
      Cli added = Cli.run("feeds", "add", "--db", db, "--tenant", "t", "--property", "p", "--source", "x",
          "--url", server.url("/a.ics"));
      assertThat(added.status()).isZero();
      Cli refused = Cli.run("sync", "--db", db, "--json");
      assertThat(refused.status()).isEqualTo(1);
      assertThat(refused.json().get(0).get("reason").asText()).isEqualTo("refused");
      Cli cidr = Cli.run("sync", "--db", db, "--json", "--allow-host", "127.0.0.0/8");
      assertThat(cidr.status()).as(cidr.err()).isZero();
      assertThat(cidr.json().get(0).get("outcome").asText()).isEqualTo("applied");
      assertThat(Cli.run("check", server.url("/a.ics"), "--allow-host", "127.0.0.0/8").status()).isZero();
    }
  }

  @Test
  void aMissingDbIsAUsageErrorThatNamesTheEnvironmentVariable() {
    assertThat(usage("--db", "feeds", "list").err()).contains("ICSSYNC_DB");
  }

  @Test
  void icssyncDbIsTheDefaultForDb() {
    Map<String, String> env = Map.of("ICSSYNC_DB", db);
    Cli added = Cli.withEnv(env, "feeds", "add", "--tenant", "t", "--property", "p", "--source", "airbnb",
        "--url", "https://example.com/a.ics");
    assertThat(added.status()).as(added.err()).isZero();
    assertThat(Cli.withEnv(env, "feeds", "list").out()).contains(added.out().strip());
    // --db wins over the environment
    String other = "jdbc:h2:mem:other-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    assertThat(Cli.withEnv(env, "feeds", "list", "--db", other).out()).contains("no feeds");
  }

  @Test
  void aPortInUseIsOneLineWithoutJavaTypes() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Cli r = Cli.run("serve", "--db", db, "--port", String.valueOf(taken.getLocalPort()));
      assertThat(r.status()).isEqualTo(1);
      assertThat(r.err().strip().lines()).hasSize(1);
      assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).contains("--port");
      assertNoJavaTypes(r.err());

      Cli verbose = Cli.run("serve", "--db", db, "--port", String.valueOf(taken.getLocalPort()), "--verbose");
      assertThat(verbose.err()).contains("\tat ");
    }
  }

  @Test
  void messagesOfLibraryAndDriverLoseTheirJavaTypes() {
    assertThat(IcsSyncCli.withoutJavaTypes("IllegalArgumentException: port out of range:99999"))
        .isEqualTo("port out of range:99999");
    assertThat(IcsSyncCli.withoutJavaTypes("cannot open x: org.postgresql.util.PSQLException: Connection refused"))
        .isEqualTo("cannot open x: Connection refused");
    assertThat(IcsSyncCli.oneLine(new java.io.UncheckedIOException(new java.net.BindException("Address in use"))))
        .isEqualTo("Address in use");
    assertThat(IcsSyncCli.oneLine(new IllegalStateException())).doesNotContain("Exception");
  }

  @Test
  void anUnknownBindAddressIsAUsageErrorAndAnUnwritableOutputOneLine() throws IOException {
    assertThat(usage("--bind", "serve", "--db", db, "--bind", "999.1.1.1").err())
        .contains("--bind takes an IP address or host name of this host");
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Cli r = Cli.run("export", "--db", db, "--tenant", "t", "--property", "p", "-o", file.resolve("x.ics").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("ics-sync: cannot write -o " + file);
    assertNoJavaTypes(r.err());
  }

  @Test
  void aBadFileForCheckIsOneLine() throws IOException {
    Path d = Files.createDirectories(dir.resolve("a-directory"));
    Cli r = Cli.run("check", d.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertNoJavaTypes(r.err());
  }
}
