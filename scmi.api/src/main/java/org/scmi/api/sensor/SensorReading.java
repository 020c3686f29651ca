package org.scmi.api.sensor;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One sample of a sensor: a value per axis (one value for a scalar sensor), in the sensor's unit
 * and scale, and when it was taken.
 */
public record SensorReading(List<Long> values, Instant timestamp) {

    public SensorReading {
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a reading has at least one value");
        }
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /** A scalar reading taken now. */
    public static SensorReading of(long value) {
        return new SensorReading(List.of(value), Instant.now());
    }

    /** The value of a scalar sensor, or of the first axis. */
    public long value() {
        return values.getFirst();
    }
}
