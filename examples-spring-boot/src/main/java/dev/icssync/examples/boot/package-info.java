/** A Spring Boot host application on {@code ics-sync-spring-boot-starter}. */
@NullMarked
package dev.icssync.examples.boot;

import org.jspecify.annotations.NullMarked;
