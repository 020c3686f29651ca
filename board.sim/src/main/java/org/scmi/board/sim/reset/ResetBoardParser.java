package org.scmi.board.sim.reset;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.scmi.api.reset.ResetDomain;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.EntryNames;
import org.scmi.board.sim.file.JsonFields;

/**
 * Reads the {@code "resetDomains"} array of the board file. Each entry:
 *
 * <pre>
 * { "name": "rtc_rst",           required, unique; what agents see (up to 63 ASCII characters)
 *   "key": "rtc",                optional, default the name; stable id of the domain in the driver
 *   "latencyUs": 10,             optional, default unknown; the longest a reset takes to take effect
 *   "asserted": true,            optional, default false; the line is held asserted at start
 *   "delayMs": 50,               optional, default 0; how long an autonomous reset takes
 *   "asynchronous": true,        optional, default false; agents may reset it asynchronously
 *   "vendorStates": [1] }        optional, default none; vendor reset ids (bits 30:0) it accepts
 * </pre>
 */
final class ResetBoardParser {
    static final String ARRAY = "resetDomains";
    private static final Set<String> FIELDS = Set.of("name", "key", "latencyUs", "asserted", "delayMs",
            "asynchronous", "vendorStates");
    private static final long MAX_DELAY_MS = 60_000;

    private ResetBoardParser() {
    }

    static List<SimulatedReset> parse(JsonFields board) throws BoardFileException {
        List<SimulatedReset> domains = new ArrayList<>();
        EntryNames taken = new EntryNames("reset domain");
        for (JsonFields entry : board.objects(ARRAY)) {
            entry.onlyFields(FIELDS);
            EntryNames.Named named = taken.take(entry);
            String name = named.name();
            String key = named.key();
            int latency = (int) entry.integer("latencyUs", 0, Integer.MAX_VALUE, ResetDomain.UNKNOWN_LATENCY);
            Set<Integer> vendorStates = new HashSet<>();
            if (entry.has("vendorStates")) {
                entry.integers("vendorStates", 0, Integer.MAX_VALUE).forEach(id -> vendorStates.add(id.intValue()));
            }
            try {
                ResetDomain domain = new ResetDomain(key, name, latency, entry.bool("asynchronous", false),
                        vendorStates);
                domains.add(new SimulatedReset(domain, Duration.ofMillis(entry.integer("delayMs", 0, MAX_DELAY_MS, 0)),
                        entry.bool("asserted", false)));
            } catch (IllegalArgumentException e) {
                throw entry.error("", e.getMessage());
            }
        }
        return List.copyOf(domains);
    }
}
