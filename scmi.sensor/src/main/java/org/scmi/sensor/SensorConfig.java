package org.scmi.sensor;

import java.time.Duration;

/**
 * The sensor_config word of SENSOR_CONFIG_GET and SENSOR_CONFIG_SET: bits 31:16 update interval
 * seconds, 15:11 its exponent, 10:9 rounding (SET only), bit 1 timestamps reported, bit 0 sensor
 * enabled; the other bits are reserved.
 */
final class SensorConfig {
    static final int ENABLED = 1;
    static final int TIMESTAMPS = 1 << 1;
    static final int ROUNDING_SHIFT = 9;
    static final int ROUNDING_MASK = 0x3;
    /** Rounding field: 0 round down, 1 round up; bit 10 set: the platform picks the nearest. */
    static final int ROUND_UP = 1;
    static final int ROUND_NEAREST_BIT = 0x2;
    static final int SET_RESERVED = 0x7F << 2;
    static final int INTERVAL_EXPONENT_SHIFT = 11;
    static final int INTERVAL_SECONDS_SHIFT = 16;

    private SensorConfig() {
    }

    /** The word SENSOR_CONFIG_GET reports. */
    static int encode(boolean enabled, boolean timestamps, Duration interval) {
        IntervalCodec.Scaled scaled = IntervalCodec.scale(interval);
        return scaled.seconds() << INTERVAL_SECONDS_SHIFT
                | (scaled.exponent() & IntervalCodec.EXPONENT_MASK) << INTERVAL_EXPONENT_SHIFT
                | (timestamps ? TIMESTAMPS : 0)
                | (enabled ? ENABLED : 0);
    }

    /** The requested update interval, or null when the word leaves it unchanged (0 seconds). */
    static IntervalCodec.Scaled requestedInterval(int word) {
        int seconds = word >>> INTERVAL_SECONDS_SHIFT;
        if (seconds == 0) {
            return null;
        }
        return new IntervalCodec.Scaled(seconds, IntervalCodec.exponent(word >>> INTERVAL_EXPONENT_SHIFT));
    }

    static int rounding(int word) {
        return (word >>> ROUNDING_SHIFT) & ROUNDING_MASK;
    }
}
