package dev.icssync.tck.db;

/**
 * The PostgreSQL server that {@link TestDatabases#postgres()} creates databases on: the local server
 * or the embedded one. Its user is a superuser (tests may create roles; roles are cluster-wide, so
 * name them uniquely and drop them).
 *
 * @param host host name or address
 * @param port port
 * @param user superuser name
 * @param password its password (empty with trust authentication)
 * @param embedded true for the embedded server started by this JVM
 */
public record PostgresServer(String host, int port, String user, String password, boolean embedded) {

  /** The JDBC URL of {@code database} on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database
        + "?connectTimeout=5&ApplicationName=icssync-test";
  }
}
