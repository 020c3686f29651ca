package org.scmi.sensor;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.scmi.api.sensor.SensorInfo;

/**
 * What one agent set up for one sensor. Every agent starts from the defaults: enabled (so Linux's
 * hwmon reads without a prior SENSOR_CONFIG_SET), no timestamps, the sensor's longest update
 * interval (Linux's IIO bridge subscribes to continuous updates at probe and only later picks a
 * rate), no notifications, no trip points.
 *
 * @param tripPoints armed trip points by trip point id
 */
record SensorSettings(boolean enabled, boolean timestamps, Duration interval, boolean tripNotify,
        boolean continuousNotify, Map<Integer, TripPoint> tripPoints) {

    SensorSettings {
        tripPoints = Map.copyOf(tripPoints);
    }

    static SensorSettings defaults(SensorInfo info) {
        return new SensorSettings(true, false, info.updateIntervals().getLast(), false, false, Map.of());
    }

    SensorSettings withConfig(boolean newEnabled, boolean newTimestamps, Duration newInterval) {
        return new SensorSettings(newEnabled, newTimestamps, newInterval, tripNotify, continuousNotify, tripPoints);
    }

    SensorSettings withTripNotify(boolean on) {
        return new SensorSettings(enabled, timestamps, interval, on, continuousNotify, tripPoints);
    }

    SensorSettings withContinuousNotify(boolean on) {
        return new SensorSettings(enabled, timestamps, interval, tripNotify, on, tripPoints);
    }

    SensorSettings withTripPoint(int tripId, TripPoint tripPoint) {
        Map<Integer, TripPoint> changed = new TreeMap<>(tripPoints);
        if (tripPoint.mode() == TripPoint.DISABLED) {
            changed.remove(tripId);
        } else {
            changed.put(tripId, tripPoint);
        }
        return new SensorSettings(enabled, timestamps, interval, tripNotify, continuousNotify, changed);
    }

    /** Trip point events are due for this agent. */
    boolean watchesTripPoints() {
        return enabled && tripNotify && !tripPoints.isEmpty();
    }

    /** SENSOR_UPDATE notifications are due for this agent. */
    boolean watchesContinuously() {
        return enabled && continuousNotify;
    }
}
