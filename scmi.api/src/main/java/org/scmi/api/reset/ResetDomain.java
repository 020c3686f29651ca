package org.scmi.api.reset;

import java.util.Objects;
import java.util.Set;

/**
 * One reset domain as a driver describes it: a reset line of one device or group of devices.
 *
 * @param key the driver's stable name for the domain, unique within the driver
 * @param name the name agents see (ASCII; up to 63 characters reach the agent, 15 in the short field)
 * @param latencyMicros the longest a reset takes to take effect, in microseconds, or
 *     {@link #UNKNOWN_LATENCY}
 * @param asynchronous the domain can carry out an autonomous reset asynchronously (the agent learns
 *     of completion through a delayed response)
 * @param vendorStates the vendor-defined reset states (reset_state bits 30:0 with bit 31 set) the
 *     domain accepts besides the architectural cold reset; usually none
 */
public record ResetDomain(String key, String name, int latencyMicros, boolean asynchronous,
        Set<Integer> vendorStates) {

    /** {@link #latencyMicros()} of a domain whose latency is not known (0xFFFFFFFF on the wire). */
    public static final int UNKNOWN_LATENCY = -1;

    public ResetDomain {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("reset domain " + key + ": empty name");
        }
        if (latencyMicros < 0 && latencyMicros != UNKNOWN_LATENCY) {
            throw new IllegalArgumentException("reset domain " + key + ": negative latency");
        }
        vendorStates = Set.copyOf(vendorStates);
        for (int state : vendorStates) {
            if (state < 0) {
                throw new IllegalArgumentException(String.format("reset domain %s: vendor state 0x%08x is not in "
                        + "bits 30:0", key, state));
            }
        }
    }

    /** Whether the domain accepts this reset_state word. */
    public boolean accepts(int resetState) {
        return resetState == ResetStates.ARCHITECTURAL_COLD
                || ResetStates.isVendor(resetState) && vendorStates.contains(resetState & ResetStates.ID_MASK);
    }
}
