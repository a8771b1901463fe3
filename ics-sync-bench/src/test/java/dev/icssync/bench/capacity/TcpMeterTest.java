package dev.icssync.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relay counts bytes both ways and Redis commands however the stream is cut. */
class TcpMeterTest {

  static final String COMMANDS = "*2\r\n$3\r\nGET\r\n$5\r\nk\r\nab\r\n" // a bulk string holding CRLF
      + "*3\r\n$7\r\nEVALSHA\r\n$2\r\nab\r\n$1\r\n0\r\n"
      + "*1\r\n$4\r\nPING\r\n"
      + "PING\r\n"; // inline

  @Test
  void countsRespCommandsAcrossAnyChunkBoundaries() throws Exception {
    byte[] bytes = COMMANDS.getBytes(StandardCharsets.US_ASCII);
    for (int chunk = 1; chunk <= bytes.length; chunk++) {
      try (ServerSocket sink = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          TcpMeter meter = new TcpMeter(new InetSocketAddress(InetAddress.getLoopbackAddress(), sink.getLocalPort()),
              true)) {
        TcpMeter.RespCounter counter = meter.new RespCounter();
        for (int i = 0; i < bytes.length; i += chunk) {
          byte[] piece = java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk));
          counter.feed(piece, piece.length);
        }
        assertThat(meter.commands()).as("chunks of %d bytes", chunk)
            .isEqualTo(Map.of("get", 1L, "evalsha", 1L, "ping", 2L));
      }
    }
  }

  @Test
  void relaysAndCountsBytesBothWays() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        TcpMeter meter = new TcpMeter(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()),
            false)) {
      Thread server = new Thread(() -> {
        try (Socket s = echo.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
          byte[] request = in.readNBytes(5);
          out.write(request);
          out.write(request);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      server.start();
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), meter.port())) {
        c.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(c.getInputStream().readNBytes(10), StandardCharsets.US_ASCII)).isEqualTo("hellohello");
      }
      server.join();
      assertThat(meter.up.sum()).isEqualTo(5);
      assertThat(meter.down.sum()).isEqualTo(10);
    }
  }
}
