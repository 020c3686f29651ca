package org.scmi.board.sim.clock;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.clock.Clock;
import org.scmi.api.clock.ClockDriver;
import org.scmi.api.clock.ClockListener;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileConfig;
import org.scmi.board.sim.file.BoardFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated board's clocks, from the {@code "clocks"} array of the board file (see
 * {@link ClockBoardParser}). A rate or parent change takes the clock's configured delay, which
 * lets agents exercise asynchronous rate changes and delayed responses. A new configuration
 * re-creates the component, so the protocol sees the old clocks leave and the new ones arrive; a
 * bad file is logged naming the bad value and leaves the board without simulated clocks until it
 * is fixed.
 */
@Component(service = {ClockDriver.class, SimulatedClocks.class}, configurationPid = BoardFile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ClockDriver.DRIVER_KEY + "=" + SimulatedClocks.DRIVER_KEY)
public final class SimulatedClocks implements ClockDriver {
    /** Orders the simulated clocks among other drivers' ones. */
    static final String DRIVER_KEY = "sim";
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedClocks.class);

    private final Map<String, SimulatedClock> clocks = new LinkedHashMap<>();
    private final List<ClockListener> listeners = new CopyOnWriteArrayList<>();

    @Activate
    public SimulatedClocks(BoardFileConfig config) throws BoardFileException {
        this(load(config.file()));
    }

    SimulatedClocks(List<SimulatedClock> board) {
        board.forEach(clock -> clocks.put(clock.clock().key(), clock));
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
    }

    @Override
    public boolean enabled(String clockKey) throws ScmiException {
        return clock(clockKey).enabled();
    }

    @Override
    public void setEnabled(String clockKey, boolean enabled) throws ScmiException {
        clock(clockKey).enabled(enabled);
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
