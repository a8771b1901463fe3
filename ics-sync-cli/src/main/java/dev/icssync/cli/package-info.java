/**
 * The {@code ics-sync} command: {@code demo}, {@code check}, {@code feeds}, {@code properties},
 * {@code sync}, {@code events}, {@code conflicts}, {@code export}, {@code tokens} and
 * {@code serve}. Entry point: {@link dev.icssync.cli.IcsSyncCli}.
 */
@NullMarked
package dev.icssync.cli;

import org.jspecify.annotations.NullMarked;
