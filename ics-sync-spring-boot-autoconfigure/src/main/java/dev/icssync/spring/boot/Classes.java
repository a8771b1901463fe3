package dev.icssync.spring.boot;

import org.springframework.util.ClassUtils;

/** Whether an optional adapter is on the class path (checked before its types are touched). */
final class Classes {
  private Classes() {}

  static boolean present(String name) {
    return ClassUtils.isPresent(name, Classes.class.getClassLoader());
  }
}
