package org.scmi.api.pinctrl;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A group of pins that functions are selected for together, as a driver describes it.
 *
 * @param key the driver's stable name for the group, unique within the driver
 * @param name the name agents see (Linux matches device-tree {@code groups} properties against it)
 * @param pins keys of the driver's pins in the group: at least one, none twice
 */
public record PinGroup(String key, String name, List<String> pins) {
    public PinGroup {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        pins = List.copyOf(pins);
        if (name.isEmpty() || pins.isEmpty() || new HashSet<>(pins).size() != pins.size()) {
            throw new IllegalArgumentException("group " + key + " needs a name and at least one pin, none twice");
        }
    }
}
