package dev.icssync.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Gzipped export bodies by ETag, least recently used dropped first, bounded in bytes. The same body
 * always compresses to the same bytes (the gzip header carries no time), so the gzip ETag is stable.
 */
final class GzipMemo {
  private final long maxBytes;
  private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  GzipMemo(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  byte[] gzip(String etag, byte[] body) {
    synchronized (this) {
      byte[] hit = entries.get(etag);
      if (hit != null) {
        return hit;
      }
    }
    byte[] zipped = compress(body);
    if (zipped.length <= maxBytes) {
      synchronized (this) {
        byte[] old = entries.put(etag, zipped);
        bytes += zipped.length - (old == null ? 0 : old.length);
        Iterator<Map.Entry<String, byte[]>> it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
          bytes -= it.next().getValue().length;
          it.remove();
        }
      }
    }
    return zipped;
  }

  static byte[] compress(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 6));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return out.toByteArray();
  }
}
