package org.scmi.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How long this process has run, read from two clocks the kernel counts from boot: the process's
 * start ({@code /proc/self/stat}, field 22) and the time since boot ({@code /proc/uptime}).
 * {@code ProcessHandle}'s start instant adds the boot time to the first, and Linux gives the boot
 * time in whole seconds, so a duration measured from that instant can be up to a second off.
 */
final class ProcessAge {
    /** The unit of /proc's clock-tick fields: fixed at 100 per second by the kernel's user ABI. */
    private static final int USER_HZ = 100;
    private static final int START_TIME_FIELD = 22;
    /** /proc/self/stat's fields after the command name, which is in parentheses and may hold spaces, start at field 3. */
    private static final int FIRST_FIELD_AFTER_NAME = 3;

    private ProcessAge() {
    }

    static Optional<Duration> ofThisProcess() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[START_TIME_FIELD - FIRST_FIELD_AFTER_NAME]);
            String uptime = Files.readString(Path.of("/proc/uptime"));
            long uptimeMillis = Math.round(Double.parseDouble(uptime.substring(0, uptime.indexOf(' '))) * 1000);
            return Optional.of(Duration.ofMillis(uptimeMillis - startTicks * 1000 / USER_HZ));
        } catch (IOException | RuntimeException notLinux) {
            return Optional.empty();
        }
    }
}
