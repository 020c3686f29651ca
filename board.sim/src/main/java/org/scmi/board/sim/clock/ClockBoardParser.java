package org.scmi.board.sim.clock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.scmi.api.clock.Clock;
import org.scmi.api.clock.ClockControl;
import org.scmi.api.clock.ClockRates;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.JsonFields;

/**
 * Reads the {@code "clocks"} array of the board file. Each entry:
 *
 * <pre>
 * { "name": "cpu_clk",                 required, unique (Linux needs every clock name unique)
 *   "key": "cpu",                      optional, default the name; stable id of the clock in the driver
 *   "rates": [400000000, 800000000],   a list of rates in Hz, strictly ascending, or
 *   "range": { "min": 100000000, "max": 800000000, "step": 25000000 }   a linear range in Hz
 *   "rate": 800000000,                 optional, default the lowest; the rate at start
 *   "enabled": true,                   optional, default false; running at start
 *   "parents": ["osc", "pll"],         optional; keys of the clocks it can run from
 *   "parent": "osc",                   optional, default the first parent; the parent at start
 *   "controls": ["state", "rate"],     optional, default all three of state, parent, rate; what
 *                                      agents may change (a clock missing any is "restricted")
 *   "enableLatencyUs": 10,             optional, default 0; reported to agents
 *   "delayMs": 200 }                   optional, default 0; how long a rate or parent change takes;
 *                                      agents get asynchronous rate changes only while every
 *                                      clock is quicker than the clock protocol's deadline
 * </pre>
 */
final class ClockBoardParser {
    static final String ARRAY = "clocks";
    private static final Set<String> FIELDS = Set.of("name", "key", "rates", "range", "rate", "enabled", "parents",
            "parent", "controls", "enableLatencyUs", "delayMs");
    private static final Set<String> RANGE_FIELDS = Set.of("min", "max", "step");
    private static final long MAX_DELAY_MS = 60_000;

    private ClockBoardParser() {
    }

    static List<SimulatedClock> parse(JsonFields board) throws BoardFileException {
        List<JsonFields> entries = board.objects(ARRAY);
        Set<String> keys = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (JsonFields entry : entries) {
            entry.onlyFields(FIELDS);
            if (!names.add(entry.string("name"))) {
                throw entry.error("name", "\"" + entry.string("name") + "\" names another clock too; Linux "
                        + "needs clock names unique");
            }
            if (!keys.add(key(entry))) {
                throw entry.error("key", "\"" + key(entry) + "\" is the key of another clock too");
            }
        }
        List<SimulatedClock> clocks = new ArrayList<>();
        for (JsonFields entry : entries) {
            clocks.add(clock(entry, keys));
        }
        return List.copyOf(clocks);
    }

    private static String key(JsonFields entry) throws BoardFileException {
        return entry.string("key", entry.string("name"));
    }

    private static SimulatedClock clock(JsonFields entry, Set<String> keys) throws BoardFileException {
        String key = key(entry);
        ClockRates rates = rates(entry);
        long rate = entry.integer("rate", 1, Long.MAX_VALUE, rates.min());
        if (!rates.supports(rate)) {
            throw entry.error("rate", rate + " Hz is not one of the clock's rates");
        }
        List<String> parents = entry.has("parents") ? entry.strings("parents") : List.of();
        for (String parent : parents) {
            if (!keys.contains(parent) || parent.equals(key)) {
                throw entry.error("parents", "\"" + parent + "\" is not the key of another clock");
            }
        }
        String parent = entry.has("parent") ? entry.string("parent") : parents.stream().findFirst().orElse(null);
        if (parent != null && !parents.contains(parent)) {
            throw entry.error("parent", "\"" + parent + "\" is not one of \"parents\"");
        }
        Clock clock = new Clock(key, entry.string("name"), rates, parents, controls(entry),
                (int) entry.integer("enableLatencyUs", 0, Integer.MAX_VALUE, 0),
                (int) entry.integer("delayMs", 0, MAX_DELAY_MS, 0));
        return new SimulatedClock(clock, Duration.ofMillis(clock.rateChangeMillis()), rate,
                entry.bool("enabled", false), parent);
    }

    private static ClockRates rates(JsonFields entry) throws BoardFileException {
        if (entry.has("rates") == entry.has("range")) {
            throw entry.error("", "needs exactly one of \"rates\" (a list) and \"range\" (min, max, step)");
        }
        try {
            if (entry.has("rates")) {
                return new ClockRates.Discrete(entry.integers("rates", 1, Long.MAX_VALUE));
            }
            JsonFields range = entry.object("range");
            range.onlyFields(RANGE_FIELDS);
            return new ClockRates.Range(range.integer("min", 1, Long.MAX_VALUE),
                    range.integer("max", 1, Long.MAX_VALUE), range.integer("step", 1, Long.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw entry.error(entry.has("rates") ? "rates" : "range", e.getMessage());
        }
    }

    private static Set<ClockControl> controls(JsonFields entry) throws BoardFileException {
        if (!entry.has("controls")) {
            return EnumSet.allOf(ClockControl.class);
        }
        Set<ClockControl> controls = EnumSet.noneOf(ClockControl.class);
        for (String control : entry.strings("controls")) {
            try {
                controls.add(ClockControl.valueOf(control.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw entry.error("controls", "\"" + control + "\" is none of state, parent, rate");
            }
        }
        return controls;
    }
}
