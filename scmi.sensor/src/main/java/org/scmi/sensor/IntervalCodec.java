package org.scmi.sensor;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Update intervals on the wire: a 16-bit count of seconds times a 5-bit two's-complement power of
 * ten, as SENSOR_LIST_UPDATE_INTERVALS (bits 20:5 and 4:0 of an interval word) and the sensor
 * configuration word carry them.
 */
final class IntervalCodec {
    static final int MAX_SECONDS = 0xFFFF;
    static final int EXPONENT_MASK = 0x1F;
    /** Interval word: bits 20:5 seconds, 4:0 exponent. */
    static final int INTERVAL_SECONDS_SHIFT = 5;

    private static final int NANO_EXPONENT = -9;
    private static final int MAX_EXPONENT = 15;

    /** Seconds past which a Duration cannot count: the wire reaches 65535 × 10^15. */
    private static final BigDecimal LONGEST_SECONDS = BigDecimal.valueOf(Long.MAX_VALUE);

    /** An interval as a count and a power of ten. */
    record Scaled(int seconds, int exponent) {
        /** The interval; one longer than a Duration holds is the longest Duration, longer than any sensor's. */
        Duration toDuration() {
            BigDecimal value = BigDecimal.valueOf(seconds).scaleByPowerOfTen(exponent);
            if (value.compareTo(LONGEST_SECONDS) >= 0) {
                return Duration.ofSeconds(Long.MAX_VALUE);
            }
            BigDecimal whole = new BigDecimal(value.toBigInteger());
            return Duration.ofSeconds(whole.longValueExact(),
                    value.subtract(whole).scaleByPowerOfTen(9).longValue());
        }
    }

    private IntervalCodec() {
    }

    /**
     * The shortest exact form of an interval (100 ms is 1 × 10^-1), or the closest one whose count
     * fits 16 bits.
     */
    static Scaled scale(Duration interval) {
        long count = interval.toNanos();
        int exponent = NANO_EXPONENT;
        while (count != 0 && count % 10 == 0 && exponent < MAX_EXPONENT) {
            count /= 10;
            exponent++;
        }
        while (count > MAX_SECONDS) {
            count = (count + 5) / 10;
            exponent++;
        }
        return new Scaled((int) count, exponent);
    }

    /** The SENSOR_LIST_UPDATE_INTERVALS word for an interval. */
    static int intervalWord(Duration interval) {
        Scaled scaled = scale(interval);
        return scaled.seconds() << INTERVAL_SECONDS_SHIFT | scaled.exponent() & EXPONENT_MASK;
    }

    /** Sign-extends a 5-bit two's-complement exponent. */
    static int exponent(int field) {
        return (field & EXPONENT_MASK) << 27 >> 27;
    }
}
