package org.scmi.api.powercap;

import java.util.Objects;

/**
 * One power capping domain (a zone) as a driver describes it. Power values are in microwatts,
 * times in microseconds.
 *
 * @param key the driver's stable name for the zone, unique within the driver
 * @param name the name agents see (ASCII; up to 63 characters reach the agent, 15 in the short field)
 * @param parentKey the key of the zone of the same driver that contains this one, or null for a
 *     root zone
 * @param cap the power caps agents may set, in µW
 * @param averagingInterval the power averaging intervals (PAI) agents may set, in µs
 * @param sustainablePowerMicrowatts the most the zone draws under normal conditions
 * @param accuracyMilliPercent how accurately power is measured, in 0.001 %
 * @param monitored whether the zone measures its power (POWERCAP_MEASUREMENTS_GET)
 * @param capChangeMillis the longest applying a new cap takes; the protocol offers asynchronous cap
 *     changes only for zones that complete within an agent's deadline
 */
public record PowercapZone(String key, String name, String parentKey, PowercapRange cap,
        PowercapRange averagingInterval, int sustainablePowerMicrowatts, int accuracyMilliPercent, boolean monitored,
        int capChangeMillis) {

    public PowercapZone {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(averagingInterval, "averagingInterval");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("powercap zone " + key + ": empty name");
        }
        if (key.equals(parentKey)) {
            throw new IllegalArgumentException("powercap zone " + key + ": cannot contain itself");
        }
        if (sustainablePowerMicrowatts < 0 || accuracyMilliPercent < 0 || capChangeMillis < 0) {
            throw new IllegalArgumentException("powercap zone " + key + ": negative power, accuracy or delay");
        }
    }
}
