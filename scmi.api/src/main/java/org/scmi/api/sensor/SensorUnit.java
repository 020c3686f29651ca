package org.scmi.api.sensor;

import java.util.Arrays;
import java.util.Optional;

/**
 * Sensor type and unit codes (attributes_high bits 7:0), the subset boards commonly need. The Linux
 * hwmon bridge shows only degrees Celsius, volts, amperes, watts and joules; its IIO bridge only
 * three-axis m/s² and rad/s sensors.
 */
public enum SensorUnit {
    NONE(0x00),
    UNSPECIFIED(0x01),
    DEGREES_C(0x02),
    DEGREES_F(0x03),
    KELVIN(0x04),
    VOLTS(0x05),
    AMPERES(0x06),
    WATTS(0x07),
    JOULES(0x08),
    COULOMBS(0x09),
    LUX(0x0D),
    RPM(0x13),
    HERTZ(0x14),
    SECONDS(0x15),
    METERS(0x1F),
    RADIANS(0x24),
    GAUSS(0x2D),
    PERCENT(0x41),
    PASCALS(0x42),
    RADIANS_PER_SECOND(0x57),
    METERS_PER_SECOND_SQUARED(0x59),
    METERS_PER_SECOND(0x5A),
    OEM(0xFF);

    private final int code;

    SensorUnit(int code) {
        this.code = code;
    }

    /** The 8-bit code sent on the wire. */
    public int code() {
        return code;
    }

    /** The unit for a wire code, if it is one of these. */
    public static Optional<SensorUnit> of(int code) {
        return Arrays.stream(values()).filter(u -> u.code == code).findFirst();
    }
}
