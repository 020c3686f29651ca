package org.scmi.board.sim.clock;

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
import org.scmi.api.clock.Clock;
import org.scmi.api.clock.ClockDriver;
import org.scmi.api.clock.ClockListener;
import org.scmi.api.state.AgentStateStore;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileConfig;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.BoardState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated board's clocks, from the {@code "clocks"} array of the board file (see
 * {@link ClockBoardParser}). A rate or parent change takes the clock's configured delay, which
 * lets agents exercise asynchronous rate changes and delayed responses. A new configuration
 * re-creates the component, so the protocol sees the old clocks leave and the new ones arrive; a
 * bad file is logged naming the bad value and leaves the board without simulated clocks until it
 * is fixed.
 *
 * <p>Rates, enables and parents are the simulated hardware: they are kept in {@link BoardState}
 * ({@value #RATE}, {@value #ENABLED}, {@value #PARENT} followed by the clock key), so an update of
 * this bundle finds the clocks as it left them.
 */
@Component(service = {ClockDriver.class, SimulatedClocks.class}, configurationPid = BoardFile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ClockDriver.DRIVER_KEY + "=" + SimulatedClocks.DRIVER_KEY)
public final class SimulatedClocks implements ClockDriver {
    /** Orders the simulated clocks among other drivers' ones. */
    static final String DRIVER_KEY = "sim";
    /** The state store slot of clock hardware: the Clock management protocol's id. */
    static final int CLOCK_PROTOCOL_ID = 0x14;
    static final String RATE = "rate/";
    static final String ENABLED = "enabled/";
    static final String PARENT = "parent/";
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedClocks.class);

    private final Map<String, SimulatedClock> clocks = new LinkedHashMap<>();
    private final List<ClockListener> listeners = new CopyOnWriteArrayList<>();
    private final BoardState state;

    /** @param store where the clocks' state is kept across updates of this bundle */
    @Activate
    public SimulatedClocks(BoardFileConfig config, @Reference AgentStateStore store) throws BoardFileException {
        this(load(config.file()), store);
    }

    SimulatedClocks(List<SimulatedClock> board, AgentStateStore store) {
        board.forEach(clock -> clocks.put(clock.clock().key(), clock));
        state = BoardState.open(store, CLOCK_PROTOCOL_ID, board.stream().map(SimulatedClock::describe).toList());
        board.forEach(this::restore);
    }

    /** Puts a clock back as it was kept, where the kept values are still valid for it. */
    private void restore(SimulatedClock clock) {
        String key = clock.clock().key();
        state.get(RATE + key).map(Long::parseLong).filter(clock.clock().rates()::supports).ifPresent(clock::rate);
        state.get(ENABLED + key).map(Boolean::parseBoolean).ifPresent(clock::enabled);
        state.get(PARENT + key).filter(clock.clock().parents()::contains).ifPresent(clock::parent);
    }

    private static List<SimulatedClock> load(String file) throws BoardFileException {
        try {
            List<SimulatedClock> board = ClockBoardParser.parse(BoardFile.read(file));
            LOG.info("Simulated board: {} clocks from {}", board.size(), file.isBlank() ? "built-in board" : file);
            return board;
        } catch (BoardFileException e) {
            LOG.error("Simulated board offers no clocks: {}", e.getMessage());
            throw e;
        }
    }

    @Override
    public List<Clock> clocks() {
        return clocks.values().stream().map(SimulatedClock::clock).toList();
    }

    @Override
    public long rate(String clockKey) throws ScmiException {
        return clock(clockKey).rate();
    }

    @Override
    public void setRate(String clockKey, long rate) throws ScmiException {
        SimulatedClock clock = clock(clockKey);
        takeTime(clock);
        clock.rate(rate);
        state.put(RATE + clockKey, Long.toString(rate));
    }

    @Override
    public boolean enabled(String clockKey) throws ScmiException {
        return clock(clockKey).enabled();
    }

    @Override
    public void setEnabled(String clockKey, boolean enabled) throws ScmiException {
        clock(clockKey).enabled(enabled);
        state.put(ENABLED + clockKey, Boolean.toString(enabled));
    }

    @Override
    public String parent(String clockKey) throws ScmiException {
        return clock(clockKey).parent();
    }

    @Override
    public void setParent(String clockKey, String parentKey) throws ScmiException {
        SimulatedClock clock = clock(clockKey);
        takeTime(clock);
        clock.parent(parentKey);
        state.put(PARENT + clockKey, parentKey);
    }

    @Override
    public void addListener(ClockListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(ClockListener listener) {
        listeners.remove(listener);
    }

    /** Every simulated clock, in id order. */
    List<SimulatedClock> all() {
        return List.copyOf(clocks.values());
    }

    /** The clock with this key or name. */
    Optional<SimulatedClock> find(String keyOrName) {
        return clocks.values().stream().filter(c -> c.clock().key().equals(keyOrName)
                || c.clock().name().equals(keyOrName)).findFirst();
    }

    /** The platform itself changes the rate: it changes at once and the protocol is told. */
    void setRateByPlatform(SimulatedClock clock, long rate) {
        if (!clock.clock().rates().supports(rate)) {
            throw new IllegalArgumentException(clock.clock().name() + " cannot run at " + rate + " Hz; its rates: "
                    + ClockCommands.describe(clock.clock().rates()));
        }
        clock.rate(rate);
        state.put(RATE + clock.clock().key(), Long.toString(rate));
        listeners.forEach(listener -> listener.rateChanged(clock.clock().key(), rate));
    }

    private static void takeTime(SimulatedClock clock) throws ScmiException {
        try {
            Thread.sleep(clock.change());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScmiException(ScmiStatus.GENERIC_ERROR, "change of " + clock.clock().key() + " interrupted");
        }
    }

    private SimulatedClock clock(String clockKey) throws ScmiException {
        SimulatedClock clock = clocks.get(clockKey);
        if (clock == null) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "no simulated clock " + clockKey);
        }
        return clock;
    }
}
