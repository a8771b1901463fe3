package dev.icssync.scheduler;

import com.github.kagkarlsson.scheduler.serializer.Serializer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The task data of a feed is its count of failed syncs in a row, stored as decimal text: readable in
 * SQL, and no Java deserialization of bytes read from a shared table.
 */
final class FailureCountSerializer implements Serializer {

  @Override
  public byte @Nullable [] serialize(@Nullable Object data) {
    if (data == null) {
      return null;
    }
    if (!(data instanceof Integer count)) {
      throw new IllegalArgumentException("feed task data is an Integer, was " + data.getClass());
    }
    return Integer.toString(count).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T deserialize(Class<T> type, byte @Nullable [] bytes) {
    if (type != Integer.class) {
      throw new IllegalArgumentException("feed task data is an Integer, asked for " + type);
    }
    if (bytes == null || bytes.length == 0) {
      return (T) Integer.valueOf(0);
    }
    try {
      return (T) Integer.valueOf(Math.max(0, Integer.parseInt(new String(bytes, StandardCharsets.US_ASCII).trim())));
    } catch (NumberFormatException e) {
      return (T) Integer.valueOf(0);
    }
  }
}
