package org.scmi.launcher;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.FileDescriptor;
import java.io.FileOutputStream;

/** The server's console log: logback writing to file descriptor 1 directly. */
final class ConsoleLog {
    static final String PATTERN = "%d{HH:mm:ss.SSS} [%thread] %-5level %logger -- %msg%n";
    private static final String APPENDER = "console";

    private ConsoleLog() {
    }

    /**
     * Replaces the root logger's appenders with one writing to the process's standard output
     * itself, which no {@code System.setOut} (Gogo's per-command redirection) can take away.
     */
    static synchronized void useProcessStandardOutput(LoggerContext context) {
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(APPENDER) instanceof OutputStreamAppender<ILoggingEvent> existing && existing.isStarted()
                && existing.getOutputStream() instanceof FileOutputStream) {
            return;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        appender.setOutputStream(new FileOutputStream(FileDescriptor.out));
        appender.start();
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }
}
