package org.scmi.board.sim.perf;

import java.time.Duration;
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
import org.scmi.api.perf.PerfDomain;
import org.scmi.api.perf.PerfDriver;
import org.scmi.api.perf.PerfLevel;
import org.scmi.api.perf.PerfLimits;
import org.scmi.api.perf.PerfListener;
import org.scmi.api.state.AgentStateStore;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileConfig;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.BoardState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated board's performance domains, from the {@code "performanceDomains"} array of the
 * board file (see {@link PerfBoardParser}). A level change takes the new level's latency. The
 * platform's limits are the administrator's (board file, shell) under the maxima the simulated
 * power capping zones impose; like real hardware, the board moves a domain into new limits itself
 * and reports that before the limits. A new configuration re-creates the component; a bad file is
 * logged naming the bad value and leaves the board without simulated performance domains.
 *
 * <p>Levels and the administrator's limits are the simulated hardware: they are kept in
 * {@link BoardState} ({@value #LEVEL} and {@value #LIMITS} followed by the domain key), so an
 * update of this bundle finds the domains as it left them.
 *
 * <p>Threads: changes to one domain are serialised by the domain's lock; listeners are called
 * without it, so that the protocol may call back.
 */
@Component(service = {PerfDriver.class, SimulatedPerfDomains.class}, configurationPid = BoardFile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = PerfDriver.DRIVER_KEY + "=" + SimulatedPerfDomains.DRIVER_KEY)
public final class SimulatedPerfDomains implements PerfDriver {
    /** Orders the simulated domains among other drivers' ones. */
    static final String DRIVER_KEY = "sim";
    /** The state store slot of performance hardware: the Performance domain management protocol's id. */
    static final int PERF_PROTOCOL_ID = 0x13;
    static final String LEVEL = "level/";
    static final String LIMITS = "limits/";
    private static final String SEPARATOR = ",";
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedPerfDomains.class);

    private final Map<String, SimulatedPerfDomain> domains = new LinkedHashMap<>();
    private final List<PerfListener> listeners = new CopyOnWriteArrayList<>();
    private final BoardState state;

    /** @param store where the domains' state is kept across updates of this bundle */
    @Activate
    public SimulatedPerfDomains(BoardFileConfig config, @Reference AgentStateStore store) throws BoardFileException {
        this(load(config.file()), store);
    }

    SimulatedPerfDomains(List<SimulatedPerfDomain> board, AgentStateStore store) {
        board.forEach(domain -> domains.put(domain.domain().key(), domain));
        state = BoardState.open(store, PERF_PROTOCOL_ID, board.stream().map(SimulatedPerfDomain::describe).toList());
        board.forEach(this::restore);
    }

    /** Puts a domain back as it was kept, where the kept values are still valid for it. */
    private void restore(SimulatedPerfDomain domain) {
        String key = domain.domain().key();
        state.get(LIMITS + key).map(SimulatedPerfDomains::decode)
                .filter(limits -> domain.domain().level(limits.max()).isPresent()
                        && domain.domain().level(limits.min()).isPresent())
                .ifPresent(domain::administered);
        state.get(LEVEL + key).map(Integer::parseInt).filter(level -> domain.domain().level(level).isPresent())
                .ifPresent(domain::level);
    }

    private static List<SimulatedPerfDomain> load(String file) throws BoardFileException {
        try {
            List<SimulatedPerfDomain> board = PerfBoardParser.parse(BoardFile.read(file));
            LOG.info("Simulated board: {} performance domains from {}", board.size(),
                    file.isBlank() ? "built-in board" : file);
            return board;
        } catch (BoardFileException e) {
            LOG.error("Simulated board offers no performance domains: {}", e.getMessage());
            throw e;
        }
    }

    @Override
    public List<PerfDomain> domains() {
        return domains.values().stream().map(SimulatedPerfDomain::domain).toList();
    }

    @Override
    public int level(String domainKey) throws ScmiException {
        return domain(domainKey).level();
    }

    @Override
    public void setLevel(String domainKey, int level) throws ScmiException {
        SimulatedPerfDomain domain = domain(domainKey);
        PerfLevel target = domain.domain().level(level).orElseThrow(() -> new ScmiException(ScmiStatus.OUT_OF_RANGE,
                level + " is not a level of " + domainKey));
        synchronized (domain) {
            if (!domain.limits().contains(level)) {
                throw new ScmiException(ScmiStatus.OUT_OF_RANGE, "level " + level + " outside the limits of "
                        + domainKey);
            }
            try {
                Thread.sleep(Duration.ofNanos(target.latencyMicros() * 1_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScmiException(ScmiStatus.GENERIC_ERROR, "level change of " + domainKey + " interrupted");
            }
            enter(domain, level);
        }
    }

    @Override
    public PerfLimits limits(String domainKey) throws ScmiException {
        return domain(domainKey).limits();
    }

    @Override
    public void addListener(PerfListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(PerfListener listener) {
        listeners.remove(listener);
    }

    /** Every simulated domain, in id order. */
    List<SimulatedPerfDomain> all() {
        return List.copyOf(domains.values());
    }

    /** The domain with this key or name. */
    Optional<SimulatedPerfDomain> find(String keyOrName) {
        return domains.values().stream().filter(d -> d.domain().key().equals(keyOrName)
                || d.domain().name().equals(keyOrName)).findFirst();
    }

    /** What the domain with this key draws now, in µW, for the power capping zones that contain it. */
    public int power(String domainKey) throws ScmiException {
        return domain(domainKey).power();
    }

    /** The levels of the domain with this key, for the power capping zones that throttle it. */
    public List<PerfLevel> levels(String domainKey) throws ScmiException {
        return domain(domainKey).domain().levels();
    }

    /** The platform itself moves the domain to {@code level}, within its limits; the protocol is told. */
    void setLevelByPlatform(SimulatedPerfDomain domain, int level) {
        synchronized (domain) {
            if (domain.domain().level(level).isEmpty() || !domain.limits().contains(level)) {
                throw new IllegalArgumentException(domain.domain().name() + " has no level " + level + " within its "
                        + "limits " + describe(domain.limits()));
            }
            enter(domain, level);
        }
        listeners.forEach(listener -> listener.levelChanged(domain.domain().key(), level));
    }

    /** The administrator sets the platform's limits; the domain moves into them and the protocol is told. */
    void setLimitsByPlatform(SimulatedPerfDomain domain, PerfLimits limits) {
        if (domain.domain().level(limits.max()).isEmpty() || domain.domain().level(limits.min()).isEmpty()) {
            throw new IllegalArgumentException("limits of " + domain.domain().name() + " must be levels of it; its "
                    + "levels: " + domain.domain().levels().stream().map(PerfLevel::value).toList());
        }
        limit(domain, () -> {
            domain.administered(limits);
            state.put(LIMITS + domain.domain().key(), encode(limits));
        });
    }

    /**
     * Power capping zone {@code zoneKey} lets the domain with key {@code domainKey} run at most at
     * {@code maximum} (null: at any level); the domain moves under it and the protocol is told.
     */
    public void capMaximum(String domainKey, String zoneKey, Integer maximum) throws ScmiException {
        SimulatedPerfDomain domain = domain(domainKey);
        limit(domain, () -> domain.zoneMaximum(zoneKey, maximum));
    }

    /** Changes what the platform's limits are made of; if they moved, moves the level into them, then tells. */
    private void limit(SimulatedPerfDomain domain, Runnable change) {
        PerfLimits limits;
        int level;
        boolean moved;
        synchronized (domain) {
            PerfLimits before = domain.limits();
            change.run();
            limits = domain.limits();
            if (limits.equals(before)) {
                return;
            }
            level = limits.clamp(domain.level());
            moved = level != domain.level();
            if (moved) {
                enter(domain, level);
            }
        }
        String key = domain.domain().key();
        if (moved) {
            listeners.forEach(listener -> listener.levelChanged(key, level));
        }
        listeners.forEach(listener -> listener.limitsChanged(key, limits));
    }

    private void enter(SimulatedPerfDomain domain, int level) {
        domain.level(level);
        state.put(LEVEL + domain.domain().key(), Integer.toString(level));
    }

    private SimulatedPerfDomain domain(String domainKey) throws ScmiException {
        SimulatedPerfDomain domain = domains.get(domainKey);
        if (domain == null) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "no simulated performance domain " + domainKey);
        }
        return domain;
    }

    /** {@code max..min} as the shell shows limits. */
    static String describe(PerfLimits limits) {
        return limits.max() + ".." + limits.min();
    }

    private static String encode(PerfLimits limits) {
        return limits.max() + SEPARATOR + limits.min();
    }

    private static PerfLimits decode(String stored) {
        String[] ends = stored.split(SEPARATOR);
        return new PerfLimits(Integer.parseInt(ends[0]), Integer.parseInt(ends[1]));
    }
}
