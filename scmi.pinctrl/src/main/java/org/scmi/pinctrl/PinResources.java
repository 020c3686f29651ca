package org.scmi.pinctrl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.scmi.api.ScmiException;
import org.scmi.api.pinctrl.Pin;
import org.scmi.api.pinctrl.PinControlDriver;
import org.scmi.api.pinctrl.PinController;
import org.scmi.api.pinctrl.PinFunction;
import org.scmi.api.pinctrl.PinGroup;
import org.scmi.support.BoundDriver;
import org.scmi.support.DriverListings.Listing;
import org.scmi.support.NumberedResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pins, groups and functions of every driver as three numbered lists (an immutable snapshot):
 * drivers ordered by their key, each driver's entries in its own order, ids = positions (the rule
 * documented in {@code org.scmi.api.pinctrl}). Names are unique in each list, because Linux finds
 * pins, groups and functions by the names its device tree gives: a driver repeating a name already
 * listed is left out whole (and logged), so that no group loses a pin. A keyed driver that went
 * away keeps its place and its entries without a driver; commands that need the hardware wait for
 * it to come back.
 */
final class PinResources {
    private static final Logger LOG = LoggerFactory.getLogger(PinResources.class);

    /** A pin with its id and the driver that owns it. */
    record PinEntry(int id, BoundDriver<PinControlDriver> owner, Pin pin)
            implements NumberedResources.Listed<PinControlDriver> {
        @Override
        public String key() {
            return pin.key();
        }
    }

    /** A group with its id, its driver and its pins. */
    record GroupEntry(int id, BoundDriver<PinControlDriver> owner, PinGroup group, List<PinEntry> pins)
            implements NumberedResources.Listed<PinControlDriver> {
        @Override
        public String key() {
            return group.key();
        }
    }

    /** A function with its id, its driver and the groups it can be selected on. */
    record FunctionEntry(int id, BoundDriver<PinControlDriver> owner, PinFunction function, List<GroupEntry> groups)
            implements NumberedResources.Listed<PinControlDriver> {
        @Override
        public String key() {
            return function.key();
        }
    }

    /** One numbered list of the snapshot. */
    static final class Numbered<E extends NumberedResources.Listed<PinControlDriver>>
            extends NumberedResources<PinControlDriver, E> {
        Numbered(List<E> entries, String noun) {
            super(entries, noun);
        }
    }

    static final PinResources EMPTY = of(List.of());

    private final Numbered<PinEntry> pins;
    private final Numbered<GroupEntry> groups;
    private final Numbered<FunctionEntry> functions;

    private PinResources(List<PinEntry> pins, List<GroupEntry> groups, List<FunctionEntry> functions) {
        this.pins = new Numbered<>(pins, "pin");
        this.groups = new Numbered<>(groups, "group");
        this.functions = new Numbered<>(functions, "function");
    }

    /** @param listings the drivers' places in list order, each listing its one controller */
    static PinResources of(List<Listing<PinControlDriver, PinController>> listings) {
        List<PinEntry> pins = new ArrayList<>();
        List<GroupEntry> groups = new ArrayList<>();
        List<FunctionEntry> functions = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Listing<PinControlDriver, PinController> listing : listings) {
            BoundDriver<PinControlDriver> owner = listing.owner();
            for (PinController controller : listing.resources()) {
                List<String> repeated = names(controller).filter(name -> names.contains(name)).toList();
                if (!repeated.isEmpty()) {
                    LOG.warn("Pin control driver {} repeats names already listed {}; none of its pins is offered",
                            owner.key(), repeated);
                    continue;
                }
                names(controller).forEach(names::add);
                add(owner, controller, pins, groups, functions);
            }
        }
        return new PinResources(pins, groups, functions);
    }

    /** Names of pins, groups and functions, each prefixed by its kind: the three name spaces are apart. */
    private static Stream<String> names(PinController controller) {
        return Stream.of(controller.pins().stream().map(pin -> "pin " + pin.name()),
                controller.groups().stream().map(group -> "group " + group.name()),
                controller.functions().stream().map(function -> "function " + function.name()))
                .flatMap(names -> names);
    }

    private static void add(BoundDriver<PinControlDriver> owner, PinController controller, List<PinEntry> pins,
            List<GroupEntry> groups, List<FunctionEntry> functions) {
        Map<String, PinEntry> pinsByKey = new HashMap<>();
        for (Pin pin : controller.pins()) {
            PinEntry entry = new PinEntry(pins.size(), owner, pin);
            pins.add(entry);
            pinsByKey.put(pin.key(), entry);
        }
        Map<String, GroupEntry> groupsByKey = new HashMap<>();
        for (PinGroup group : controller.groups()) {
            GroupEntry entry = new GroupEntry(groups.size(), owner, group,
                    group.pins().stream().map(pinsByKey::get).toList());
            groups.add(entry);
            groupsByKey.put(group.key(), entry);
        }
        for (PinFunction function : controller.functions()) {
            functions.add(new FunctionEntry(functions.size(), owner, function,
                    function.groups().stream().map(groupsByKey::get).toList()));
        }
    }

    Numbered<PinEntry> pins() {
        return pins;
    }

    Numbered<GroupEntry> groups() {
        return groups;
    }

    Numbered<FunctionEntry> functions() {
        return functions;
    }

    /** The pins a command on a pin or a group acts on. */
    List<PinEntry> pinsOf(PinctrlMessages.Kind kind, int id) throws ScmiException {
        return kind == PinctrlMessages.Kind.PIN ? List.of(pins.get(id)) : groups.get(id).pins();
    }
}
