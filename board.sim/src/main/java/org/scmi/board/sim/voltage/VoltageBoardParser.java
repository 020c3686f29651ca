package org.scmi.board.sim.voltage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.scmi.api.voltage.VoltageDomain;
import org.scmi.api.voltage.VoltageLevels;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.EntryNames;
import org.scmi.board.sim.file.JsonFields;

/**
 * Reads the {@code "voltageDomains"} array of the board file. Each entry has either a list of
 * levels or a range:
 *
 * <pre>
 * { "name": "vdd_cpu",           required, unique; what agents see (up to 63 ASCII characters)
 *   "key": "cpu",                optional, default the name; stable id of the domain in the driver
 *   "levels": [800000, 900000],  levels in µV, strictly ascending; or
 *   "range": { "low": 1800000, "high": 3300000, "step": 100000 },   every level low + k * step
 *   "level": 900000,             optional, default the lowest; the level at start
 *   "on": true,                  optional, default true; whether the supply is on at start
 *   "delayMs": 20,               optional, default 0; how long a level change takes
 *   "asynchronous": true }       optional, default false; agents may change the level asynchronously
 * </pre>
 */
final class VoltageBoardParser {
    static final String ARRAY = "voltageDomains";
    private static final Set<String> FIELDS = Set.of("name", "key", "levels", "range", "level", "on", "delayMs",
            "asynchronous");
    private static final Set<String> RANGE_FIELDS = Set.of("low", "high", "step");
    private static final long MAX_DELAY_MS = 60_000;

    private VoltageBoardParser() {
    }

    static List<SimulatedSupply> parse(JsonFields board) throws BoardFileException {
        List<SimulatedSupply> supplies = new ArrayList<>();
        EntryNames taken = new EntryNames("voltage domain");
        for (JsonFields entry : board.objects(ARRAY)) {
            entry.onlyFields(FIELDS);
            EntryNames.Named named = taken.take(entry);
            String name = named.name();
            String key = named.key();
            VoltageLevels levels = levels(entry);
            int lowest = switch (levels) {
                case VoltageLevels.Discrete discrete -> discrete.microvolts().getFirst();
                case VoltageLevels.Range range -> range.low();
            };
            int level = (int) entry.integer("level", Integer.MIN_VALUE, Integer.MAX_VALUE, lowest);
            if (!levels.supports(level)) {
                throw entry.error("level", level + " is not one of the domain's levels");
            }
            try {
                VoltageDomain domain = new VoltageDomain(key, name, levels, entry.bool("asynchronous", false));
                supplies.add(new SimulatedSupply(domain, Duration.ofMillis(entry.integer("delayMs", 0, MAX_DELAY_MS, 0)),
                        level, entry.bool("on", true)));
            } catch (IllegalArgumentException e) {
                throw entry.error("", e.getMessage());
            }
        }
        return List.copyOf(supplies);
    }

    private static VoltageLevels levels(JsonFields entry) throws BoardFileException {
        if (entry.has("levels") == entry.has("range")) {
            throw entry.error("", "give either \"levels\" or \"range\"");
        }
        try {
            if (entry.has("levels")) {
                return new VoltageLevels.Discrete(entry.integers("levels", Integer.MIN_VALUE, Integer.MAX_VALUE).stream()
                        .map(Long::intValue).toList());
            }
            JsonFields range = entry.object("range");
            range.onlyFields(RANGE_FIELDS);
            return new VoltageLevels.Range((int) range.integer("low", Integer.MIN_VALUE, Integer.MAX_VALUE),
                    (int) range.integer("high", Integer.MIN_VALUE, Integer.MAX_VALUE),
                    (int) range.integer("step", 1, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw entry.error(entry.has("levels") ? "levels" : "range", e.getMessage());
        }
    }
}
