package org.scmi.board.hostsensors;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorUnit;

/**
 * Finds hwmon channels ({@code <root>/class/hwmon/hwmon*}/{@code <type><n>_input}) and describes
 * them in hwmon's own units, which are powers of ten of SCMI units (millidegrees, millivolts,
 * microwatts), so readings pass through unchanged.
 *
 * <p>Keys are {@code hwmon/<chip>/<channel>} (a second chip of the same name gets {@code <chip>#2}
 * in device path order), so they do not depend on the hwmonN numbering of a boot.
 */
final class HwmonScanner {
    static final String CLASS_DIR = "class/hwmon";
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    private static final Pattern CHANNEL = Pattern.compile("([a-z]+)(\\d+)_(input|average)");

    /** An hwmon channel type: its unit and the power of ten of its sysfs values. */
    private record Kind(String prefix, SensorUnit unit, int scale) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("temp", SensorUnit.DEGREES_C, -3),
            new Kind("in", SensorUnit.VOLTS, -3),
            new Kind("curr", SensorUnit.AMPERES, -3),
            new Kind("power", SensorUnit.WATTS, -6),
            new Kind("energy", SensorUnit.JOULES, -6),
            new Kind("fan", SensorUnit.RPM, 0),
            new Kind("humidity", SensorUnit.PERCENT, -3));

    private record Chip(String name, String device, Path dir) {
    }

    private record Channel(Kind kind, int number, String file) {
    }

    private HwmonScanner() {
    }

    static List<HostSensor> scan(Path sysfsRoot) throws IOException {
        Path classDir = sysfsRoot.resolve(CLASS_DIR);
        List<Chip> chips = new ArrayList<>();
        for (String entry : Sysfs.list(classDir)) {
            Path dir = classDir.resolve(entry);
            String name = Sysfs.optionalText(dir.resolve("name")).orElse(entry);
            chips.add(new Chip(name, devicePath(dir), dir));
        }
        chips.sort(Comparator.comparing(Chip::name).thenComparing(Chip::device).thenComparing(c -> c.dir().toString()));
        Map<String, Integer> seen = new HashMap<>();
        List<HostSensor> sensors = new ArrayList<>();
        for (Chip chip : chips) {
            int occurrence = seen.merge(chip.name(), 1, Integer::sum);
            String chipId = occurrence == 1 ? chip.name() : chip.name() + "#" + occurrence;
            sensors.addAll(channels(chip, chipId));
        }
        return sensors;
    }

    private static List<HostSensor> channels(Chip chip, String chipId) throws IOException {
        Map<String, Channel> byChannel = new HashMap<>();
        for (String file : Sysfs.list(chip.dir())) {
            Matcher matcher = CHANNEL.matcher(file);
            if (!matcher.matches()) {
                continue;
            }
            Optional<Kind> kind = KINDS.stream().filter(k -> k.prefix().equals(matcher.group(1))).findFirst();
            String channel = matcher.group(1) + matcher.group(2);
            // Prefer <channel>_input over <channel>_average when a chip has both.
            if (kind.isPresent() && (!byChannel.containsKey(channel) || matcher.group(3).equals("input"))) {
                byChannel.put(channel, new Channel(kind.get(), Integer.parseInt(matcher.group(2)), file));
            }
        }
        List<Channel> channels = new ArrayList<>(byChannel.values());
        channels.sort(Comparator.comparing((Channel c) -> KINDS.indexOf(c.kind())).thenComparing(Channel::number));
        Duration interval = Sysfs.optionalText(chip.dir().resolve("update_interval"))
                .flatMap(HwmonScanner::millis).orElse(DEFAULT_INTERVAL);
        List<HostSensor> sensors = new ArrayList<>();
        for (Channel channel : channels) {
            String channelName = channel.kind().prefix() + channel.number();
            String label = Sysfs.optionalText(chip.dir().resolve(channelName + "_label")).orElse(channelName);
            String name = Sysfs.name(chipId.replace('#', '_') + "_" + label);
            SensorInfo info = SensorInfo.scalar("hwmon/" + chipId + "/" + channelName, name, channel.kind().unit(),
                    channel.kind().scale(), interval, 0);
            Path input = chip.dir().resolve(channel.file());
            sensors.add(new HostSensor(info, () -> List.of(Sysfs.integer(input))));
        }
        return sensors;
    }

    private static String devicePath(Path hwmonDir) {
        try {
            return hwmonDir.toRealPath().getParent().toString();
        } catch (IOException e) {
            return hwmonDir.toString();
        }
    }

    private static Optional<Duration> millis(String text) {
        try {
            long millis = Long.parseLong(text);
            return millis > 0 ? Optional.of(Duration.ofMillis(millis)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
