package org.scmi.board.sim.pinctrl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.pinctrl.Pin;
import org.scmi.api.pinctrl.PinConfig;
import org.scmi.api.pinctrl.PinConfigTypes;
import org.scmi.api.pinctrl.PinControlDriver;
import org.scmi.api.pinctrl.PinControlListener;
import org.scmi.api.pinctrl.PinController;
import org.scmi.api.pinctrl.PinGroup;
import org.scmi.api.state.AgentStateStore;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileConfig;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.BoardState;
import org.scmi.board.sim.pinctrl.PinBoardParser.Board;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated board's pin controller, from the {@code "pins"}, {@code "pinGroups"} and
 * {@code "pinFunctions"} arrays of the board file (see {@link PinBoardParser}). It behaves like a
 * pad controller: a pin has one bias (bus-hold, disabled, high impedance, pull-up, pull-default or
 * pull-down: turning one on turns the others off) and one drive mode (open drain, open source or
 * push-pull); its input value is the level it drives while its output is on, else the level
 * outside it, which the platform sets ({@code pinLevel}). A group selected for a function carries
 * it on its pins; selecting a group takes the selection away from groups sharing a pin with it.
 *
 * <p>The pins' state is the simulated hardware: kept in {@link BoardState} ({@value #CONFIG}
 * {@code <pin>/<type>}, {@value #LEVEL}{@code <pin>}, {@value #MUX}{@code <group>}), so an update of
 * this bundle finds the pins as it left them. A bad board file is logged naming the bad value and
 * leaves the board without a pin controller until it is fixed.
 *
 * <p>Threads: driver calls come from command threads and the shell; the state is guarded by this
 * object's lock.
 */
@Component(service = {PinControlDriver.class, SimulatedPinController.class}, configurationPid = BoardFile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = PinControlDriver.DRIVER_KEY + "=" + SimulatedPinController.DRIVER_KEY)
public final class SimulatedPinController implements PinControlDriver {
    /** Orders the simulated pins among other drivers' ones. */
    static final String DRIVER_KEY = "sim";
    /** The state store slot of pin hardware: the Pin control protocol's id. */
    static final int PINCTRL_PROTOCOL_ID = 0x19;
    static final String CONFIG = "config/";
    static final String LEVEL = "level/";
    static final String MUX = "mux/";
    private static final Set<Integer> BIAS = Set.of(PinConfigTypes.BIAS_BUS_HOLD, PinConfigTypes.BIAS_DISABLE,
            PinConfigTypes.BIAS_HIGH_IMPEDANCE, PinConfigTypes.BIAS_PULL_UP, PinConfigTypes.BIAS_PULL_DEFAULT,
            PinConfigTypes.BIAS_PULL_DOWN);
    private static final Set<Integer> DRIVE = Set.of(PinConfigTypes.DRIVE_OPEN_DRAIN,
            PinConfigTypes.DRIVE_OPEN_SOURCE, PinConfigTypes.DRIVE_PUSH_PULL);
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedPinController.class);

    private final PinController controller;
    private final Map<String, Map<Integer, Long>> configs = new HashMap<>();
    private final Map<String, Integer> levels = new HashMap<>();
    private final Map<String, String> selections = new HashMap<>();
    private final List<PinControlListener> listeners = new CopyOnWriteArrayList<>();
    private final BoardState state;

    /** @param store where the pins' state is kept across updates of this bundle */
    @Activate
    public SimulatedPinController(BoardFileConfig config, @Reference AgentStateStore store)
            throws BoardFileException {
        this(load(config.file()), store);
    }

    SimulatedPinController(Board board, AgentStateStore store) {
        this.controller = board.controller();
        state = BoardState.open(store, PINCTRL_PROTOCOL_ID, board);
        board.configs().forEach((pin, values) -> {
            Map<Integer, Long> kept = new HashMap<>(values);
            kept.replaceAll((type, value) -> state.get(CONFIG + pin + "/" + type).map(Long::parseLong).orElse(value));
            configs.put(pin, kept);
        });
        board.levels().forEach((pin, level) -> levels.put(pin,
                state.get(LEVEL + pin).map(Integer::parseInt).orElse(level)));
        for (PinGroup group : controller.groups()) {
            Optional<String> kept = state.get(MUX + group.key());
            String selected = kept.isPresent() ? kept.get() : board.selections().get(group.key());
            if (selected != null && !selected.isEmpty()) {
                selections.put(group.key(), selected);
            }
        }
    }

    private static Board load(String file) throws BoardFileException {
        try {
            Board board = PinBoardParser.parse(BoardFile.read(file));
            LOG.info("Simulated board: {} pins, {} groups, {} functions from {}", board.controller().pins().size(),
                    board.controller().groups().size(), board.controller().functions().size(),
                    file.isBlank() ? "built-in board" : file);
            return board;
        } catch (BoardFileException e) {
            LOG.error("Simulated board offers no pin controller: {}", e.getMessage());
            throw e;
        }
    }

    @Override
    public PinController controller() {
        return controller;
    }

    @Override
    public synchronized long config(String pinKey, int type) throws ScmiException {
        Map<Integer, Long> values = values(pinKey);
        if (type == PinConfigTypes.INPUT_VALUE) {
            return level(pinKey);
        }
        Long value = values.get(type);
        if (value == null) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "pin " + pinKey + " has no "
                    + PinConfigTypes.name(type));
        }
        return value;
    }

    @Override
    public synchronized void configure(String pinKey, List<PinConfig> changes) throws ScmiException {
        Map<Integer, Long> values = values(pinKey);
        for (PinConfig change : changes) {
            if (!values.containsKey(change.type()) || PinConfigTypes.readOnly(change.type())) {
                throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "pin " + pinKey + " cannot set "
                        + PinConfigTypes.name(change.type()));
            }
        }
        changes.forEach(change -> apply(pinKey, values, change));
    }

    @Override
    public synchronized Optional<String> function(String groupKey) throws ScmiException {
        group(groupKey);
        return Optional.ofNullable(selections.get(groupKey));
    }

    @Override
    public synchronized Optional<String> pinFunction(String pinKey) throws ScmiException {
        values(pinKey);
        return controller.groups().stream().filter(group -> group.pins().contains(pinKey))
                .map(group -> selections.get(group.key())).filter(function -> function != null).findFirst();
    }

    @Override
    public synchronized void selectFunction(String groupKey, Optional<String> functionKey) throws ScmiException {
        PinGroup group = group(groupKey);
        if (functionKey.isPresent() && controller.function(functionKey.get())
                .filter(function -> function.groups().contains(groupKey)).isEmpty()) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "function " + functionKey.get()
                    + " cannot be selected on group " + groupKey);
        }
        for (PinGroup other : controller.groups()) {
            if (!other.key().equals(groupKey) && other.pins().stream().anyMatch(group.pins()::contains)
                    && selections.remove(other.key()) != null) {
                state.put(MUX + other.key(), "");
            }
        }
        functionKey.ifPresentOrElse(function -> selections.put(groupKey, function), () -> selections.remove(groupKey));
        state.put(MUX + groupKey, functionKey.orElse(""));
    }

    @Override
    public void addListener(PinControlListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(PinControlListener listener) {
        listeners.remove(listener);
    }

    /** The pin with this key or name. */
    Optional<Pin> find(String keyOrName) {
        return controller.pins().stream().filter(pin -> pin.key().equals(keyOrName) || pin.name().equals(keyOrName))
                .findFirst();
    }

    /** Every config of the pin with its value now, input-value included, in type order. */
    synchronized List<PinConfig> configs(Pin pin) {
        List<PinConfig> current = new ArrayList<>();
        for (int type : pin.configs().keySet()) {
            long value = type == PinConfigTypes.INPUT_VALUE ? level(pin.key()) : configs.get(pin.key()).get(type);
            current.add(new PinConfig(type, value));
        }
        return current;
    }

    /** The platform itself sets a config of the pin: it changes at once and the protocol is told. */
    void configureByPlatform(Pin pin, PinConfig change) {
        if (!pin.has(change.type()) || PinConfigTypes.readOnly(change.type())) {
            throw new IllegalArgumentException(pin.name() + " has no settable " + PinConfigTypes.name(change.type())
                    + "; its configs: " + pin.configs().keySet().stream().map(PinConfigTypes::name).toList());
        }
        if (!pin.configs().get(change.type()).contains(change.value())) {
            throw new IllegalArgumentException(PinConfigTypes.name(change.type()) + " of " + pin.name() + " takes "
                    + pin.configs().get(change.type()) + ", not " + change.value());
        }
        synchronized (this) {
            apply(pin.key(), configs.get(pin.key()), change);
        }
        listeners.forEach(listener -> listener.configChanged(pin.key(), change.type()));
    }

    /** The signal outside the pin changes: the pin's input value while its output is off. */
    synchronized void levelByPlatform(Pin pin, int level) {
        if (level != 0 && level != 1) {
            throw new IllegalArgumentException("a level is 0 or 1, not " + level);
        }
        levels.put(pin.key(), level);
        state.put(LEVEL + pin.key(), Integer.toString(level));
    }

    /** The level the pin's input sees: what it drives while its output is on, else the level outside. */
    private long level(String pinKey) {
        Map<Integer, Long> values = configs.get(pinKey);
        if (values.getOrDefault(PinConfigTypes.OUTPUT_MODE, 0L) != 0) {
            return values.getOrDefault(PinConfigTypes.OUTPUT_VALUE, 0L);
        }
        return levels.getOrDefault(pinKey, 0);
    }

    private void apply(String pinKey, Map<Integer, Long> values, PinConfig change) {
        for (Set<Integer> exclusive : List.of(BIAS, DRIVE)) {
            if (exclusive.contains(change.type()) && change.value() != 0) {
                exclusive.stream().filter(type -> type != change.type() && values.containsKey(type))
                        .forEach(type -> put(pinKey, values, type, 0));
            }
        }
        put(pinKey, values, change.type(), change.value());
    }

    private void put(String pinKey, Map<Integer, Long> values, int type, long value) {
        values.put(type, value);
        state.put(CONFIG + pinKey + "/" + type, Long.toString(value));
    }

    private Map<Integer, Long> values(String pinKey) throws ScmiException {
        Map<Integer, Long> values = configs.get(pinKey);
        if (values == null) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "no simulated pin " + pinKey);
        }
        return values;
    }

    private PinGroup group(String groupKey) throws ScmiException {
        return controller.group(groupKey).orElseThrow(() -> new ScmiException(ScmiStatus.NOT_FOUND,
                "no simulated pin group " + groupKey));
    }
}
