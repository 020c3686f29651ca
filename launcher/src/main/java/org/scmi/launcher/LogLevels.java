package org.scmi.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels of the whole server, applied live to the logback backend on the framework class path.
 * Starts before the server's other bundles, so it also points the console output at the process's
 * real standard output: the Gogo shell redirects {@code System.out} per command, and log lines a
 * command causes belong in the server's log, not in that command's output.
 */
@Component(configurationPid = CommandLineOptions.LOGGING_PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = LogLevels.Config.class)
public final class LogLevels {
    private static final Logger LOG = LoggerFactory.getLogger(LogLevels.class);

    @ObjectClassDefinition(name = "SCMI server logging", description = "Log levels, changed live.")
    public @interface Config {
        @AttributeDefinition(description = "Level of every logger not named in 'levels': TRACE, DEBUG, INFO, WARN, ERROR or OFF.")
        String root() default "INFO";

        @AttributeDefinition(description = "Levels of single loggers (or packages) as logger=LEVEL, e.g. org.scmi.transport=DEBUG.")
        String[] levels() default {};
    }

    /** Loggers whose level this component set; a logger dropped from 'levels' inherits again. */
    private final Set<String> configured = new HashSet<>();

    @Activate
    public LogLevels(Config config) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            ConsoleLog.useProcessStandardOutput(context);
        }
        apply(config);
    }

    @Modified
    synchronized void apply(Config config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            LOG.warn("log levels cannot be set: the logging backend is not logback");
            return;
        }
        Level root = level(config.root(), "org.scmi.logging/root");
        if (root != null) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(root);
        }
        Set<String> named = new HashSet<>();
        for (String entry : config.levels()) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                LOG.error("org.scmi.logging/levels: '{}' is not logger=LEVEL; ignored", entry);
                continue;
            }
            Level level = level(entry.substring(equals + 1), "org.scmi.logging/levels");
            if (level != null) {
                String logger = entry.substring(0, equals).trim();
                context.getLogger(logger).setLevel(level);
                named.add(logger);
            }
        }
        for (String dropped : configured) {
            if (!named.contains(dropped)) {
                context.getLogger(dropped).setLevel(null);
            }
        }
        configured.clear();
        configured.addAll(named);
    }

    private static Level level(String name, String property) {
        Level level = Level.toLevel(name.trim().toUpperCase(Locale.ROOT), null);
        if (level == null) {
            LOG.error("{}: '{}' is not a log level (TRACE, DEBUG, INFO, WARN, ERROR, OFF); unchanged", property, name);
        }
        return level;
    }
}
