package dev.icssync.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.LoggingEventAware;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of {@code run --log-format json}: one JSON object per line on standard error
 * ({@code ts}, {@code level}, {@code logger}, {@code thread}, {@code msg}, the event's key-value pairs
 * as fields, {@code error} with the stack trace), for log shippers. Chosen at start through SLF4J's
 * {@code slf4j.provider} property, so slf4j-simple stays the binding of every other command. Levels
 * come from the same properties as slf4j-simple's ({@code org.slf4j.simpleLogger.defaultLogLevel} and
 * {@code org.slf4j.simpleLogger.log.<name prefix>}), so one setting serves both formats.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {
  private final Factory factory = new Factory();
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  /** Public for SLF4J, which instantiates it by name. */
  public JsonLogProvider() {}

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  static final class Factory implements ILoggerFactory {
    private final Map<String, JsonLogger> loggers = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
      return loggers.computeIfAbsent(name, n -> new JsonLogger(n, level(n)));
    }

    /** The level of the longest {@code org.slf4j.simpleLogger.log.<prefix>} set for name, else the default. */
    static int level(String name) {
      String n = name;
      while (true) {
        String v = System.getProperty("org.slf4j.simpleLogger.log." + n);
        if (v != null) {
          return parse(v);
        }
        int dot = n.lastIndexOf('.');
        if (dot < 0) {
          break;
        }
        n = n.substring(0, dot);
      }
      return parse(System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "info"));
    }

    private static int parse(String level) {
      return switch (level.trim().toLowerCase(Locale.ROOT)) {
        case "trace" -> Level.TRACE.toInt();
        case "debug" -> Level.DEBUG.toInt();
        case "warn" -> Level.WARN.toInt();
        case "error" -> Level.ERROR.toInt();
        case "off" -> Integer.MAX_VALUE;
        default -> Level.INFO.toInt();
      };
    }
  }

  static final class JsonLogger extends LegacyAbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final int level;

    JsonLogger(String name, int level) {
      this.name = name;
      this.level = level;
    }

    private boolean enabled(Level l) {
      return l.toInt() >= level;
    }

    @Override
    public boolean isTraceEnabled() {
      return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return enabled(Level.ERROR);
    }

    @Override
    protected @Nullable String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level l, @Nullable Marker marker, @Nullable String msg,
        Object @Nullable [] arguments, @Nullable Throwable throwable) {
      write(l, msg, arguments, throwable, null);
    }

    @Override
    public void log(LoggingEvent event) {
      if (enabled(event.getLevel())) {
        Object[] args = event.getArgumentArray();
        write(event.getLevel(), event.getMessage(), args, event.getThrowable(), event.getKeyValuePairs());
      }
    }

    private void write(Level l, @Nullable String msg, Object @Nullable [] args, @Nullable Throwable throwable,
        java.util.@Nullable List<KeyValuePair> pairs) {
      Throwable t = throwable;
      if (t == null) {
        t = MessageFormatter.getThrowableCandidate(args);
      }
      ObjectNode n = MAPPER.createObjectNode();
      n.put("ts", Instant.now().toString());
      n.put("level", l.name());
      n.put("logger", name);
      n.put("thread", Thread.currentThread().getName());
      n.put("msg", MessageFormatter.basicArrayFormat(msg, args));
      if (pairs != null) {
        for (KeyValuePair p : pairs) {
          if (p.key == null || p.key.equals("ts") || p.key.equals("level") || p.key.equals("msg")) {
            continue;
          }
          if (p.value instanceof Double || p.value instanceof Float) {
            n.put(p.key, ((Number) p.value).doubleValue());
          } else if (p.value instanceof Number num) {
            n.put(p.key, num.longValue());
          } else {
            n.put(p.key, String.valueOf(p.value));
          }
        }
      }
      if (t != null) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        n.put("error", sw.toString());
      }
      String line;
      try {
        line = MAPPER.writeValueAsString(n);
      } catch (JsonProcessingException e) {
        line = "{\"level\":\"ERROR\",\"msg\":\"log line not serialisable\"}";
      }
      PrintStream err = System.err;
      synchronized (err) {
        err.println(line);
        err.flush();
      }
    }
  }
}
