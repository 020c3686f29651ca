package org.scmi.board.sim.pinctrl;

import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.scmi.api.pinctrl.Pin;
import org.scmi.api.pinctrl.PinConfigRange;
import org.scmi.api.pinctrl.PinConfigTypes;
import org.scmi.api.pinctrl.PinController;
import org.scmi.api.pinctrl.PinFunction;
import org.scmi.api.pinctrl.PinGroup;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.JsonFields;

/**
 * Reads the pin controller of the board file: the {@code "pins"}, {@code "pinGroups"} and
 * {@code "pinFunctions"} arrays.
 *
 * <pre>
 * "pins": [
 *   { "name": "GPIO_5",               required, unique; what agents see (Linux DT "pins" names)
 *     "key": "gpio5",                 optional, default the name; stable id of the pin in the driver
 *     "configs": {                    optional, default a general-purpose pad (see below); each config
 *       "bias-pull-up": 1,            type the pin has (PinConfigTypes names, "oem-200"), with its value
 *       "drive-strength": { "value": 4, "min": 2, "max": 16 }   at start: a number (a switch, 0..1,
 *     },                              or its own range if larger) or value, min and max
 *     "level": 1 }                    optional, default 0; the level outside the pin (input-value while
 *                                     the output is off)
 * ],
 * "pinGroups": [ { "name": "uart0_grp", "key": "uart0", "pins": ["gpio0", "gpio1"] } ],
 * "pinFunctions": [ { "name": "uart0", "key": "uart0", "groups": ["uart0"],
 *                     "selected": "uart0" } ]     optional: the group it is selected on at start
 * </pre>
 *
 * The default pad has bias-disable, bias-pull-up, bias-pull-down, drive-open-drain,
 * drive-push-pull (on), drive-strength (2..16 mA, 4), input-debounce (0..100000 µs), input-mode (on),
 * input-value, input-schmitt, output-mode, output-value and slew-rate (0..3).
 */
final class PinBoardParser {
    static final String PINS = "pins";
    static final String GROUPS = "pinGroups";
    static final String FUNCTIONS = "pinFunctions";
    private static final Set<String> PIN_FIELDS = Set.of("name", "key", "configs", "level");
    private static final Set<String> GROUP_FIELDS = Set.of("name", "key", "pins");
    private static final Set<String> FUNCTION_FIELDS = Set.of("name", "key", "groups", "selected");
    private static final Set<String> RANGE_FIELDS = Set.of("value", "min", "max");
    private static final long MAX_DEBOUNCE_US = 100_000;
    private static final long MAX_DRIVE_MA = 16;
    private static final long DEFAULT_DRIVE_MA = 4;
    private static final long MAX_SLEW = 3;

    /** The board's controller and the values its pins start with. */
    record Board(PinController controller, Map<String, Map<Integer, Long>> configs, Map<String, Integer> levels,
            Map<String, String> selections) {
    }

    private PinBoardParser() {
    }

    static Board parse(JsonFields board) throws BoardFileException {
        List<Pin> pins = new ArrayList<>();
        Map<String, Map<Integer, Long>> configs = new LinkedHashMap<>();
        Map<String, Integer> levels = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (JsonFields entry : board.objects(PINS)) {
            entry.onlyFields(PIN_FIELDS);
            String key = unique(entry, names, pins.stream().map(Pin::key).toList());
            Map<Integer, PinConfigRange> ranges = new TreeMap<>();
            Map<Integer, Long> values = new TreeMap<>();
            if (entry.has("configs")) {
                configs(entry.object("configs"), ranges, values);
            } else {
                defaultPad(ranges, values);
            }
            pins.add(new Pin(key, entry.string("name"), ranges));
            configs.put(key, values);
            levels.put(key, (int) entry.integer("level", 0, 1, 0));
        }
        Set<String> pinKeys = Set.copyOf(configs.keySet());
        List<PinGroup> groups = new ArrayList<>();
        names.clear();
        for (JsonFields entry : board.objects(GROUPS)) {
            entry.onlyFields(GROUP_FIELDS);
            String key = unique(entry, names, groups.stream().map(PinGroup::key).toList());
            groups.add(new PinGroup(key, entry.string("name"), references(entry, "pins", pinKeys, "pin")));
        }
        Set<String> groupKeys = Set.copyOf(groups.stream().map(PinGroup::key).toList());
        List<PinFunction> functions = new ArrayList<>();
        Map<String, String> selections = new LinkedHashMap<>();
        names.clear();
        for (JsonFields entry : board.objects(FUNCTIONS)) {
            entry.onlyFields(FUNCTION_FIELDS);
            String key = unique(entry, names, functions.stream().map(PinFunction::key).toList());
            PinFunction function = new PinFunction(key, entry.string("name"),
                    references(entry, "groups", groupKeys, "group"));
            if (entry.has("selected")) {
                String group = entry.string("selected");
                if (!function.groups().contains(group)) {
                    throw entry.error("selected", "\"" + group + "\" is not one of the function's groups");
                }
                if (selections.putIfAbsent(group, key) != null) {
                    throw entry.error("selected", "group \"" + group + "\" is selected for another function too");
                }
            }
            functions.add(function);
        }
        try {
            return new Board(new PinController(pins, groups, functions), configs, levels, selections);
        } catch (IllegalArgumentException e) {
            throw board.error(PINS, e.getMessage());
        }
    }

    /** The entry's key, after checking that its name and key are new. */
    private static String unique(JsonFields entry, Set<String> names, List<String> keys) throws BoardFileException {
        String name = entry.string("name");
        if (!names.add(name)) {
            throw entry.error("name", "\"" + name + "\" is used twice; Linux finds pins, groups and functions by name");
        }
        String key = entry.string("key", name);
        if (keys.contains(key)) {
            throw entry.error("key", "\"" + key + "\" is used twice");
        }
        return key;
    }

    private static List<String> references(JsonFields entry, String field, Set<String> known, String noun)
            throws BoardFileException {
        List<String> keys = entry.strings(field);
        for (String key : keys) {
            if (!known.contains(key)) {
                throw entry.error(field, "no " + noun + " with key \"" + key + "\"");
            }
        }
        if (keys.isEmpty() || new HashSet<>(keys).size() != keys.size()) {
            throw entry.error(field, "needs at least one " + noun + ", none twice");
        }
        return keys;
    }

    private static void configs(JsonFields object, Map<Integer, PinConfigRange> ranges, Map<Integer, Long> values)
            throws BoardFileException {
        for (String name : object.fieldNames()) {
            OptionalInt type = PinConfigTypes.parse(name);
            if (type.isEmpty()) {
                throw object.error(name, "not a pin config type (bias-pull-up, drive-strength, output-value, oem-192...)");
            }
            JsonElement value = object.value(name);
            PinConfigRange range;
            long initial;
            if (value.isJsonObject()) {
                JsonFields described = object.object(name);
                described.onlyFields(RANGE_FIELDS);
                long min = described.integer("min", 0, PinConfigRange.WORD_MAX, 0);
                long max = described.integer("max", min, PinConfigRange.WORD_MAX);
                range = new PinConfigRange(min, max);
                initial = described.integer("value", min, max, min);
            } else {
                initial = object.integer(name, 0, PinConfigRange.WORD_MAX);
                range = new PinConfigRange(0, Math.max(1, initial));
            }
            ranges.put(type.getAsInt(), range);
            values.put(type.getAsInt(), initial);
        }
    }

    /** A general-purpose pad: input on, push-pull output off, no pull. */
    private static void defaultPad(Map<Integer, PinConfigRange> ranges, Map<Integer, Long> values) {
        for (int type : List.of(PinConfigTypes.BIAS_DISABLE, PinConfigTypes.BIAS_PULL_UP, PinConfigTypes.BIAS_PULL_DOWN,
                PinConfigTypes.DRIVE_OPEN_DRAIN, PinConfigTypes.DRIVE_PUSH_PULL, PinConfigTypes.INPUT_MODE,
                PinConfigTypes.INPUT_VALUE, PinConfigTypes.INPUT_SCHMITT, PinConfigTypes.OUTPUT_MODE,
                PinConfigTypes.OUTPUT_VALUE)) {
            ranges.put(type, PinConfigRange.SWITCH);
            values.put(type, 0L);
        }
        values.put(PinConfigTypes.BIAS_DISABLE, 1L);
        values.put(PinConfigTypes.DRIVE_PUSH_PULL, 1L);
        values.put(PinConfigTypes.INPUT_MODE, 1L);
        ranges.put(PinConfigTypes.DRIVE_STRENGTH, new PinConfigRange(2, MAX_DRIVE_MA));
        values.put(PinConfigTypes.DRIVE_STRENGTH, DEFAULT_DRIVE_MA);
        ranges.put(PinConfigTypes.INPUT_DEBOUNCE, new PinConfigRange(0, MAX_DEBOUNCE_US));
        values.put(PinConfigTypes.INPUT_DEBOUNCE, 0L);
        ranges.put(PinConfigTypes.SLEW_RATE, new PinConfigRange(0, MAX_SLEW));
        values.put(PinConfigTypes.SLEW_RATE, 0L);
    }
}
