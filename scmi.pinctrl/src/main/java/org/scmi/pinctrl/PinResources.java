package org.scmi.pinctrl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.scmi.api.AgentView;
import org.scmi.api.BoardResource;
import org.scmi.api.ResourceKind;
import org.scmi.api.ScmiException;
import org.scmi.api.pinctrl.Pin;
import org.scmi.api.pinctrl.PinControlDriver;
import org.scmi.api.pinctrl.PinController;
import org.scmi.api.pinctrl.PinFunction;
import org.scmi.api.pinctrl.PinGroup;
import org.scmi.support.AgentResources;
import org.scmi.support.BoundDriver;
import org.scmi.support.DriverListings.Listing;
import org.scmi.support.NumberedResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pins, groups and functions of every driver as three numbered lists (an immutable snapshot):
 * drivers ordered by their key, each driver's entries in its own order, ids = positions (the rule
 * documented in {@code org.scmi.api.pinctrl}) for an agent that sees the whole board. Agents with
 * a profile see their {@link View} instead: the pins, groups and functions their profile lists,
 * numbered in its order; every id an agent sends or is sent goes through its view. Names are
 * unique in each list, because Linux finds pins, groups and functions by the names its device tree
 * gives (and profiles name them so): a driver repeating a name already listed is left out whole
 * (and logged), so that no group loses a pin. A keyed driver that went
 * away keeps its place and its entries without a driver; commands that need the hardware wait for
 * it to come back.
 *
 * <p>Threads: immutable but for the agents' views, which command threads build on first use and
 * share through a concurrent map.
 */
final class PinResources {
    private static final Logger LOG = LoggerFactory.getLogger(PinResources.class);
    /** Views kept per snapshot; beyond this the cache starts again (profiles changed many times). */
    private static final int MAX_CACHED_VIEWS = 64;

    /** A pin with the driver that owns it. */
    record PinEntry(BoundDriver<PinControlDriver> owner, Pin pin)
            implements NumberedResources.Listed<PinControlDriver> {
        @Override
        public String key() {
            return pin.key();
        }

        @Override
        public String name() {
            return pin.name();
        }
    }

    /** A group with its driver and its pins. */
    record GroupEntry(BoundDriver<PinControlDriver> owner, PinGroup group, List<PinEntry> pins)
            implements NumberedResources.Listed<PinControlDriver> {
        @Override
        public String key() {
            return group.key();
        }

        @Override
        public String name() {
            return group.name();
        }
    }

    /** A function with its driver and the groups it can be selected on. */
    record FunctionEntry(BoundDriver<PinControlDriver> owner, PinFunction function, List<GroupEntry> groups)
            implements NumberedResources.Listed<PinControlDriver> {
        @Override
        public String key() {
            return function.key();
        }

        @Override
        public String name() {
            return function.name();
        }
    }

    /** One numbered list of the snapshot. */
    static final class Numbered<E extends NumberedResources.Listed<PinControlDriver>> extends NumberedResources<E> {
        Numbered(List<E> entries, ResourceKind kind) {
            super(entries, kind);
        }
    }

    /**
     * The pins, groups and functions one agent sees, each kind under its own ids. A group is seen
     * only with all of its pins, so that its pin list names pins the agent has; a function lists
     * only the groups the agent sees, and is not seen without one (a function the board gives no
     * group at all stays).
     */
    record View(AgentResources<PinEntry> pins, AgentResources<GroupEntry> groups,
            AgentResources<FunctionEntry> functions) {

        /** The groups of {@code function} the agent sees, in the function's order. */
        List<GroupEntry> groupsOf(FunctionEntry function) {
            return function.groups().stream().filter(groups::sees).toList();
        }

        /** The pins a command on a pin or a group acts on. */
        List<PinEntry> pinsOf(PinctrlMessages.Kind kind, int id) throws ScmiException {
            return kind == PinctrlMessages.Kind.PIN ? List.of(pins.get(id)) : groups.get(id).pins();
        }
    }

    static final PinResources EMPTY = of(List.of());

    private final Numbered<PinEntry> pins;
    private final Numbered<GroupEntry> groups;
    private final Numbered<FunctionEntry> functions;
    /** Agents' views of this snapshot, built when first asked for. */
    private final Map<AgentView, View> views = new ConcurrentHashMap<>();

    private PinResources(List<PinEntry> pins, List<GroupEntry> groups, List<FunctionEntry> functions) {
        this.pins = new Numbered<>(pins, ResourceKind.PINS);
        this.groups = new Numbered<>(groups, ResourceKind.PIN_GROUPS);
        this.functions = new Numbered<>(functions, ResourceKind.PIN_FUNCTIONS);
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
            PinEntry entry = new PinEntry(owner, pin);
            pins.add(entry);
            pinsByKey.put(pin.key(), entry);
        }
        Map<String, GroupEntry> groupsByKey = new HashMap<>();
        for (PinGroup group : controller.groups()) {
            GroupEntry entry = new GroupEntry(owner, group,
                    group.pins().stream().map(pinsByKey::get).toList());
            groups.add(entry);
            groupsByKey.put(group.key(), entry);
        }
        for (PinFunction function : controller.functions()) {
            functions.add(new FunctionEntry(owner, function,
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

    /** What an agent with {@code view} sees of this snapshot. */
    View seenBy(AgentView view) {
        View seen = views.get(view);
        if (seen != null) {
            return seen;
        }
        if (views.size() >= MAX_CACHED_VIEWS) {
            views.clear();
        }
        return views.computeIfAbsent(view, this::build);
    }

    private View build(AgentView view) {
        AgentResources<PinEntry> seenPins = pins.seenBy(view);
        AgentResources<GroupEntry> seenGroups = groups.seenBy(view)
                .keep(group -> group.pins().stream().allMatch(seenPins::sees));
        AgentResources<FunctionEntry> seenFunctions = functions.seenBy(view).keep(
                function -> function.groups().isEmpty() || function.groups().stream().anyMatch(seenGroups::sees));
        return new View(seenPins, seenGroups, seenFunctions);
    }

    /** Every pin, group and function as profiles name them, in the board's order. */
    List<BoardResource> boardResources() {
        return Stream.of(pins.boardResources(), groups.boardResources(), functions.boardResources())
                .flatMap(List::stream).toList();
    }
}
