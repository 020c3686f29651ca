package org.scmi.api.pinctrl;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One pin as a driver describes it.
 *
 * @param key the driver's stable name for the pin, unique within the driver
 * @param name the name agents see: ASCII, non-empty (up to 63 characters reach the agent, 15 in
 *     the short field). Linux matches device-tree {@code pins} properties against it
 * @param configs the configuration types the pin has, each with the values it accepts, in
 *     ascending type order; no reserved type
 */
public record Pin(String key, String name, SortedMap<Integer, PinConfigRange> configs) {

    public Pin(String key, String name, Map<Integer, PinConfigRange> configs) {
        this(key, name, new TreeMap<>(configs));
    }

    public Pin {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("pin " + key + ": empty name");
        }
        for (int type : configs.keySet()) {
            if (!PinConfigTypes.defined(type)) {
                throw new IllegalArgumentException("pin " + key + ": reserved config type " + type);
            }
        }
        configs = Collections.unmodifiableSortedMap(new TreeMap<>(configs));
    }

    /** Whether the pin has config {@code type}. */
    public boolean has(int type) {
        return configs.containsKey(type);
    }
}
