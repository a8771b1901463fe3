package dev.icssync;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception the library throws. Unchecked; adapters wrap their own checked
 * exceptions ({@code SQLException}, {@code IOException}) in a subtype and keep the cause.
 *
 * <p>Expected failures of a sync (a bad feed, a 404, a 429) are not exceptions: they are values in
 * the {@link SyncReport}.
 */
public class IcsSyncException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IcsSyncException(String message) {
    super(message);
  }

  public IcsSyncException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** A storage adapter failed (connection lost, timeout, constraint). */
  public static class StorageException extends IcsSyncException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * An apply carried a feed generation older than the stored one: another worker started a newer
   * sync of the same feed. The whole apply was rolled back.
   */
  public static class StaleGenerationException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StaleGenerationException(String message) {
      super(message, null);
    }
  }

  /** A feed could not be parsed (strict mode, a limit hit, or not a calendar at all). */
  public static class ParseException extends IcsSyncException {
    private static final long serialVersionUID = 1L;
    private final ParseFailure failure;

    public ParseException(ParseFailure failure, String message) {
      super(message);
      this.failure = failure;
    }

    public ParseFailure failure() {
      return failure;
    }
  }

  /** A fetch could not be attempted at all (bad configuration, not a remote failure). */
  public static class FetchException extends IcsSyncException {
    private static final long serialVersionUID = 1L;

    public FetchException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  /** Invalid configuration, rejected when built; the message names the parameter. */
  public static class ConfigurationException extends IcsSyncException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
      super(message);
    }
  }
}
