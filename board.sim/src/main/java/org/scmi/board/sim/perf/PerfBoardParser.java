package org.scmi.board.sim.perf;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.scmi.api.perf.PerfControl;
import org.scmi.api.perf.PerfDomain;
import org.scmi.api.perf.PerfLevel;
import org.scmi.api.perf.PerfLimits;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.EntryNames;
import org.scmi.board.sim.file.JsonFields;

/**
 * Reads the {@code "performanceDomains"} array of the board file. Each entry:
 *
 * <pre>
 * { "name": "cpu_big",              required, unique; what agents see (up to 63 ASCII characters)
 *   "key": "big",                   optional, default the name; stable id of the domain in the driver
 *   "levels": [                     required, 1 to 32 levels (Linux 6.12 takes no more), ascending
 *     { "level": 600000,            the value agents set; Linux runs the domain at value × sustained
 *                                   frequency / sustained level, so the frequency in kHz suits it
 *       "frequencyKhz": 600000,     optional, default the level; the indicative frequency
 *       "powerMicrowatts": 250000,  optional, default 0; what the domain draws at this level
 *       "latencyUs": 300 } ],       optional, default 0; the longest a change to this level takes
 *   "sustainedLevel": 1800000,      optional, default the highest; Linux boosts above it
 *   "level": 1400000,               optional, default the sustained level (within the limits); the
 *                                   level at start
 *   "limits": { "max": 1800000, "min": 600000 },   optional, default every level; the platform's
 *                                   own limits at start (levels of the domain)
 *   "rateLimitUs": 1000,            optional, default 0; shortest useful time between two changes
 *   "controls": ["level", "limits"] } optional, default both; what agents may set
 * </pre>
 */
final class PerfBoardParser {
    static final String ARRAY = "performanceDomains";
    /** The most levels Linux 6.12 reads for one domain (MAX_OPPS). */
    static final int MAX_LEVELS = 32;
    private static final Set<String> FIELDS = Set.of("name", "key", "levels", "sustainedLevel", "level", "limits",
            "rateLimitUs", "controls");
    private static final Set<String> LEVEL_FIELDS = Set.of("level", "frequencyKhz", "powerMicrowatts", "latencyUs");
    private static final Set<String> LIMITS_FIELDS = Set.of("max", "min");

    private PerfBoardParser() {
    }

    static List<SimulatedPerfDomain> parse(JsonFields board) throws BoardFileException {
        List<SimulatedPerfDomain> domains = new ArrayList<>();
        EntryNames taken = new EntryNames("performance domain");
        for (JsonFields entry : board.objects(ARRAY)) {
            entry.onlyFields(FIELDS);
            EntryNames.Named named = taken.take(entry);
            domains.add(domain(entry, named.key(), named.name()));
        }
        return List.copyOf(domains);
    }

    private static SimulatedPerfDomain domain(JsonFields entry, String key, String name) throws BoardFileException {
        List<PerfLevel> levels = levels(entry);
        int highest = levels.getLast().value();
        PerfDomain domain;
        try {
            domain = new PerfDomain(key, name, levels, (int) entry.integer("sustainedLevel", 1, Integer.MAX_VALUE,
                    highest), (int) entry.integer("rateLimitUs", 0, PerfDomain.MAX_RATE_LIMIT_MICROS, 0),
                    controls(entry));
        } catch (IllegalArgumentException e) {
            throw entry.error("", e.getMessage());
        }
        PerfLimits limits = entry.has("limits") ? limits(entry, domain) : domain.fullRange();
        int level = (int) entry.integer("level", 1, Integer.MAX_VALUE, limits.clamp(domain.sustainedLevel()));
        if (domain.level(level).isEmpty() || !limits.contains(level)) {
            throw entry.error("level", level + " is not one of the levels within the domain's limits");
        }
        return new SimulatedPerfDomain(domain, level, limits);
    }

    private static List<PerfLevel> levels(JsonFields entry) throws BoardFileException {
        List<JsonFields> objects = entry.objects("levels");
        if (objects.isEmpty() || objects.size() > MAX_LEVELS) {
            throw entry.error("levels", "needs 1 to " + MAX_LEVELS + " levels (Linux 6.12 reads no more), found "
                    + objects.size());
        }
        List<PerfLevel> levels = new ArrayList<>();
        for (JsonFields level : objects) {
            level.onlyFields(LEVEL_FIELDS);
            int value = (int) level.integer("level", 1, Integer.MAX_VALUE);
            levels.add(new PerfLevel(value, (int) level.integer("powerMicrowatts", 0, Integer.MAX_VALUE, 0),
                    (int) level.integer("latencyUs", 0, PerfLevel.MAX_LATENCY_MICROS, 0),
                    (int) level.integer("frequencyKhz", 1, Integer.MAX_VALUE, value)));
        }
        return levels;
    }

    private static PerfLimits limits(JsonFields entry, PerfDomain domain) throws BoardFileException {
        JsonFields limits = entry.object("limits");
        limits.onlyFields(LIMITS_FIELDS);
        int max = (int) limits.integer("max", 1, Integer.MAX_VALUE);
        int min = (int) limits.integer("min", 1, Integer.MAX_VALUE);
        if (domain.level(max).isEmpty() || domain.level(min).isEmpty() || min > max) {
            throw entry.error("limits", "max and min must be levels of the domain, min at most max");
        }
        return new PerfLimits(max, min);
    }

    private static Set<PerfControl> controls(JsonFields entry) throws BoardFileException {
        if (!entry.has("controls")) {
            return EnumSet.allOf(PerfControl.class);
        }
        Set<PerfControl> controls = EnumSet.noneOf(PerfControl.class);
        for (String control : entry.strings("controls")) {
            try {
                controls.add(PerfControl.valueOf(control.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw entry.error("controls", "\"" + control + "\" is neither level nor limits");
            }
        }
        return controls;
    }
}
