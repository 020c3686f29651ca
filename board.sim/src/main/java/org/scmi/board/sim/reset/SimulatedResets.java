package org.scmi.board.sim.reset;

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
import org.scmi.api.reset.ResetDomain;
import org.scmi.api.reset.ResetDriver;
import org.scmi.api.reset.ResetListener;
import org.scmi.api.reset.ResetStates;
import org.scmi.api.state.AgentStateStore;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileConfig;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.BoardState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated board's reset lines, from the {@code "resetDomains"} array of the board file (see
 * {@link ResetBoardParser}). An autonomous reset takes the line's configured delay, which lets
 * agents exercise asynchronous resets. Whether each line is asserted, and how many resets it went
 * through, is the simulated hardware: kept in {@link BoardState} ({@value #ASSERTED} and
 * {@value #RESETS} followed by the domain key), so an update of this bundle finds the lines as it
 * left them.
 */
@Component(service = {ResetDriver.class, SimulatedResets.class}, configurationPid = BoardFile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ResetDriver.DRIVER_KEY + "=" + SimulatedResets.DRIVER_KEY)
public final class SimulatedResets implements ResetDriver {
    /** Orders the simulated domains among other drivers' ones. */
    static final String DRIVER_KEY = "sim";
    /** The state store slot of reset hardware: the Reset domain management protocol's id. */
    static final int RESET_PROTOCOL_ID = 0x16;
    static final String ASSERTED = "asserted/";
    static final String RESETS = "resets/";
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedResets.class);

    private final Map<String, SimulatedReset> lines = new LinkedHashMap<>();
    private final List<ResetListener> listeners = new CopyOnWriteArrayList<>();
    private final BoardState state;

    /** @param store where the lines' states are kept across updates of this bundle */
    @Activate
    public SimulatedResets(BoardFileConfig config, @Reference AgentStateStore store) throws BoardFileException {
        this(load(config.file()), store);
    }

    SimulatedResets(List<SimulatedReset> board, AgentStateStore store) {
        board.forEach(line -> lines.put(line.domain().key(), line));
        state = BoardState.open(store, RESET_PROTOCOL_ID, board.stream().map(SimulatedReset::describe).toList());
        for (SimulatedReset line : board) {
            state.get(ASSERTED + line.domain().key()).ifPresent(kept -> line.asserted(Boolean.parseBoolean(kept)));
            state.get(RESETS + line.domain().key()).ifPresent(kept -> line.resets(Long.parseLong(kept)));
        }
    }

    private static List<SimulatedReset> load(String file) throws BoardFileException {
        try {
            List<SimulatedReset> board = ResetBoardParser.parse(BoardFile.read(file));
            LOG.info("Simulated board: {} reset domains from {}", board.size(), file.isBlank() ? "built-in board" : file);
            return board;
        } catch (BoardFileException e) {
            LOG.error("Simulated board offers no reset domains: {}", e.getMessage());
            throw e;
        }
    }

    @Override
    public List<ResetDomain> domains() {
        return lines.values().stream().map(SimulatedReset::domain).toList();
    }

    @Override
    public void reset(String domainKey, int resetState) throws ScmiException {
        SimulatedReset line = line(domainKey);
        try {
            Thread.sleep(line.delay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScmiException(ScmiStatus.GENERIC_ERROR, "reset of " + domainKey + " interrupted");
        }
        pulse(line);
        LOG.info("Simulated reset line {} went through reset 0x{}", line.domain().name(), Integer.toHexString(resetState));
    }

    @Override
    public void setAsserted(String domainKey, boolean asserted, int resetState) throws ScmiException {
        SimulatedReset line = line(domainKey);
        hold(line, asserted);
        LOG.info("Simulated reset line {} {} (reset state 0x{})", line.domain().name(),
                asserted ? "asserted" : "released", Integer.toHexString(resetState));
    }

    @Override
    public boolean asserted(String domainKey) throws ScmiException {
        return line(domainKey).asserted();
    }

    @Override
    public void addListener(ResetListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(ResetListener listener) {
        listeners.remove(listener);
    }

    /** Every simulated line, in id order. */
    List<SimulatedReset> all() {
        return List.copyOf(lines.values());
    }

    /** The line with this key or name. */
    Optional<SimulatedReset> find(String keyOrName) {
        return lines.values().stream().filter(l -> l.domain().key().equals(keyOrName)
                || l.domain().name().equals(keyOrName)).findFirst();
    }

    /** The platform itself resets the domain (a watchdog): it goes through a reset and the protocol is told. */
    void resetByPlatform(SimulatedReset line) {
        pulse(line);
        listeners.forEach(listener -> listener.resetIssued(line.domain().key(), ResetStates.ARCHITECTURAL_COLD));
    }

    /** A reset ends with the line released. */
    private void pulse(SimulatedReset line) {
        line.resets(line.resets() + 1);
        state.put(RESETS + line.domain().key(), Long.toString(line.resets()));
        hold(line, false);
    }

    private void hold(SimulatedReset line, boolean asserted) {
        line.asserted(asserted);
        state.put(ASSERTED + line.domain().key(), Boolean.toString(asserted));
    }

    private SimulatedReset line(String domainKey) throws ScmiException {
        SimulatedReset line = lines.get(domainKey);
        if (line == null) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "no simulated reset domain " + domainKey);
        }
        return line;
    }
}
