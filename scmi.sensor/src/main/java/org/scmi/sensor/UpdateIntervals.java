package org.scmi.sensor;

import java.time.Duration;
import java.util.List;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;

/** Picks which of a sensor's update intervals a SENSOR_CONFIG_SET request gets. */
final class UpdateIntervals {

    private UpdateIntervals() {
    }

    /**
     * The supported interval for a requested one: the nearest when the rounding field's bit 10 is
     * set (Linux's IIO bridge asks for that), else the largest not above it (round down) or the
     * smallest not below it (round up). INVALID_PARAMETERS when no supported interval lies that way.
     *
     * @param supported ascending
     */
    static Duration pick(List<Duration> supported, Duration requested, int rounding) throws ScmiException {
        if ((rounding & SensorConfig.ROUND_NEAREST_BIT) != 0) {
            Duration nearest = supported.getFirst();
            for (Duration candidate : supported) {
                if (distance(candidate, requested).compareTo(distance(nearest, requested)) < 0) {
                    nearest = candidate;
                }
            }
            return nearest;
        }
        if (rounding == SensorConfig.ROUND_UP) {
            for (Duration candidate : supported) {
                if (candidate.compareTo(requested) >= 0) {
                    return candidate;
                }
            }
        } else {
            for (Duration candidate : supported.reversed()) {
                if (candidate.compareTo(requested) <= 0) {
                    return candidate;
                }
            }
        }
        throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "no update interval "
                + (rounding == SensorConfig.ROUND_UP ? "at or above " : "at or below ") + requested
                + " among " + supported);
    }

    private static Duration distance(Duration a, Duration b) {
        return a.minus(b).abs();
    }
}
