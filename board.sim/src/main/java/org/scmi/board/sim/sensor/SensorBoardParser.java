package org.scmi.board.sim.sensor;

import com.google.gson.JsonElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.scmi.api.sensor.SensorAxis;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorUnit;
import org.scmi.api.sensor.ValueRange;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.JsonFields;

/**
 * Reads the {@code "sensors"} array of a simulated board file. Every value that cannot be used is
 * reported with its place in the file, e.g. {@code sensors[2].scale}. Values are physical (45.5
 * degrees, 0.9 volts); the sensor reports them as integers times 10^scale.
 */
final class SensorBoardParser {
    /** The board file's member this parser reads; the others belong to other device kinds. */
    static final String SENSORS = "sensors";
    /** Reads slower than this would miss Linux's 2 s deadline for delayed responses. */
    static final long MAX_READ_DELAY_MS = 1000;
    static final double DEFAULT_PERIOD_SECONDS = 60;
    static final long DEFAULT_INTERVAL_MS = 1000;
    private static final int MIN_EXPONENT = -16;
    private static final int MAX_EXPONENT = 15;

    private static final Set<String> SENSOR_FIELDS = Set.of("name", "key", "unit", "scale", "base", "amplitude",
            "periodSeconds", "noise", "updateIntervalsMs", "tripPoints", "readDelayMs", "timestamped",
            "powerMicrowatts", "min", "max", "resolution", "axes");
    private static final Set<String> AXIS_FIELDS = Set.of("name", "base", "amplitude", "periodSeconds", "noise");

    private SensorBoardParser() {
    }

    static List<SimulatedSensor> parse(JsonFields board) throws BoardFileException {
        List<SimulatedSensor> parsed = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (JsonFields object : board.objects(SENSORS)) {
            SimulatedSensor sensor = sensor(object);
            if (!keys.add(sensor.info().key())) {
                throw object.error("key", "'" + sensor.info().key() + "' is used twice");
            }
            parsed.add(sensor);
        }
        return parsed;
    }

    private static SimulatedSensor sensor(JsonFields object) throws BoardFileException {
        object.onlyFields(SENSOR_FIELDS);
        String name = object.string("name");
        String key = object.string("key", name);
        SensorUnit unit = unit(object);
        int scale = (int) object.integer("scale", MIN_EXPONENT, MAX_EXPONENT, 0);
        List<Duration> intervals = intervals(object);
        int tripPoints = (int) object.integer("tripPoints", 0, SensorInfo.MAX_TRIP_POINTS, 0);
        long delay = object.integer("readDelayMs", 0, MAX_READ_DELAY_MS, 0);
        boolean timestamped = object.bool("timestamped", false);
        int power = (int) object.integer("powerMicrowatts", 0, Integer.MAX_VALUE, 0);
        Optional<ValueRange> range = range(object, scale);

        List<SensorAxis> axes = new ArrayList<>();
        List<Signal> signals = new ArrayList<>();
        if (object.has("axes")) {
            List<JsonFields> axisObjects = object.objects("axes");
            if (axisObjects.isEmpty() || axisObjects.size() > SensorInfo.MAX_AXES) {
                throw object.error("axes", "expected 1.." + SensorInfo.MAX_AXES + " axes, found " + axisObjects.size());
            }
            for (int a = 0; a < axisObjects.size(); a++) {
                JsonFields axis = axisObjects.get(a);
                axis.onlyFields(AXIS_FIELDS);
                String axisName = axis.string("name");
                axes.add(build(axis, "name", () -> new SensorAxis(axisName, unit, scale, range)));
                signals.add(signal(axis, 2 * Math.PI * a / axisObjects.size()));
            }
        } else {
            signals.add(signal(object, 0));
        }
        SensorInfo info = build(object, "name", () -> new SensorInfo(key, name, unit, scale, intervals, tripPoints,
                delay > 0, timestamped, power, axes.isEmpty() ? range : Optional.empty(), axes));
        return new SimulatedSensor(info, signals, Duration.ofMillis(delay));
    }

    private static Signal signal(JsonFields object, double phase) throws BoardFileException {
        double period = decimal(object, "periodSeconds", DEFAULT_PERIOD_SECONDS);
        if (period <= 0) {
            throw object.error("periodSeconds", "expected a positive number, found " + period);
        }
        double noise = decimal(object, "noise", 0);
        if (noise < 0) {
            throw object.error("noise", "expected a number not below 0, found " + noise);
        }
        return new Signal(decimal(object, "base", 0), decimal(object, "amplitude", 0), period, phase, noise);
    }

    private static SensorUnit unit(JsonFields object) throws BoardFileException {
        String unit = object.string("unit");
        try {
            return SensorUnit.valueOf(unit.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw object.error("unit", "'" + unit + "' is not one of " + List.of(SensorUnit.values()));
        }
    }

    private static List<Duration> intervals(JsonFields object) throws BoardFileException {
        if (!object.has("updateIntervalsMs")) {
            return List.of(Duration.ofMillis(DEFAULT_INTERVAL_MS));
        }
        List<Long> millis = object.integers("updateIntervalsMs", 1, Integer.MAX_VALUE);
        for (int i = 1; i < millis.size(); i++) {
            if (millis.get(i) <= millis.get(i - 1)) {
                throw object.error("updateIntervalsMs", "expected ascending intervals, found " + millis);
            }
        }
        if (millis.isEmpty()) {
            throw object.error("updateIntervalsMs", "expected at least one interval");
        }
        return millis.stream().map(Duration::ofMillis).toList();
    }

    private static Optional<ValueRange> range(JsonFields object, int scale) throws BoardFileException {
        if (!object.has("min") && !object.has("max") && !object.has("resolution")) {
            return Optional.empty();
        }
        double unitStep = Math.pow(10, scale);
        long min = object.has("min") ? Math.round(decimal(object, "min", 0) / unitStep) : ValueRange.NOT_REPORTED_MIN;
        long max = object.has("max") ? Math.round(decimal(object, "max", 0) / unitStep) : ValueRange.NOT_REPORTED_MAX;
        long resolution = Math.round(decimal(object, "resolution", 0) / unitStep);
        return Optional.of(build(object, "min", () -> new ValueRange((int) Math.min(resolution, Integer.MAX_VALUE),
                scale, min, max)));
    }

    /** A number with a fraction (JsonFields reads whole numbers only). */
    private static double decimal(JsonFields object, String field, double fallback) throws BoardFileException {
        if (!object.has(field)) {
            return fallback;
        }
        JsonElement value = object.value(field);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw object.error(field, "expected a number, found " + value);
        }
        return value.getAsDouble();
    }

    private interface Builder<T> {
        T build();
    }

    /** Builds an API value, reporting what it rejects against {@code field}. */
    private static <T> T build(JsonFields object, String field, Builder<T> builder) throws BoardFileException {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw object.error(field, e.getMessage());
        }
    }
}
