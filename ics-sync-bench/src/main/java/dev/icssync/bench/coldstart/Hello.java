package dev.icssync.bench.coldstart;

/** The hello-world JVM of the cold-start figure: {@link ColdStart} copies this class into a jar of its own. */
public final class Hello {
  private Hello() {}

  public static void main(String[] args) {
    System.out.println("hello");
  }
}
