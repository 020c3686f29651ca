package org.scmi.launcher.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The benchmark's figures as {@code key=value} lines that scripts read ({@code ./bench --summary}),
 * one figure per line, in the order they were added. Each measurement adds its own keys through
 * {@link Source}; a key names the measurement first and the unit last
 * ({@code start.first_answer_ms}, {@code rss.idle_mib}, {@code cold.first200.p50_ratio}). A key
 * can be added once: two measurements claiming one key is a mistake in the benchmark.
 */
final class Summary {
    /** Dot-separated lower-case words, digits and underscores. */
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*");

    /** A measurement that contributes keys to the summary. */
    interface Source {
        void addTo(Summary summary);
    }

    private final Map<String, String> values = new LinkedHashMap<>();

    /** Adds a figure, printed with up to three decimals (NaN when it could not be measured). */
    Summary put(String key, double value) {
        return add(key, Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value)
                .replaceFirst("\\.?0+$", "") : "nan");
    }

    /** Adds a count. */
    Summary put(String key, long value) {
        return add(key, Long.toString(value));
    }

    private Summary add(String key, String value) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("summary key '" + key + "' is not dotted lower-case words");
        }
        if (values.putIfAbsent(key, value) != null) {
            throw new IllegalStateException("summary key '" + key + "' added twice");
        }
        return this;
    }

    void print(PrintStream out) {
        values.forEach((key, value) -> out.println(key + "=" + value));
    }
}
