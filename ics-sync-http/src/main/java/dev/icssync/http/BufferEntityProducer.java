package dev.icssync.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.jspecify.annotations.Nullable;

/**
 * Sends a read-only buffer as it is: HttpCore's {@code BasicAsyncEntityProducer} takes an array,
 * and an export's bytes are not handed out as one (they are shared by every request), so this
 * writes the export in place instead of copying it per request.
 */
final class BufferEntityProducer implements AsyncEntityProducer {
  private final ByteBuffer content;
  private final int length;

  BufferEntityProducer(ByteBuffer content) {
    this.content = content.duplicate();
    this.length = content.remaining();
  }

  @Override
  public boolean isRepeatable() {
    return true;
  }

  @Override
  public void failed(Exception cause) {
    // nothing to release
  }

  @Override
  public long getContentLength() {
    return length;
  }

  @Override
  public @Nullable String getContentType() {
    return null;
  }

  @Override
  public @Nullable String getContentEncoding() {
    return null;
  }

  @Override
  public boolean isChunked() {
    return false;
  }

  @Override
  public @Nullable Set<String> getTrailerNames() {
    return null;
  }

  @Override
  public int available() {
    synchronized (content) {
      return content.remaining();
    }
  }

  @Override
  public void produce(DataStreamChannel channel) throws IOException {
    synchronized (content) {
      if (content.hasRemaining()) {
        channel.write(content);
      }
      if (!content.hasRemaining()) {
        channel.endStream();
      }
    }
  }

  @Override
  public void releaseResources() {
    synchronized (content) {
      content.rewind();
    }
  }
}
