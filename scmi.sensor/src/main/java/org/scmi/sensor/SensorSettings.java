package org.scmi.sensor;

import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.scmi.api.sensor.SensorInfo;

/**
 * What one agent set up for one sensor. Every agent starts from the defaults: enabled (so Linux's
 * hwmon reads without a prior SENSOR_CONFIG_SET), no timestamps, the sensor's longest update
 * interval (Linux's IIO bridge subscribes to continuous updates at probe and only later picks a
 * rate), no notifications, no trip points.
 *
 * <p>Kept in the platform's state store as one line of text ({@link #stored()}), e.g.
 * {@code enabled=1;timestamps=0;interval=PT0.1S;trip=1;continuous=0;trips=0:1:50000,1:3:-5}, each
 * trip point as {@code id:mode:threshold}.
 *
 * @param tripPoints armed trip points by trip point id
 */
record SensorSettings(boolean enabled, boolean timestamps, Duration interval, boolean tripNotify,
        boolean continuousNotify, Map<Integer, TripPoint> tripPoints) {
    /** Field names and separators of the stored line. */
    private static final String ENABLED = "enabled";
    private static final String TIMESTAMPS = "timestamps";
    private static final String INTERVAL = "interval";
    private static final String TRIP_NOTIFY = "trip";
    private static final String CONTINUOUS_NOTIFY = "continuous";
    private static final String TRIPS = "trips";
    private static final String SEPARATOR = ";";
    private static final String ASSIGN = "=";
    private static final String TRIP_SEPARATOR = ",";
    private static final String TRIP_FIELD = ":";
    private static final String ON = "1";
    private static final String OFF = "0";

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

    /** This agent's settings as the line the state store keeps. */
    String stored() {
        StringJoiner trips = new StringJoiner(TRIP_SEPARATOR);
        tripPoints.forEach((id, trip) -> trips.add(id + TRIP_FIELD + trip.mode() + TRIP_FIELD + trip.threshold()));
        return ENABLED + ASSIGN + flag(enabled) + SEPARATOR + TIMESTAMPS + ASSIGN + flag(timestamps) + SEPARATOR
                + INTERVAL + ASSIGN + interval + SEPARATOR + TRIP_NOTIFY + ASSIGN + flag(tripNotify) + SEPARATOR
                + CONTINUOUS_NOTIFY + ASSIGN + flag(continuousNotify) + SEPARATOR + TRIPS + ASSIGN + trips;
    }

    /**
     * Settings from a line {@link #stored()} wrote.
     *
     * @throws IllegalArgumentException if the line is not one
     */
    static SensorSettings fromStored(String line) {
        Map<String, String> fields = new TreeMap<>();
        for (String field : line.split(SEPARATOR)) {
            int at = field.indexOf(ASSIGN);
            if (at < 0) {
                throw new IllegalArgumentException("not a sensor settings field: " + field);
            }
            fields.put(field.substring(0, at), field.substring(at + 1));
        }
        Map<Integer, TripPoint> trips = new TreeMap<>();
        String tripList = field(fields, TRIPS);
        if (!tripList.isEmpty()) {
            for (String trip : tripList.split(TRIP_SEPARATOR)) {
                String[] parts = trip.split(TRIP_FIELD);
                if (parts.length != 3) {
                    throw new IllegalArgumentException("not a trip point: " + trip);
                }
                trips.put(Integer.parseInt(parts[0]), new TripPoint(Integer.parseInt(parts[1]),
                        Long.parseLong(parts[2])));
            }
        }
        return new SensorSettings(flag(fields, ENABLED), flag(fields, TIMESTAMPS),
                Duration.parse(field(fields, INTERVAL)), flag(fields, TRIP_NOTIFY), flag(fields, CONTINUOUS_NOTIFY),
                trips);
    }

    private static String flag(boolean on) {
        return on ? ON : OFF;
    }

    private static boolean flag(Map<String, String> fields, String name) {
        return ON.equals(field(fields, name));
    }

    private static String field(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("sensor settings without " + name);
        }
        return value;
    }
}
