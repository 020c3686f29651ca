package org.scmi.launcher.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shell command (scope {@code scmi}) to show and change log levels live. It edits the logging
 * configuration ({@value #LOGGING_PID}: {@code root} and {@code levels} entries {@code logger=LEVEL}),
 * which the launcher applies to the logging backend as soon as ConfigAdmin delivers it.
 */
@Component(service = LogLevelCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=logLevel"
})
public final class LogLevelCommands {
    /** The logging configuration of {@code org.scmi.launcher.LogLevels}. */
    static final String LOGGING_PID = "org.scmi.logging";
    static final String ROOT = "root";
    static final String LEVELS = "levels";
    private static final List<String> LEVEL_NAMES = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    /** Level word that removes a logger's own level so that it follows its parent again. */
    private static final String INHERIT = "inherit";

    private final ConfigurationAdmin configurationAdmin;

    @Activate
    public LogLevelCommands(@Reference ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    @Descriptor("show the configured log levels and the level each of those loggers logs at")
    public String logLevel() throws IOException {
        return levelTable(configured(logging().getProperties()));
    }

    @Descriptor("show one logger's configured and effective level")
    public String logLevel(@Descriptor("logger (or package) name, or 'root'") String logger) throws IOException {
        Map<String, String> configured = configured(logging().getProperties());
        Map<String, String> one = new LinkedHashMap<>();
        one.put(logger, configured.getOrDefault(logger, "-"));
        return levelTable(one);
    }

    @Descriptor("set a logger's level live (stored in the " + LOGGING_PID + " configuration)")
    public String logLevel(
            @Descriptor("logger (or package) name, e.g. org.scmi.transport, or 'root'") String logger,
            @Descriptor("TRACE, DEBUG, INFO, WARN, ERROR, OFF, or 'inherit' to follow the parent logger again")
            String level) throws IOException {
        String normalized = level.toUpperCase(Locale.ROOT);
        boolean inherit = level.equalsIgnoreCase(INHERIT);
        if (!inherit && !LEVEL_NAMES.contains(normalized)) {
            return "'" + level + "' is not a log level; use one of " + String.join(", ", LEVEL_NAMES) + " or "
                    + INHERIT;
        }
        if (inherit && logger.equals(ROOT)) {
            return "the root logger has no parent; give it a level: " + String.join(", ", LEVEL_NAMES);
        }
        Configuration configuration = logging();
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            properties = new Hashtable<>();
        }
        Map<String, String> levels = configured(properties);
        levels.remove(ROOT);
        if (logger.equals(ROOT)) {
            properties.put(ROOT, normalized);
        } else if (inherit) {
            levels.remove(logger);
        } else {
            levels.put(logger, normalized);
        }
        properties.put(LEVELS, levels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new));
        configuration.update(properties);
        return logger + (inherit ? " follows its parent's level" : " logs at " + normalized)
                + " (" + LOGGING_PID + " updated)";
    }

    private Configuration logging() throws IOException {
        return configurationAdmin.getConfiguration(LOGGING_PID, "?");
    }

    /** root first, then each logger=LEVEL entry, as configured; root INFO when nothing is set. */
    static Map<String, String> configured(Dictionary<String, Object> properties) {
        Map<String, String> levels = new LinkedHashMap<>();
        Object root = properties == null ? null : properties.get(ROOT);
        levels.put(ROOT, root == null ? "INFO" : root.toString().toUpperCase(Locale.ROOT));
        for (String entry : entries(properties == null ? null : properties.get(LEVELS))) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                levels.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim()
                        .toUpperCase(Locale.ROOT));
            }
        }
        return levels;
    }

    private static List<String> entries(Object levels) {
        List<String> entries = new ArrayList<>();
        if (levels instanceof String[] array) {
            entries.addAll(List.of(array));
        } else if (levels instanceof Iterable<?> iterable) {
            iterable.forEach(entry -> entries.add(String.valueOf(entry)));
        } else if (levels != null) {
            entries.add(levels.toString());
        }
        return entries;
    }

    private static String levelTable(Map<String, String> configured) {
        Table table = new Table("LOGGER", "CONFIGURED", "EFFECTIVE");
        configured.forEach((logger, level) -> table.row(logger, level, effective(logger)));
        return table.toString();
    }

    /** The level the logger logs at now, as SLF4J sees it. */
    static String effective(String logger) {
        Logger log = LoggerFactory.getLogger(logger.equals(ROOT) ? Logger.ROOT_LOGGER_NAME : logger);
        if (log.isTraceEnabled()) {
            return "TRACE";
        }
        if (log.isDebugEnabled()) {
            return "DEBUG";
        }
        if (log.isInfoEnabled()) {
            return "INFO";
        }
        if (log.isWarnEnabled()) {
            return "WARN";
        }
        return log.isErrorEnabled() ? "ERROR" : "OFF";
    }
}
