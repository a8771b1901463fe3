package dev.icssync.scheduler;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The task-instance id of a feed: {@code tenant/feedId}, each part URL-encoded so a slash in either
 * cannot make two feeds share an id. Readable for the common case (ids of letters, digits, dashes).
 */
record FeedTaskId(String tenant, String feedId) {

  static FeedTaskId parse(String instanceId) {
    int slash = instanceId.indexOf('/');
    if (slash <= 0 || slash == instanceId.length() - 1 || instanceId.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException("not a feed task id: " + instanceId);
    }
    return new FeedTaskId(decode(instanceId.substring(0, slash)), decode(instanceId.substring(slash + 1)));
  }

  String instanceId() {
    return instanceId(tenant, feedId);
  }

  static String instanceId(String tenant, String feedId) {
    return encode(tenant) + "/" + encode(feedId);
  }

  /** The prefix every instance id of this tenant starts with. */
  static String tenantPrefix(String tenant) {
    return encode(tenant) + "/";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
