package dev.icssync.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link ForwardingStore} forwards every method of {@link Store}, the defaults ({@code *ForWrite},
 * {@code pruneRuns}) included: a method added to the SPI later fails here until it is forwarded.
 */
class ForwardingStoreTest {

  @Test
  void everyStoreMethodIsOverridden() {
    List<String> missing = new ArrayList<>();
    for (Method m : Store.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      try {
        Method own = ForwardingStore.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
        if (!Modifier.isPublic(own.getModifiers())) {
          missing.add(m + " (not public)");
        }
      } catch (NoSuchMethodException e) {
        missing.add(m.toString());
      }
    }
    assertThat(missing).as("Store methods ForwardingStore does not override").isEmpty();
  }

  @Test
  void everyStoreMethodReachesTheDelegateWithTheSameArgumentsAndReturnsItsResult() throws Exception {
    List<String> calls = new ArrayList<>();
    Object marker = new Object();
    Store recording = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(),
        new Class<?>[] {Store.class}, (proxy, method, args) -> {
          calls.add(method.getName() + Arrays.toString(args == null ? new Object[0] : args));
          return resultFor(method.getReturnType(), marker);
        });
    ForwardingStore forwarding = new ForwardingStore(recording) {};
    assertThat(forwarding.delegate()).isSameAs(recording);

    for (Method m : Store.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      calls.clear();
      Object[] args = argumentsFor(m);
      Object result;
      try {
        result = m.invoke(forwarding, args);
      } catch (InvocationTargetException e) {
        throw new AssertionError(m + " threw", e.getCause());
      }
      assertThat(calls).as(m.toString()).containsExactly(m.getName() + Arrays.toString(args));
      if (m.getReturnType() != void.class) {
        assertThat(result).as(m + " returns the delegate's result")
            .isEqualTo(resultFor(m.getReturnType(), marker));
      }
    }
  }

  /** Distinct arguments per position, so a forwarder that swaps or drops one is caught. */
  private static Object[] argumentsFor(Method m) {
    Class<?>[] types = m.getParameterTypes();
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      Class<?> t = types[i];
      if (t == String.class) {
        args[i] = "arg" + i;
      } else if (t == int.class) {
        args[i] = 40 + i;
      } else if (t == long.class) {
        args[i] = 40L + i;
      } else if (t == boolean.class) {
        args[i] = true;
      } else if (t.isInterface()) {
        args[i] = List.class.isAssignableFrom(t) || java.util.Collection.class.isAssignableFrom(t)
            ? List.of("element" + i) : null;
      } else {
        args[i] = null; // records and enums of the model: identity is enough, null compares too
      }
    }
    return args;
  }

  private static Object resultFor(Class<?> type, Object marker) {
    if (type == void.class) {
      return null;
    }
    if (type == long.class) {
      return 42L;
    }
    if (type == int.class) {
      return 42;
    }
    if (type == boolean.class) {
      return true;
    }
    if (type == List.class) {
      return List.of(marker);
    }
    if (type == Optional.class) {
      return Optional.of(marker);
    }
    if (type == java.util.OptionalLong.class) {
      return java.util.OptionalLong.of(42);
    }
    return null;
  }
}
