package org.scmi.board.sim.sensor;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.Reader;
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

/**
 * Reads the {@code "sensors"} array of a simulated board file. Every value that cannot be used is
 * reported with its place in the file, e.g. {@code sensors[2] (vdd_core).scale}. Values are
 * physical (45.5 degrees, 0.9 volts); the sensor reports them as integers times 10^scale.
 */
final class SensorBoardParser {
    /** The board file's member this parser reads; the others belong to other device kinds. */
    static final String SENSORS = "sensors";
    /** Reads slower than this would miss Linux's 2 s deadline for delayed responses. */
    static final long MAX_READ_DELAY_MS = 1000;
    static final double DEFAULT_PERIOD_SECONDS = 60;
    static final long DEFAULT_INTERVAL_MS = 1000;

    private static final Set<String> SENSOR_FIELDS = Set.of("name", "key", "unit", "scale", "base", "amplitude",
            "periodSeconds", "noise", "updateIntervalsMs", "tripPoints", "readDelayMs", "timestamped",
            "powerMicrowatts", "min", "max", "resolution", "axes");
    private static final Set<String> AXIS_FIELDS = Set.of("name", "base", "amplitude", "periodSeconds", "noise");

    private SensorBoardParser() {
    }

    static List<SimulatedSensor> parse(Reader json, String source) throws BoardConfigException {
        JsonElement root;
        try {
            root = JsonParser.parseReader(json);
        } catch (JsonParseException e) {
            throw new BoardConfigException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new BoardConfigException(source + ": the board must be a JSON object");
        }
        JsonElement sensors = root.getAsJsonObject().get(SENSORS);
        if (sensors == null || sensors.isJsonNull()) {
            return List.of();
        }
        if (!sensors.isJsonArray()) {
            throw new BoardConfigException(source + ": " + SENSORS + " must be an array");
        }
        List<SimulatedSensor> parsed = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        JsonArray array = sensors.getAsJsonArray();
        for (int i = 0; i < array.size(); i++) {
            String place = source + ": " + SENSORS + "[" + i + "]";
            SimulatedSensor sensor = sensor(array.get(i), place);
            if (!keys.add(sensor.info().key())) {
                throw new BoardConfigException(place + ".key: '" + sensor.info().key() + "' is used twice");
            }
            parsed.add(sensor);
        }
        return parsed;
    }

    private static SimulatedSensor sensor(JsonElement element, String place) throws BoardConfigException {
        JsonObject object = object(element, place);
        String name = string(object, "name", place, null);
        String at = place + " (" + name + ")";
        checkFields(object, SENSOR_FIELDS, at);
        String key = string(object, "key", at, name);
        SensorUnit unit = unit(object, at);
        int scale = (int) integer(object, "scale", at, 0);
        List<Duration> intervals = intervals(object, at);
        int tripPoints = (int) integer(object, "tripPoints", at, 0);
        long delay = integer(object, "readDelayMs", at, 0);
        if (delay < 0 || delay > MAX_READ_DELAY_MS) {
            throw new BoardConfigException(at + ".readDelayMs: must be 0.." + MAX_READ_DELAY_MS + ", is " + delay);
        }
        boolean timestamped = bool(object, "timestamped", at);
        int power = (int) integer(object, "powerMicrowatts", at, 0);
        Optional<ValueRange> range = range(object, scale, at);

        List<SensorAxis> axes = new ArrayList<>();
        List<Signal> signals = new ArrayList<>();
        JsonElement axesElement = object.get("axes");
        if (axesElement != null) {
            if (!axesElement.isJsonArray() || axesElement.getAsJsonArray().isEmpty()) {
                throw new BoardConfigException(at + ".axes: must be a non-empty array");
            }
            JsonArray axisArray = axesElement.getAsJsonArray();
            for (int a = 0; a < axisArray.size(); a++) {
                String axisPlace = at + ".axes[" + a + "]";
                JsonObject axis = object(axisArray.get(a), axisPlace);
                String axisName = string(axis, "name", axisPlace, null);
                checkFields(axis, AXIS_FIELDS, axisPlace + " (" + axisName + ")");
                axes.add(build(axisPlace, () -> new SensorAxis(axisName, unit, scale, range)));
                signals.add(signal(axis, axisPlace, 2 * Math.PI * a / axisArray.size()));
            }
        } else {
            signals.add(signal(object, at, 0));
        }
        SensorInfo info = build(at, () -> new SensorInfo(key, name, unit, scale, intervals, tripPoints, delay > 0,
                timestamped, power, axes.isEmpty() ? range : Optional.empty(), axes));
        return new SimulatedSensor(info, signals, Duration.ofMillis(delay));
    }

    private static Signal signal(JsonObject object, String place, double phase) throws BoardConfigException {
        double period = number(object, "periodSeconds", place, DEFAULT_PERIOD_SECONDS);
        if (period <= 0) {
            throw new BoardConfigException(place + ".periodSeconds: must be positive, is " + period);
        }
        double noise = number(object, "noise", place, 0);
        if (noise < 0) {
            throw new BoardConfigException(place + ".noise: must not be negative, is " + noise);
        }
        return new Signal(number(object, "base", place, 0), number(object, "amplitude", place, 0), period, phase,
                noise);
    }

    private static SensorUnit unit(JsonObject object, String place) throws BoardConfigException {
        String unit = string(object, "unit", place, null);
        try {
            return SensorUnit.valueOf(unit.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BoardConfigException(place + ".unit: '" + unit + "' is not one of "
                    + List.of(SensorUnit.values()));
        }
    }

    private static List<Duration> intervals(JsonObject object, String place) throws BoardConfigException {
        JsonElement element = object.get("updateIntervalsMs");
        if (element == null) {
            return List.of(Duration.ofMillis(DEFAULT_INTERVAL_MS));
        }
        if (!element.isJsonArray() || element.getAsJsonArray().isEmpty()) {
            throw new BoardConfigException(place + ".updateIntervalsMs: must be a non-empty array of milliseconds");
        }
        List<Duration> intervals = new ArrayList<>();
        JsonArray array = element.getAsJsonArray();
        for (int i = 0; i < array.size(); i++) {
            String at = place + ".updateIntervalsMs[" + i + "]";
            long millis = longValue(array.get(i), at);
            if (millis <= 0 || (!intervals.isEmpty() && millis <= intervals.getLast().toMillis())) {
                throw new BoardConfigException(at + ": intervals must be positive and ascending, got " + millis);
            }
            intervals.add(Duration.ofMillis(millis));
        }
        return intervals;
    }

    private static Optional<ValueRange> range(JsonObject object, int scale, String place)
            throws BoardConfigException {
        boolean any = object.has("min") || object.has("max") || object.has("resolution");
        if (!any) {
            return Optional.empty();
        }
        double unitStep = Math.pow(10, scale);
        long min = object.has("min") ? Math.round(number(object, "min", place, 0) / unitStep)
                : ValueRange.NOT_REPORTED_MIN;
        long max = object.has("max") ? Math.round(number(object, "max", place, 0) / unitStep)
                : ValueRange.NOT_REPORTED_MAX;
        long resolution = Math.round(number(object, "resolution", place, 0) / unitStep);
        return Optional.of(build(place + ".min/max/resolution", () -> new ValueRange((int) Math.min(resolution,
                Integer.MAX_VALUE), scale, min, max)));
    }

    private interface Builder<T> {
        T build();
    }

    /** Builds an API value, reporting what it rejects at {@code place}. */
    private static <T> T build(String place, Builder<T> builder) throws BoardConfigException {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new BoardConfigException(place + ": " + e.getMessage(), e);
        }
    }

    private static void checkFields(JsonObject object, Set<String> known, String place) throws BoardConfigException {
        for (String field : object.keySet()) {
            if (!known.contains(field)) {
                throw new BoardConfigException(place + "." + field + ": unknown field; known fields are "
                        + known.stream().sorted().toList());
            }
        }
    }

    private static JsonObject object(JsonElement element, String place) throws BoardConfigException {
        if (element == null || !element.isJsonObject()) {
            throw new BoardConfigException(place + ": must be an object");
        }
        return element.getAsJsonObject();
    }

    private static String string(JsonObject object, String field, String place, String fallback)
            throws BoardConfigException {
        JsonElement element = object.get(field);
        if (element == null) {
            if (fallback == null) {
                throw new BoardConfigException(place + "." + field + ": missing");
            }
            return fallback;
        }
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
            throw new BoardConfigException(place + "." + field + ": must be a string");
        }
        return element.getAsString();
    }

    private static double number(JsonObject object, String field, String place, double fallback)
            throws BoardConfigException {
        JsonElement element = object.get(field);
        if (element == null) {
            return fallback;
        }
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isNumber()) {
            throw new BoardConfigException(place + "." + field + ": must be a number, is " + element);
        }
        return element.getAsDouble();
    }

    private static long integer(JsonObject object, String field, String place, long fallback)
            throws BoardConfigException {
        JsonElement element = object.get(field);
        return element == null ? fallback : longValue(element, place + "." + field);
    }

    private static long longValue(JsonElement element, String place) throws BoardConfigException {
        if (element.isJsonPrimitive() && element.getAsJsonPrimitive().isNumber()) {
            JsonPrimitive primitive = element.getAsJsonPrimitive();
            double value = primitive.getAsDouble();
            if (value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE) {
                return (long) value;
            }
        }
        throw new BoardConfigException(place + ": must be a whole number, is " + element);
    }

    private static boolean bool(JsonObject object, String field, String place) throws BoardConfigException {
        JsonElement element = object.get(field);
        if (element == null) {
            return false;
        }
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isBoolean()) {
            throw new BoardConfigException(place + "." + field + ": must be true or false, is " + element);
        }
        return element.getAsBoolean();
    }
}
