package org.scmi.api.sensor;

import java.util.Objects;
import java.util.Optional;

/**
 * One axis of a multi-axis sensor. Linux's IIO bridge needs three axes whose names end in
 * {@code _X}, {@code _Y} and {@code _Z}.
 *
 * @param name axis name, at most 63 ASCII characters
 * @param unit unit of this axis' values
 * @param scale power of ten of this axis' values, -16..15
 * @param range resolution and range, if known
 */
public record SensorAxis(String name, SensorUnit unit, int scale, Optional<ValueRange> range) {

    public SensorAxis {
        SensorInfo.checkName("axis", name);
        Objects.requireNonNull(unit, "unit");
        SensorInfo.checkExponent("axis scale", scale);
        Objects.requireNonNull(range, "range");
    }

    public SensorAxis(String name, SensorUnit unit, int scale) {
        this(name, unit, scale, Optional.empty());
    }
}
