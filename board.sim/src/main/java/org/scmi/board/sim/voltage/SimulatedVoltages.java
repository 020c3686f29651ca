package org.scmi.board.sim.voltage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.state.AgentStateStore;
import org.scmi.api.voltage.VoltageDomain;
import org.scmi.api.voltage.VoltageDriver;
import org.scmi.api.voltage.VoltageListener;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileConfig;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.BoardState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated board's supplies, from the {@code "voltageDomains"} array of the board file (see
 * {@link VoltageBoardParser}). A level change takes the supply's configured delay, which lets agents
 * exercise asynchronous level changes. Levels and on/off states are the simulated hardware: kept in
 * {@link BoardState} ({@value #LEVEL} and {@value #ON} followed by the domain key), so an update of
 * this bundle finds the supplies as it left them.
 */
@Component(service = {VoltageDriver.class, SimulatedVoltages.class}, configurationPid = BoardFile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = VoltageDriver.DRIVER_KEY + "=" + SimulatedVoltages.DRIVER_KEY)
public final class SimulatedVoltages implements VoltageDriver {
    /** Orders the simulated domains among other drivers' ones. */
    static final String DRIVER_KEY = "sim";
    /** The state store slot of supply hardware: the Voltage domain management protocol's id. */
    static final int VOLTAGE_PROTOCOL_ID = 0x17;
    static final String LEVEL = "level/";
    static final String ON = "on/";
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedVoltages.class);

    private final Map<String, SimulatedSupply> supplies = new LinkedHashMap<>();
    private final List<VoltageListener> listeners = new CopyOnWriteArrayList<>();
    private final BoardState state;

    /** @param store where the supplies' states are kept across updates of this bundle */
    @Activate
    public SimulatedVoltages(BoardFileConfig config, @Reference AgentStateStore store) throws BoardFileException {
        this(load(config.file()), store);
    }

    SimulatedVoltages(List<SimulatedSupply> board, AgentStateStore store) {
        board.forEach(supply -> supplies.put(supply.domain().key(), supply));
        state = BoardState.open(store, VOLTAGE_PROTOCOL_ID, board.stream().map(SimulatedSupply::describe).toList());
        for (SimulatedSupply supply : board) {
            state.get(LEVEL + supply.domain().key()).map(Integer::valueOf)
                    .filter(supply.domain().levels()::supports).ifPresent(supply::level);
            state.get(ON + supply.domain().key()).ifPresent(kept -> supply.on(Boolean.parseBoolean(kept)));
        }
    }

    private static List<SimulatedSupply> load(String file) throws BoardFileException {
        try {
            List<SimulatedSupply> board = VoltageBoardParser.parse(BoardFile.read(file));
            LOG.info("Simulated board: {} voltage domains from {}", board.size(), file.isBlank() ? "built-in board" : file);
            return board;
        } catch (BoardFileException e) {
            LOG.error("Simulated board offers no voltage domains: {}", e.getMessage());
            throw e;
        }
    }

    @Override
    public List<VoltageDomain> domains() {
        return supplies.values().stream().map(SimulatedSupply::domain).toList();
    }

    @Override
    public int level(String domainKey) throws ScmiException {
        return supply(domainKey).level();
    }

    @Override
    public void setLevel(String domainKey, int microvolts) throws ScmiException {
        SimulatedSupply supply = supply(domainKey);
        try {
            Thread.sleep(supply.delay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScmiException(ScmiStatus.GENERIC_ERROR, "level change of " + domainKey + " interrupted");
        }
        keepLevel(supply, microvolts);
    }

    @Override
    public boolean on(String domainKey) throws ScmiException {
        return supply(domainKey).on();
    }

    @Override
    public void setOn(String domainKey, boolean on) throws ScmiException {
        keepOn(supply(domainKey), on);
    }

    @Override
    public void addListener(VoltageListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(VoltageListener listener) {
        listeners.remove(listener);
    }

    /** Every simulated supply, in id order. */
    List<SimulatedSupply> all() {
        return List.copyOf(supplies.values());
    }

    /** The supply with this key or name. */
    Optional<SimulatedSupply> find(String keyOrName) {
        return supplies.values().stream().filter(s -> s.domain().key().equals(keyOrName)
                || s.domain().name().equals(keyOrName)).findFirst();
    }

    /** The platform itself sets the level: it changes at once and the protocol is told. */
    void setLevelByPlatform(SimulatedSupply supply, int microvolts) {
        if (!supply.domain().levels().supports(microvolts)) {
            throw new IllegalArgumentException(supply.domain().name() + " cannot be set to " + microvolts + " uV");
        }
        keepLevel(supply, microvolts);
        listeners.forEach(listener -> listener.levelChanged(supply.domain().key(), microvolts));
    }

    /** The platform itself switches the supply: it changes at once and the protocol is told. */
    void setOnByPlatform(SimulatedSupply supply, boolean on) {
        keepOn(supply, on);
        listeners.forEach(listener -> listener.onChanged(supply.domain().key(), on));
    }

    private void keepLevel(SimulatedSupply supply, int microvolts) {
        supply.level(microvolts);
        state.put(LEVEL + supply.domain().key(), Integer.toString(microvolts));
    }

    private void keepOn(SimulatedSupply supply, boolean on) {
        supply.on(on);
        state.put(ON + supply.domain().key(), Boolean.toString(on));
    }

    private SimulatedSupply supply(String domainKey) throws ScmiException {
        SimulatedSupply supply = supplies.get(domainKey);
        if (supply == null) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "no simulated voltage domain " + domainKey);
        }
        return supply;
    }
}
