package dev.icssync.spi;

/**
 * What a store actually wrote for one {@link FeedApply}.
 *
 * @param eventRowsWritten event rows inserted or updated (rows skipped because nothing changed are
 *     not counted)
 * @param rekeyed event rows renamed
 */
public record ApplyResult(int eventRowsWritten, int rekeyed) {}
