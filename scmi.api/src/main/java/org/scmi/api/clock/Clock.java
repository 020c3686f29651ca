package org.scmi.api.clock;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One clock as a driver describes it.
 *
 * @param key the driver's stable name for the clock, unique within the driver
 * @param name the name agents see: ASCII, non-empty, unique on the platform (up to 63 characters
 *     reach the agent, 15 in the short field)
 * @param rates the rates it can run at
 * @param parents keys of the clocks of the same driver it can take as parent, empty if it has
 *     one fixed parent or none
 * @param controls what agents may change; a clock missing any is reported as restricted
 * @param enableLatencyMicros time to start the clock, 0 if unknown
 * @param rateChangeMillis the longest a rate change takes; the protocol offers asynchronous rate
 *     changes only if every clock completes within the agent's deadline
 */
public record Clock(String key, String name, ClockRates rates, List<String> parents, Set<ClockControl> controls,
        int enableLatencyMicros, int rateChangeMillis) {

    public Clock {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(rates, "rates");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("clock " + key + ": empty name");
        }
        parents = List.copyOf(parents);
        if (parents.contains(key)) {
            throw new IllegalArgumentException("clock " + key + ": cannot be its own parent");
        }
        controls = Set.copyOf(controls);
        if (enableLatencyMicros < 0 || rateChangeMillis < 0) {
            throw new IllegalArgumentException("clock " + key + ": negative latency");
        }
    }

    /** Whether agents may do {@code control} on this clock. */
    public boolean allows(ClockControl control) {
        return controls.contains(control);
    }
}
