package org.scmi.api.perf;

/**
 * One performance level of a domain, as PERFORMANCE_DESCRIBE_LEVELS describes it.
 *
 * @param value the performance level agents set and read: a positive number that grows with
 *     performance (Linux runs a domain at {@code value × sustained frequency / sustained level} Hz,
 *     so levels proportional to frequency, such as the frequency in kHz, suit it best)
 * @param powerMicrowatts what the domain draws at this level, in microwatts
 * @param latencyMicros the longest a change to this level takes, 0..65535 µs
 * @param frequencyKhz the indicative frequency of this level, in kHz
 */
public record PerfLevel(int value, int powerMicrowatts, int latencyMicros, int frequencyKhz) {
    /** The transition latency is a 16-bit field. */
    public static final int MAX_LATENCY_MICROS = 0xFFFF;

    public PerfLevel {
        if (value <= 0) {
            throw new IllegalArgumentException("a performance level must be positive: " + value);
        }
        if (powerMicrowatts < 0 || frequencyKhz < 0) {
            throw new IllegalArgumentException("level " + value + ": negative power or frequency");
        }
        if (latencyMicros < 0 || latencyMicros > MAX_LATENCY_MICROS) {
            throw new IllegalArgumentException("level " + value + ": latency must be 0.." + MAX_LATENCY_MICROS + " µs");
        }
    }
}
