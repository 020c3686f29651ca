package org.scmi.api.pinctrl;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything one driver's pin controller has: its pins, the groups of those pins and the functions
 * of those groups, each list in the order ids are assigned. Keys are unique within each list and
 * every reference names an entry of this controller.
 */
public record PinController(List<Pin> pins, List<PinGroup> groups, List<PinFunction> functions) {

    public PinController {
        pins = List.copyOf(pins);
        groups = List.copyOf(groups);
        functions = List.copyOf(functions);
        Set<String> pinKeys = keys(pins, Pin::key, "pin");
        Set<String> groupKeys = keys(groups, PinGroup::key, "group");
        keys(functions, PinFunction::key, "function");
        for (PinGroup group : groups) {
            group.pins().stream().filter(pin -> !pinKeys.contains(pin)).findFirst().ifPresent(pin -> {
                throw new IllegalArgumentException("group " + group.key() + " names unknown pin " + pin);
            });
        }
        for (PinFunction function : functions) {
            function.groups().stream().filter(group -> !groupKeys.contains(group)).findFirst().ifPresent(group -> {
                throw new IllegalArgumentException("function " + function.key() + " names unknown group " + group);
            });
        }
    }

    public Optional<Pin> pin(String key) {
        return pins.stream().filter(pin -> pin.key().equals(key)).findFirst();
    }

    public Optional<PinGroup> group(String key) {
        return groups.stream().filter(group -> group.key().equals(key)).findFirst();
    }

    public Optional<PinFunction> function(String key) {
        return functions.stream().filter(function -> function.key().equals(key)).findFirst();
    }

    private static <T> Set<String> keys(List<T> items, Function<T, String> key, String noun) {
        Set<String> keys = new HashSet<>();
        for (T item : items) {
            if (!keys.add(key.apply(item))) {
                throw new IllegalArgumentException(noun + " key " + key.apply(item) + " listed twice");
            }
        }
        return keys;
    }
}
