package org.scmi.board.sim.powercap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.scmi.api.powercap.PowercapRange;
import org.scmi.api.powercap.PowercapZone;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.EntryNames;
import org.scmi.board.sim.file.JsonFields;

/**
 * Reads the {@code "powercapZones"} array of the board file. Power is in µW, times in µs. Each entry:
 *
 * <pre>
 * { "name": "soc",                  required, unique; what agents see (up to 63 ASCII characters)
 *   "key": "soc",                   optional, default the name; stable id of the zone in the driver
 *   "parent": "board",              optional; key of the zone containing it, listed before it
 *   "performanceDomains": ["big"],  optional; keys of the simulated performance domains the zone
 *                                   draws through, and throttles to keep under its cap
 *   "drawMicrowatts": 800000,       optional, default 0; what the zone draws beside them
 *   "caps": { "min": 2000000, "max": 12000000, "step": 100000 },   required; the caps agents may set
 *                                   (min = max: the cap is fixed)
 *   "cap": 6000000,                 optional, default 0 (none); the cap the platform enforces at start
 *   "intervals": { "min": 100000, "max": 1000000, "step": 100000 },  required; the averaging intervals
 *   "interval": 500000,             optional, default the shortest; the interval at start
 *   "sustainableMicrowatts": 5000000, optional, default the highest cap; what it draws normally
 *   "accuracyMilliPercent": 1000,   optional, default 0; how accurate its measurements are (0.001 %)
 *   "monitored": true,              optional, default true; whether it measures its power
 *   "delayMs": 20 }                 optional, default 0; how long applying a cap takes (agents get
 *                                   asynchronous cap changes only from quick zones)
 * </pre>
 *
 * A zone's measurement is its draw, its children's draw and what its performance domains and its
 * children's draw, each domain counted once.
 */
final class PowercapBoardParser {
    static final String ARRAY = "powercapZones";
    private static final Set<String> FIELDS = Set.of("name", "key", "parent", "performanceDomains", "drawMicrowatts",
            "caps", "cap", "intervals", "interval", "sustainableMicrowatts", "accuracyMilliPercent", "monitored",
            "delayMs");
    private static final Set<String> RANGE_FIELDS = Set.of("min", "max", "step");
    private static final long MAX_DELAY_MS = 60_000;

    private PowercapBoardParser() {
    }

    /** @param perfDomains keys of the board's simulated performance domains */
    static List<SimulatedZone> parse(JsonFields board, Set<String> perfDomains) throws BoardFileException {
        List<SimulatedZone> zones = new ArrayList<>();
        EntryNames taken = new EntryNames("powercap zone");
        for (JsonFields entry : board.objects(ARRAY)) {
            entry.onlyFields(FIELDS);
            String parent = entry.has("parent") ? entry.string("parent") : null;
            if (parent != null && !taken.hasKey(parent)) {
                throw entry.error("parent", "\"" + parent + "\" is not the key of a zone listed before this one");
            }
            EntryNames.Named named = taken.take(entry);
            String key = named.key();
            String name = named.name();
            List<String> domains = entry.has("performanceDomains") ? entry.strings("performanceDomains") : List.of();
            for (String domain : domains) {
                if (!perfDomains.contains(domain)) {
                    throw entry.error("performanceDomains", "\"" + domain + "\" is not the key of a performance "
                            + "domain of the board");
                }
            }
            zones.add(zone(entry, key, name, parent, domains));
        }
        return List.copyOf(zones);
    }

    private static SimulatedZone zone(JsonFields entry, String key, String name, String parent, List<String> domains)
            throws BoardFileException {
        PowercapRange caps = range(entry, "caps");
        PowercapRange intervals = range(entry, "intervals");
        PowercapZone zone;
        try {
            zone = new PowercapZone(key, name, parent, caps, intervals,
                    (int) entry.integer("sustainableMicrowatts", 0, Integer.MAX_VALUE, caps.max()),
                    (int) entry.integer("accuracyMilliPercent", 0, Integer.MAX_VALUE, 0), entry.bool("monitored", true),
                    (int) entry.integer("delayMs", 0, MAX_DELAY_MS, 0));
        } catch (IllegalArgumentException e) {
            throw entry.error("", e.getMessage());
        }
        int cap = (int) entry.integer("cap", 0, Integer.MAX_VALUE, 0);
        if (cap != 0 && !caps.contains(cap)) {
            throw entry.error("cap", cap + " µW is not one of the zone's caps (" + caps + ") nor 0");
        }
        int interval = (int) entry.integer("interval", 1, Integer.MAX_VALUE, intervals.min());
        if (!intervals.contains(interval)) {
            throw entry.error("interval", interval + " µs is not one of the zone's intervals (" + intervals + ")");
        }
        return new SimulatedZone(zone, domains, (int) entry.integer("drawMicrowatts", 0, Integer.MAX_VALUE, 0), cap,
                interval);
    }

    private static PowercapRange range(JsonFields entry, String field) throws BoardFileException {
        JsonFields range = entry.object(field);
        range.onlyFields(RANGE_FIELDS);
        int min = (int) range.integer("min", 1, Integer.MAX_VALUE);
        int max = (int) range.integer("max", 1, Integer.MAX_VALUE);
        try {
            return new PowercapRange(min, max, (int) range.integer("step", 0, Integer.MAX_VALUE, 0));
        } catch (IllegalArgumentException e) {
            throw entry.error(field, e.getMessage());
        }
    }
}
