package org.scmi.board.sim.power;

import com.google.gson.JsonElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.scmi.api.power.PowerDomain;
import org.scmi.api.power.PowerState;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.EntryNames;
import org.scmi.board.sim.file.JsonFields;

/**
 * Reads the {@code "powerDomains"} array of the board file. Each entry:
 *
 * <pre>
 * { "name": "gpu_pd",            required, unique; what agents see (up to 63 ASCII characters)
 *   "key": "gpu",                optional, default the name; stable id of the domain in the driver
 *   "states": ["on", "off"],     optional, default on and off; most powered first; each "on", "off",
 *                                or a state word (number or "0x..." string: bit 30 context lost,
 *                                bits 27:0 id); must include on and off
 *   "state": "off",              optional, default the first state; the state at start
 *   "delayMs": 100,              optional, default 0; how long a transition takes
 *   "synchronous": true,         optional, default true; agents may set it synchronously
 *   "asynchronous": true }       optional, default true; agents may set it asynchronously
 * </pre>
 */
final class PowerBoardParser {
    static final String ARRAY = "powerDomains";
    private static final Set<String> FIELDS = Set.of("name", "key", "states", "state", "delayMs", "synchronous",
            "asynchronous");
    private static final long MAX_DELAY_MS = 60_000;

    private PowerBoardParser() {
    }

    static List<SimulatedDomain> parse(JsonFields board) throws BoardFileException {
        List<SimulatedDomain> domains = new ArrayList<>();
        EntryNames taken = new EntryNames("domain");
        for (JsonFields entry : board.objects(ARRAY)) {
            entry.onlyFields(FIELDS);
            EntryNames.Named named = taken.take(entry);
            String name = named.name();
            String key = named.key();
            List<Integer> states = entry.has("states") ? states(entry) : List.of(PowerState.ON, PowerState.OFF);
            int initial = entry.has("state") ? state(entry, "state", entry.value("state"))
                    : states.getFirst();
            if (!states.contains(initial)) {
                throw entry.error("state", "not one of the domain's states");
            }
            Duration delay = Duration.ofMillis(entry.integer("delayMs", 0, MAX_DELAY_MS, 0));
            try {
                PowerDomain domain = new PowerDomain(key, name, states, entry.bool("synchronous", true),
                        entry.bool("asynchronous", true));
                domains.add(new SimulatedDomain(domain, delay, initial));
            } catch (IllegalArgumentException e) {
                throw entry.error("", e.getMessage());
            }
        }
        return List.copyOf(domains);
    }

    private static List<Integer> states(JsonFields entry) throws BoardFileException {
        List<Integer> states = new ArrayList<>();
        List<JsonElement> elements = entry.values("states");
        for (int i = 0; i < elements.size(); i++) {
            states.add(state(entry, "states[" + i + "]", elements.get(i)));
        }
        if (!states.contains(PowerState.ON) || !states.contains(PowerState.OFF)) {
            throw entry.error("states", "must include \"on\" and \"off\": Linux switches domains between them");
        }
        return states;
    }

    private static int state(JsonFields entry, String field, JsonElement value) throws BoardFileException {
        if (!value.isJsonPrimitive()) {
            throw entry.error(field, "expected on, off or a state word, found " + value);
        }
        try {
            return StateWords.parse(value.getAsString());
        } catch (IllegalArgumentException e) {
            throw entry.error(field, e.getMessage());
        }
    }
}
