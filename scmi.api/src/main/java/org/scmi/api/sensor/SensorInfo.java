package org.scmi.api.sensor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a driver says about one sensor.
 *
 * @param key stable key of the sensor within its driver
 * @param name sensor name as agents see it, 1..63 ASCII characters (Linux shows it as the hwmon
 *     label or IIO device name)
 * @param unit unit of a scalar sensor's value; of a multi-axis sensor, the unit its axes share
 * @param scale power of ten the values are multiplied by, -16..15 (-3 with unit VOLTS: millivolts)
 * @param updateIntervals the intervals the sensor can sample at, shortest first; the last (longest)
 *     is the interval agents start with
 * @param tripPoints how many trip points agents may configure, 0..255
 * @param slowRead reads take long enough that agents should read asynchronously; the protocol then
 *     offers asynchronous reads to agents that can receive delayed responses
 * @param timestamped readings carry meaningful timestamps
 * @param powerMicrowatts power the sensor draws in µW, 0 if unknown
 * @param range resolution and range of a scalar sensor, if known (empty for multi-axis sensors)
 * @param axes the axes of a multi-axis sensor, at most 63; empty for a scalar sensor
 */
public record SensorInfo(String key, String name, SensorUnit unit, int scale, List<Duration> updateIntervals,
        int tripPoints, boolean slowRead, boolean timestamped, int powerMicrowatts, Optional<ValueRange> range,
        List<SensorAxis> axes) {

    /** Longest name an agent can read (64-byte field with its NUL). */
    public static final int MAX_NAME_LENGTH = 63;
    /** Most axes a sensor can have. */
    public static final int MAX_AXES = 63;
    /** Most trip points a sensor can have. */
    public static final int MAX_TRIP_POINTS = 255;
    private static final int MIN_EXPONENT = -16;
    private static final int MAX_EXPONENT = 15;

    public SensorInfo {
        Objects.requireNonNull(key, "key");
        checkName("sensor", name);
        Objects.requireNonNull(unit, "unit");
        checkExponent("scale", scale);
        updateIntervals = List.copyOf(updateIntervals);
        if (updateIntervals.isEmpty()) {
            throw new IllegalArgumentException("sensor " + name + " needs at least one update interval");
        }
        for (int i = 0; i < updateIntervals.size(); i++) {
            Duration interval = updateIntervals.get(i);
            if (interval.isNegative() || interval.isZero()
                    || (i > 0 && interval.compareTo(updateIntervals.get(i - 1)) <= 0)) {
                throw new IllegalArgumentException("update intervals of " + name
                        + " must be positive and ascending: " + updateIntervals);
            }
        }
        if (tripPoints < 0 || tripPoints > MAX_TRIP_POINTS) {
            throw new IllegalArgumentException("trip points of " + name + " must be 0.." + MAX_TRIP_POINTS);
        }
        if (powerMicrowatts < 0) {
            throw new IllegalArgumentException("power of " + name + " must not be negative");
        }
        Objects.requireNonNull(range, "range");
        axes = List.copyOf(axes);
        if (axes.size() > MAX_AXES) {
            throw new IllegalArgumentException(name + " has more than " + MAX_AXES + " axes");
        }
        if (!axes.isEmpty() && range.isPresent()) {
            throw new IllegalArgumentException(name + ": a multi-axis sensor gives ranges per axis");
        }
    }

    /** A scalar sensor with no extended attributes, read synchronously, without timestamps. */
    public static SensorInfo scalar(String key, String name, SensorUnit unit, int scale, Duration updateInterval,
            int tripPoints) {
        return new SensorInfo(key, name, unit, scale, List.of(updateInterval), tripPoints, false, false, 0,
                Optional.empty(), List.of());
    }

    /** Number of values in one reading: one per axis, one for a scalar sensor. */
    public int valueCount() {
        return Math.max(1, axes.size());
    }

    static void checkName(String what, String name) {
        Objects.requireNonNull(name, what + " name");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
            throw new IllegalArgumentException(what + " name must be 1.." + MAX_NAME_LENGTH
                    + " ASCII characters: '" + name + "'");
        }
    }

    static void checkExponent(String what, int exponent) {
        if (exponent < MIN_EXPONENT || exponent > MAX_EXPONENT) {
            throw new IllegalArgumentException(what + " must be " + MIN_EXPONENT + ".." + MAX_EXPONENT
                    + ": " + exponent);
        }
    }
}
