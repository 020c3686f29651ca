package org.scmi.board.hostsensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scmi.api.sensor.SensorAxis;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorUnit;

/**
 * Finds IIO channels ({@code <root>/bus/iio/devices/iio:device*}): three-axis accelerometers,
 * gyroscopes and magnetometers ({@code in_accel_{x,y,z}_raw}), and scalar temperature, voltage,
 * light, pressure and humidity channels ({@code in_temp_raw}, {@code in_voltage0_input}, ...).
 * A value is {@code (raw + offset) × scale} in the IIO unit, converted to the SCMI unit and scale
 * listed per kind. Three-axis sensors get axes named {@code <kind>_X/_Y/_Z}, which Linux's SCMI
 * IIO bridge needs.
 */
final class IioScanner {
    static final String DEVICES_DIR = "bus/iio/devices";
    static final Duration AXIS_INTERVAL = Duration.ofMillis(100);
    static final Duration SCALAR_INTERVAL = Duration.ofSeconds(1);
    private static final List<String> AXES = List.of("x", "y", "z");
    private static final Pattern SCALAR = Pattern.compile(
            "in_(temp|voltage|illuminance|pressure|humidityrelative)(\\d*)_(raw|input)");

    /**
     * An IIO channel type.
     *
     * @param unit SCMI unit
     * @param scale power of ten of the reported value
     * @param factor multiplier from the IIO unit to unit × 10^scale (IIO gives m/s², millidegrees,
     *     millivolts, lux, kPa, milli-percent)
     */
    private record Kind(String name, SensorUnit unit, int scale, double factor) {
    }

    private static final List<Kind> AXIS_KINDS = List.of(
            new Kind("accel", SensorUnit.METERS_PER_SECOND_SQUARED, -6, 1e6),
            new Kind("anglvel", SensorUnit.RADIANS_PER_SECOND, -6, 1e6),
            new Kind("magn", SensorUnit.GAUSS, -6, 1e6));
    private static final Map<String, Kind> SCALAR_KINDS = Map.of(
            "temp", new Kind("temp", SensorUnit.DEGREES_C, -3, 1),
            "voltage", new Kind("voltage", SensorUnit.VOLTS, -3, 1),
            "illuminance", new Kind("illuminance", SensorUnit.LUX, -3, 1e3),
            "pressure", new Kind("pressure", SensorUnit.PASCALS, 0, 1e3),
            "humidityrelative", new Kind("humidityrelative", SensorUnit.PERCENT, -3, 1));

    private record Device(String name, String path, Path dir) {
    }

    private IioScanner() {
    }

    static List<HostSensor> scan(Path sysfsRoot) throws IOException {
        Path devicesDir = sysfsRoot.resolve(DEVICES_DIR);
        List<Device> devices = new ArrayList<>();
        for (String entry : Sysfs.list(devicesDir)) {
            if (entry.startsWith("iio:device")) {
                Path dir = devicesDir.resolve(entry);
                devices.add(new Device(Sysfs.optionalText(dir.resolve("name")).orElse(entry), realPath(dir), dir));
            }
        }
        devices.sort(Comparator.comparing(Device::name).thenComparing(Device::path));
        Map<String, Integer> seen = new HashMap<>();
        List<HostSensor> sensors = new ArrayList<>();
        for (Device device : devices) {
            int occurrence = seen.merge(device.name(), 1, Integer::sum);
            String deviceId = occurrence == 1 ? device.name() : device.name() + "#" + occurrence;
            List<String> files = Sysfs.list(device.dir());
            for (Kind kind : AXIS_KINDS) {
                axisSensor(device, deviceId, kind, files).ifPresent(sensors::add);
            }
            sensors.addAll(scalarSensors(device, deviceId, files));
        }
        return sensors;
    }

    private static Optional<HostSensor> axisSensor(Device device, String deviceId, Kind kind, List<String> files) {
        List<Path> raws = new ArrayList<>();
        for (String axis : AXES) {
            String raw = "in_" + kind.name() + "_" + axis + "_raw";
            if (!files.contains(raw)) {
                return Optional.empty();
            }
            raws.add(device.dir().resolve(raw));
        }
        List<SensorAxis> axes = AXES.stream()
                .map(axis -> new SensorAxis(kind.name() + "_" + axis.toUpperCase(), kind.unit(), kind.scale()))
                .toList();
        SensorInfo info = new SensorInfo("iio/" + deviceId + "/" + kind.name(),
                Sysfs.name(deviceId.replace('#', '_') + "_" + kind.name()), kind.unit(), kind.scale(),
                List.of(AXIS_INTERVAL), 0, false, false, 0, Optional.empty(), axes);
        return Optional.of(new HostSensor(info, () -> {
            List<Long> values = new ArrayList<>();
            for (int i = 0; i < AXES.size(); i++) {
                String prefix = "in_" + kind.name() + "_" + AXES.get(i);
                String shared = "in_" + kind.name();
                values.add(convert(Sysfs.integer(raws.get(i)), device.dir(), prefix, shared, kind));
            }
            return values;
        }));
    }

    private static List<HostSensor> scalarSensors(Device device, String deviceId, List<String> files) {
        // One sensor per channel; a channel with both _input and _raw is read from _input.
        Map<String, String> channels = new TreeMap<>();
        for (String file : files) {
            Matcher matcher = SCALAR.matcher(file);
            if (matcher.matches()) {
                String channel = matcher.group(1) + matcher.group(2);
                if (!channels.containsKey(channel) || matcher.group(3).equals("input")) {
                    channels.put(channel, file);
                }
            }
        }
        List<HostSensor> sensors = new ArrayList<>();
        for (Map.Entry<String, String> channel : channels.entrySet()) {
            Matcher matcher = SCALAR.matcher(channel.getValue());
            matcher.matches();
            Kind kind = SCALAR_KINDS.get(matcher.group(1));
            Path file = device.dir().resolve(channel.getValue());
            boolean processed = matcher.group(3).equals("input");
            String prefix = "in_" + channel.getKey();
            String shared = "in_" + kind.name();
            SensorInfo info = SensorInfo.scalar("iio/" + deviceId + "/" + channel.getKey(),
                    Sysfs.name(deviceId.replace('#', '_') + "_" + channel.getKey()), kind.unit(), kind.scale(),
                    SCALAR_INTERVAL, 0);
            sensors.add(new HostSensor(info, () -> List.of(processed
                    ? Math.round(Sysfs.decimal(file) * kind.factor())
                    : convert(Sysfs.integer(file), device.dir(), prefix, shared, kind))));
        }
        return sensors;
    }

    /** (raw + offset) × scale in the IIO unit, as the SCMI integer; channel files win over shared ones. */
    private static long convert(long raw, Path dir, String channelPrefix, String sharedPrefix, Kind kind)
            throws IOException {
        double scale = attribute(dir, channelPrefix, sharedPrefix, "_scale", 1);
        double offset = attribute(dir, channelPrefix, sharedPrefix, "_offset", 0);
        return Math.round((raw + offset) * scale * kind.factor());
    }

    private static double attribute(Path dir, String channelPrefix, String sharedPrefix, String suffix,
            double fallback) throws IOException {
        for (String prefix : List.of(channelPrefix, sharedPrefix)) {
            Path file = dir.resolve(prefix + suffix);
            if (Files.isRegularFile(file)) {
                return Sysfs.decimal(file);
            }
        }
        return fallback;
    }

    private static String realPath(Path dir) {
        try {
            return dir.toRealPath().toString();
        } catch (IOException e) {
            return dir.toString();
        }
    }
}
