package org.scmi.sensor;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.scmi.api.sensor.SensorAxis;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorUnit;
import org.scmi.api.sensor.ValueRange;

/** The sensors the tests describe, one of each descriptor shape. */
final class Sensors {
    /** Scalar, no extended attributes: 28-byte descriptor, two trip points. */
    static final SensorInfo TEMP = new SensorInfo("temp", "soc_temp", SensorUnit.DEGREES_C, -3,
            List.of(Duration.ofMillis(100), Duration.ofSeconds(1)), 2, false, false, 0, Optional.empty(), List.of());
    /** Scalar with extended attributes and a long name: 52-byte descriptor, timestamped. */
    static final SensorInfo VOLT = new SensorInfo("volt", "vdd_core_voltage_regulator_output", SensorUnit.VOLTS, -3,
            List.of(Duration.ofSeconds(1)), 0, false, true, 1500, Optional.of(new ValueRange(1, -3, 0, 2000)),
            List.of());
    /** Three axes with power: 32-byte descriptor; the X axis has a range (48-byte axis descriptor). */
    static final SensorInfo ACCEL = new SensorInfo("accel", "accel", SensorUnit.METERS_PER_SECOND_SQUARED, -6,
            List.of(Duration.ofMillis(10), Duration.ofMillis(100)), 0, false, true, 250, Optional.empty(), List.of(
                    new SensorAxis("accel_X", SensorUnit.METERS_PER_SECOND_SQUARED, -6,
                            Optional.of(new ValueRange(10, -6, -20_000_000, 20_000_000))),
                    new SensorAxis("accel_Y", SensorUnit.METERS_PER_SECOND_SQUARED, -6),
                    new SensorAxis("accelerometer_axis_Z", SensorUnit.METERS_PER_SECOND_SQUARED, -6)));
    /** Read asynchronously. */
    static final SensorInfo SLOW = new SensorInfo("slow", "slow_power", SensorUnit.WATTS, -3,
            List.of(Duration.ofSeconds(1)), 1, true, false, 0, Optional.empty(), List.of());

    private Sensors() {
    }

    static FakeDriver board() {
        return new FakeDriver("board", TEMP, VOLT, ACCEL, SLOW);
    }
}
