/**
 * Network faults for adapter tests: {@link dev.icssync.tck.net.TcpProxy} cuts, restores and stalls
 * the connections to a server as a restart or a slow server would.
 */
@NullMarked
package dev.icssync.tck.net;

import org.jspecify.annotations.NullMarked;
