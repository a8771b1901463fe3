package dev.icssync.spi;

/**
 * What a store actually wrote for one {@link FeedApply}.
 *
 * <p>Still a record: what an apply wrote. Its constructor is public, so a new component will come
 * with the old constructor kept as an overload (Java 17 has no record patterns to break).
 *
 * @param eventRowsWritten event rows inserted or updated (rows skipped because nothing changed are
 *     not counted)
 * @param rekeyed event rows renamed
 */
public record ApplyResult(int eventRowsWritten, int rekeyed) {}
