package org.scmi.api.pinctrl;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A function (a peripheral's signals: {@code uart0}, {@code i2c0}) and the groups it can be
 * selected on, as a driver describes it.
 *
 * @param key the driver's stable name for the function, unique within the driver
 * @param name the name agents see (Linux matches device-tree {@code function} properties against it)
 * @param groups keys of the driver's groups the function can be selected on: at least one, none twice
 */
public record PinFunction(String key, String name, List<String> groups) {
    public PinFunction {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(groups);
        if (name.isEmpty() || groups.isEmpty() || new HashSet<>(groups).size() != groups.size()) {
            throw new IllegalArgumentException("function " + key
                    + " needs a name and at least one group, none twice");
        }
    }
}
