package org.scmi.api.voltage;

import java.util.Objects;

/**
 * One voltage domain (a regulated supply) as a driver describes it.
 *
 * @param key the driver's stable name for the domain, unique within the driver
 * @param name the name agents see: Linux's scmi-regulator registers the regulator under it (ASCII;
 *     up to 63 characters reach the agent, 15 in the short field)
 * @param levels the levels it can be set to
 * @param asynchronousLevelSet the domain can change level asynchronously (the agent learns of
 *     completion through a delayed response); a slow supply should say so
 */
public record VoltageDomain(String key, String name, VoltageLevels levels, boolean asynchronousLevelSet) {

    public VoltageDomain {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(levels, "levels");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("voltage domain " + key + ": empty name");
        }
    }
}
