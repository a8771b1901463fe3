package dev.icssync.spring.boot;

import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Whether an optional adapter is on the application's class path (checked before its types are
 * touched), through the context's class loader as the {@code @ConditionalOnClass} checks do.
 */
final class Classes {
  private Classes() {}

  static boolean present(ApplicationContext context, String name) {
    return ClassUtils.isPresent(name, context.getClassLoader());
  }
}
