/*
 * The public API of one module as a sorted text dump, compared with the committed
 * <module>/api/<module>.api (the idea of Kotlin's binary-compatibility-validator).
 *
 * Run by the parent pom in the verify phase of every published module, as a single-file source
 * program (java build-tools/ApiSurface.java ...), so it needs no module of its own, no installed
 * artifact and no plugin beyond exec-maven-plugin.
 *
 *   --classes <dir>        the module's compiled classes (target/classes)
 *   --classpath <path>     the module's compile class path (its classes and dependencies), loaded
 *                          in a class loader of its own, so no provider of theirs (ical4j's time
 *                          zone rules, logging) runs in this JVM
 *   --api <file>           the committed dump
 *   --module <artifactId>  names the module in messages
 *   --update <true|false>  true: write the dump instead of comparing it
 *   --jar <file>           optional: the built jar, whose module name must be --module-name
 *   --module-name <name>   the expected Automatic-Module-Name
 *
 * Inside stays inside: no module but ics-sync-core may refer to dev.icssync.internal, by import,
 * by a fully qualified name or by a name in a string (reflection). The scan reads the constant pool
 * of every class file as bytes, so it sees each reference the compiler wrote, whatever the source
 * looked like.
 *
 * What is API: every public type whose enclosing types are all public (or protected), outside
 * dev.icssync.internal and its subpackages, with its public members and, unless the type is final,
 * its protected ones. Synthetic and bridge members are left out, and so are the members a record or
 * an enum has implicitly (accessors, equals, hashCode, toString, values, valueOf), which its header
 * already states.
 *
 * Classes are loaded without being initialised and described by reflection, so generic signatures,
 * record components, enum constants, sealed hierarchies and checked exceptions are all kept.
 */

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

public class ApiSurface {

  static final String INTERNAL = "dev.icssync.internal";
  static final String CORE = "ics-sync-core";

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path classes = Path.of(required(opts, "classes"));
    Path api = Path.of(required(opts, "api"));
    String module = required(opts, "module");
    boolean update = Boolean.parseBoolean(opts.getOrDefault("update", "false"));

    List<String> failures = new ArrayList<>();
    if (opts.containsKey("jar")) {
      String problem = checkModuleName(Path.of(opts.get("jar")), required(opts, "module-name"));
      if (problem != null) {
        failures.add(problem);
      }
    }

    if (!module.equals(CORE)) {
      failures.addAll(internalReferences(classes, module));
    }

    String dump;
    try (URLClassLoader loader = classLoader(required(opts, "classpath"))) {
      dump = dump(classes, loader);
    }
    if (update) {
      Files.createDirectories(api.toAbsolutePath().getParent());
      String old = Files.exists(api) ? read(api) : null;
      if (!dump.equals(old)) {
        Files.writeString(api, dump, StandardCharsets.UTF_8);
        System.out.println("[api] wrote " + api);
      }
    } else if (!Files.exists(api)) {
      failures.add("The API of " + module + " has no committed dump " + api + ".");
    } else {
      String committed = read(api);
      if (!committed.equals(dump)) {
        failures.add("The API of " + module + " differs from " + api + ":\n" + diff(committed, dump));
      }
    }
    if (!failures.isEmpty()) {
      System.err.println(String.join("\n", failures));
    }
    if (failures.stream().anyMatch(f -> f.startsWith("The API of "))) {
      System.err.println(
          "If the change is intended, regenerate the dumps with\n"
              + "    mvn -B verify -DskipTests -Dicssync.api.update=true\n"
              + "and commit the api/*.api files with the change, so that the diff is reviewed.");
    }
    if (!failures.isEmpty()) {
      System.exit(1);
    }
  }

  /** Each class of a module other than the core that refers to the core's internal packages. */
  static List<String> internalReferences(Path classes, String module) throws IOException {
    byte[][] needles = {
        INTERNAL.replace('.', '/').getBytes(StandardCharsets.UTF_8),
        INTERNAL.getBytes(StandardCharsets.UTF_8)};
    List<String> found = new ArrayList<>();
    if (!Files.isDirectory(classes)) {
      return found;
    }
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class")).sorted()::iterator) {
        byte[] bytes = Files.readAllBytes(file);
        for (byte[] needle : needles) {
          if (indexOf(bytes, needle) >= 0) {
            found.add(module + ": " + classes.relativize(file) + " refers to " + INTERNAL
                + ", which is not API; use its supported home in dev.icssync or dev.icssync.spi (Checks, Redaction, ...).");
            break;
          }
        }
      }
    }
    return found;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static String required(Map<String, String> opts, String name) {
    String value = opts.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return value;
  }

  static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
  }

  /** The name the JVM gives the jar on the module path; it must be the declared one. */
  static String checkModuleName(Path jar, String expected) throws IOException {
    if (!Files.exists(jar)) {
      return "The jar " + jar + " was not built.";
    }
    String declared;
    try (JarFile file = new JarFile(jar.toFile())) {
      declared =
          file.getManifest() == null
              ? null
              : file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
    }
    if (!expected.equals(declared)) {
      return "The manifest of " + jar + " declares Automatic-Module-Name " + declared
          + ", expected " + expected + ".";
    }
    Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
    String seen = found.isEmpty() ? null : found.iterator().next().descriptor().name();
    if (!expected.equals(seen)) {
      return "On the module path " + jar + " is the module " + seen + ", expected " + expected + ".";
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // The dump

  static URLClassLoader classLoader(String classpath) throws IOException {
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
  }

  static String dump(Path classes, ClassLoader loader) throws IOException {
    List<String> names;
    try (Stream<Path> files = Files.walk(classes)) {
      names =
          files
              .filter(p -> p.toString().endsWith(".class"))
              .map(p -> classes.relativize(p).toString().replace('\\', '/'))
              .filter(n -> !n.endsWith("module-info.class") && !n.endsWith("package-info.class"))
              .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
              .filter(n -> !n.equals(INTERNAL) && !n.startsWith(INTERNAL + "."))
              .sorted()
              .collect(Collectors.toList());
    }
    TreeMap<String, String> types = new TreeMap<>();
    for (String name : names) {
      Class<?> type;
      try {
        type = Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalStateException("cannot load " + name + " from " + classes + ": " + e, e);
      }
      if (isApi(type)) {
        types.put(type.getName(), describe(type));
      }
    }
    return String.join("\n", types.values());
  }

  static boolean isApi(Class<?> type) {
    if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
      return false;
    }
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      int m = t.getModifiers();
      if (!Modifier.isPublic(m) && !(Modifier.isProtected(m) && t.getDeclaringClass() != null)) {
        return false;
      }
    }
    return true;
  }

  static String describe(Class<?> type) {
    StringBuilder out = new StringBuilder();
    out.append(header(type)).append(" {\n");
    if (type.isEnum()) {
      String constants =
          Arrays.stream(type.getDeclaredFields())
              .filter(Field::isEnumConstant)
              .map(Field::getName)
              .collect(Collectors.joining(", "));
      if (!constants.isEmpty()) {
        out.append("  ").append(constants).append(";\n");
      }
    }
    boolean finalType =
        Modifier.isFinal(type.getModifiers()) || type.isEnum() || type.isRecord() || isSealed(type);
    List<String> members = new ArrayList<>();
    for (Field f : type.getDeclaredFields()) {
      if (f.isSynthetic() || f.isEnumConstant() || !visible(f.getModifiers(), finalType)) {
        continue;
      }
      members.add(modifiers(f.getModifiers() & Modifier.fieldModifiers() & ~Modifier.VOLATILE
              & ~Modifier.TRANSIENT)
          + render(f.getGenericType()) + " " + f.getName());
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (c.isSynthetic() || !visible(c.getModifiers(), finalType)) {
        continue;
      }
      members.add(modifiers(c.getModifiers() & Modifier.constructorModifiers())
          + typeParameters(c.getTypeParameters()) + simpleName(type) + parameters(c)
          + exceptions(c));
    }
    for (Method m : type.getDeclaredMethods()) {
      if (m.isSynthetic() || m.isBridge() || !visible(m.getModifiers(), finalType)
          || implicit(type, m)) {
        continue;
      }
      int mods = m.getModifiers() & Modifier.methodModifiers()
          & ~Modifier.SYNCHRONIZED & ~Modifier.NATIVE & ~Modifier.STRICT;
      if (type.isInterface()) {
        mods &= ~Modifier.ABSTRACT;
      }
      String prefix = modifiers(mods) + (m.isDefault() ? "default " : "");
      members.add(prefix + typeParameters(m.getTypeParameters()) + render(m.getGenericReturnType())
          + " " + m.getName() + parameters(m) + exceptions(m));
    }
    members.stream().sorted().forEach(line -> out.append("  ").append(line).append('\n'));
    out.append("}\n");
    return out.toString();
  }

  static boolean visible(int modifiers, boolean finalType) {
    return Modifier.isPublic(modifiers) || (Modifier.isProtected(modifiers) && !finalType);
  }

  static boolean isSealed(Class<?> type) {
    return type.isSealed();
  }

  /** What a record or an enum declares by being one, already said by its header. */
  static boolean implicit(Class<?> type, Method m) {
    int params = m.getParameterCount();
    String name = m.getName();
    if (type.isRecord()) {
      if (params == 0 && (name.equals("hashCode") || name.equals("toString"))) {
        return true;
      }
      if (params == 1 && name.equals("equals") && m.getParameterTypes()[0] == Object.class) {
        return true;
      }
      return params == 0
          && Arrays.stream(type.getRecordComponents()).anyMatch(rc -> rc.getName().equals(name)
              && rc.getType() == m.getReturnType());
    }
    if (type.isEnum() && Modifier.isStatic(m.getModifiers())) {
      return (name.equals("values") && params == 0)
          || (name.equals("valueOf") && params == 1 && m.getParameterTypes()[0] == String.class);
    }
    return false;
  }

  static String header(Class<?> type) {
    StringBuilder h = new StringBuilder();
    int mods = type.getModifiers() & Modifier.classModifiers() & ~Modifier.STRICT;
    String kind;
    if (type.isAnnotation()) {
      kind = "@interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.STATIC);
    } else if (type.isInterface()) {
      kind = "interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.STATIC);
    } else if (type.isEnum()) {
      kind = "enum";
      mods &= ~(Modifier.FINAL | Modifier.STATIC | Modifier.ABSTRACT);
    } else if (type.isRecord()) {
      kind = "record";
      mods &= ~(Modifier.FINAL | Modifier.STATIC);
    } else {
      kind = "class";
    }
    h.append(modifiers(mods));
    if (type.isSealed()) {
      h.append("sealed ");
    }
    h.append(kind).append(' ').append(name(type)).append(typeParameters(type.getTypeParameters()));
    if (type.isRecord()) {
      h.append(Arrays.stream(type.getRecordComponents())
          .map(rc -> render(rc.getGenericType()) + " " + rc.getName())
          .collect(Collectors.joining(", ", "(", ")")));
    }
    Type superclass = type.getGenericSuperclass();
    if (superclass != null && !type.isEnum() && !type.isRecord() && superclass != Object.class) {
      h.append(" extends ").append(render(superclass));
    }
    List<String> interfaces = new ArrayList<>();
    for (Type i : type.getGenericInterfaces()) {
      if (!(type.isAnnotation() && i == java.lang.annotation.Annotation.class)) {
        interfaces.add(render(i));
      }
    }
    if (!interfaces.isEmpty()) {
      h.append(type.isInterface() ? " extends " : " implements ")
          .append(String.join(", ", interfaces));
    }
    if (type.isSealed()) {
      h.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses())
          .map(ApiSurface::name).sorted().collect(Collectors.joining(", ")));
    }
    if (type.isAnnotationPresent(Deprecated.class)) {
      h.insert(0, "@Deprecated ");
    }
    return h.toString();
  }

  static String modifiers(int mods) {
    String s = Modifier.toString(mods);
    return s.isEmpty() ? "" : s + " ";
  }

  static String parameters(Executable e) {
    // as the source declares them: without the outer instance of an inner class's constructor
    // (an implicit parameter, known from the MethodParameters attribute of -parameters builds)
    Parameter[] params = e.getParameters();
    List<String> rendered = new ArrayList<>();
    for (int i = 0; i < params.length; i++) {
      if (params[i].isImplicit() || params[i].isSynthetic()) {
        continue;
      }
      String t = render(params[i].getParameterizedType());
      if (e.isVarArgs() && i == params.length - 1 && t.endsWith("[]")) {
        t = t.substring(0, t.length() - 2) + "...";
      }
      rendered.add(t);
    }
    return rendered.stream().collect(Collectors.joining(", ", "(", ")"));
  }

  static String exceptions(Executable e) {
    Type[] thrown = e.getGenericExceptionTypes();
    if (thrown.length == 0) {
      return "";
    }
    return " throws " + Arrays.stream(thrown).map(ApiSurface::render).sorted()
        .collect(Collectors.joining(", "));
  }

  static String typeParameters(TypeVariable<?>[] vars) {
    if (vars.length == 0) {
      return "";
    }
    return Arrays.stream(vars).map(v -> {
      List<String> bounds = Arrays.stream(v.getBounds()).filter(b -> b != Object.class)
          .map(ApiSurface::render).collect(Collectors.toList());
      return bounds.isEmpty() ? v.getName() : v.getName() + " extends " + String.join(" & ", bounds);
    }).collect(Collectors.joining(", ", "<", ">")) + " ";
  }

  static String simpleName(Class<?> type) {
    return type.getSimpleName();
  }

  /** Canonical name: dots for nested types too, as the source spells them. */
  static String name(Class<?> type) {
    if (type.isArray()) {
      return name(type.getComponentType()) + "[]";
    }
    String canonical = type.getCanonicalName();
    return canonical != null ? canonical : type.getName();
  }

  static String render(Type type) {
    if (type instanceof Class<?> c) {
      return name(c);
    }
    if (type instanceof ParameterizedType p) {
      return render(p.getRawType()) + Arrays.stream(p.getActualTypeArguments())
          .map(ApiSurface::render).collect(Collectors.joining(", ", "<", ">"));
    }
    if (type instanceof TypeVariable<?> v) {
      return v.getName();
    }
    if (type instanceof WildcardType w) {
      if (w.getLowerBounds().length > 0) {
        return "? super " + render(w.getLowerBounds()[0]);
      }
      Type[] upper = w.getUpperBounds();
      return upper.length == 0 || upper[0] == Object.class ? "?" : "? extends " + render(upper[0]);
    }
    if (type instanceof GenericArrayType a) {
      return render(a.getGenericComponentType()) + "[]";
    }
    return type.getTypeName();
  }

  // ---------------------------------------------------------------------------------------------
  // A readable difference: the lines each side lacks, under the type they belong to.

  static String diff(String committed, String built) {
    Map<String, List<String>> before = byType(committed);
    Map<String, List<String>> after = byType(built);
    Set<String> headers = new LinkedHashSet<>();
    new TreeMap<>(before).keySet().forEach(headers::add);
    new TreeMap<>(after).keySet().forEach(headers::add);
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (String header : headers.stream().sorted().collect(Collectors.toList())) {
      List<String> b = before.get(header);
      List<String> a = after.get(header);
      StringBuilder lines = new StringBuilder();
      if (b == null) {
        lines.append("+ ").append(header).append('\n');
        a.forEach(l -> lines.append("+   ").append(l.strip()).append('\n'));
      } else if (a == null) {
        lines.append("- ").append(header).append('\n');
      } else {
        for (String l : b) {
          if (!a.contains(l)) {
            lines.append("-   ").append(l.strip()).append('\n');
          }
        }
        for (String l : a) {
          if (!b.contains(l)) {
            lines.append("+   ").append(l.strip()).append('\n');
          }
        }
        if (lines.length() > 0) {
          lines.insert(0, "  " + header + '\n');
        }
      }
      if (lines.length() > 0 && shown++ < 40) {
        out.append(lines);
      }
    }
    if (shown > 40) {
      out.append("  ... and ").append(shown - 40).append(" more types\n");
    }
    if (out.length() == 0) {
      out.append("  (the same declarations in another order or spacing)\n");
    }
    return out.toString();
  }

  /**
   * Types keyed by their header without modifiers' changes hiding them: the key is the header
   * line itself, so a changed header shows as one type removed and one added.
   */
  static Map<String, List<String>> byType(String dump) {
    Map<String, List<String>> types = new HashMap<>();
    List<String> current = null;
    for (String line : dump.split("\n")) {
      if (line.endsWith(" {") && !line.startsWith(" ")) {
        current = new ArrayList<>();
        types.put(line.substring(0, line.length() - 2), current);
      } else if (line.startsWith("  ") && current != null) {
        current.add(line);
      }
    }
    return types;
  }
}
