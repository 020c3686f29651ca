package org.scmi.api.power;

import java.util.List;
import java.util.Objects;

/**
 * One power domain as a driver describes it.
 *
 * @param key the driver's stable name for the domain, unique within the driver
 * @param name the name agents see (ASCII; up to 63 characters reach the agent, 15 in the short
 *     field)
 * @param states the power state words the domain accepts, ordered from the most powered to the
 *     least powered: when agents ask for different states, the protocol keeps the domain in the
 *     first of them in this order. Must contain {@link PowerState#ON} and {@link PowerState#OFF}
 *     so that a Linux agent can use it
 * @param synchronousSet the domain can change state while a synchronous command waits
 * @param asynchronousSet the domain can be set asynchronously (the agent learns of completion
 *     through a state-changed notification)
 */
public record PowerDomain(String key, String name, List<Integer> states, boolean synchronousSet,
        boolean asynchronousSet) {

    public PowerDomain {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        states = List.copyOf(states);
        for (int state : states) {
            if (!PowerState.isWellFormed(state)) {
                throw new IllegalArgumentException(String.format("domain %s: state 0x%08x sets reserved bits", key,
                        state));
            }
        }
        if (states.stream().distinct().count() != states.size()) {
            throw new IllegalArgumentException("domain " + key + ": states listed twice");
        }
        if (!synchronousSet && !asynchronousSet) {
            throw new IllegalArgumentException("domain " + key + ": neither synchronous nor asynchronous set");
        }
    }

    /** Position of {@code state} in {@link #states()}, or -1 if the domain does not accept it. */
    public int rank(int state) {
        return states.indexOf(state);
    }
}
