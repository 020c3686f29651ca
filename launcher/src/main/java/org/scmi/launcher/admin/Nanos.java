package org.scmi.launcher.admin;

import java.util.Locale;

/** Durations as the shell shows them: three significant digits in ns, us, ms or s. */
final class Nanos {
    private static final long MICROSECOND = 1_000;
    private static final long MILLISECOND = 1_000_000;
    private static final long SECOND = 1_000_000_000;

    private Nanos() {
    }

    static String format(long nanos) {
        if (nanos < MICROSECOND) {
            return nanos + " ns";
        }
        if (nanos < MILLISECOND) {
            return scaled(nanos, MICROSECOND, "us");
        }
        if (nanos < SECOND) {
            return scaled(nanos, MILLISECOND, "ms");
        }
        return scaled(nanos, SECOND, "s");
    }

    private static String scaled(long nanos, long unit, String name) {
        double value = (double) nanos / unit;
        String pattern = value < 10 ? "%.2f %s" : value < 100 ? "%.1f %s" : "%.0f %s";
        return String.format(Locale.ROOT, pattern, value, name);
    }
}
