package org.scmi.board.sim.powercap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.perf.PerfDomain;
import org.scmi.api.perf.PerfLevel;
import org.scmi.api.powercap.PowercapDriver;
import org.scmi.api.powercap.PowercapListener;
import org.scmi.api.powercap.PowercapZone;
import org.scmi.api.state.AgentStateStore;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileConfig;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.BoardState;
import org.scmi.board.sim.perf.SimulatedPerfDomains;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated board's power capping zones, from the {@code "powercapZones"} array of the board
 * file (see {@link PowercapBoardParser}). A zone draws its own power plus what its performance
 * domains draw at their levels; it enforces a cap as a real platform does, by lowering the highest
 * level its domains may run at (the simulated performance domains' platform limits) until what they
 * would draw at most fits under the cap, the domain drawing most at its allowed level first. At the
 * end of each averaging interval it reports its power to the protocol; its power is what it draws
 * when asked (the simulation's draw does not vary within an interval by itself).
 *
 * <p>Caps, intervals and draws are the simulated hardware: they are kept in {@link BoardState}
 * ({@value #CAP}, {@value #INTERVAL}, {@value #DRAW} followed by the zone key), so an update of this
 * bundle finds the zones as it left them.
 *
 * <p>Threads: a cap change of one zone holds the zone's lock while it throttles the domains; one
 * scheduler thread ends the zones' averaging intervals.
 */
@Component(service = {PowercapDriver.class, SimulatedPowercap.class}, configurationPid = BoardFile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = PowercapDriver.DRIVER_KEY + "=" + SimulatedPowercap.DRIVER_KEY)
public final class SimulatedPowercap implements PowercapDriver {
    /** Orders the simulated zones among other drivers' ones. */
    static final String DRIVER_KEY = "sim";
    /** The state store slot of power capping hardware: the Powercap protocol's id. */
    static final int POWERCAP_PROTOCOL_ID = 0x18;
    static final String CAP = "cap/";
    static final String INTERVAL = "interval/";
    static final String DRAW = "draw/";
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedPowercap.class);

    private final Map<String, SimulatedZone> zones = new LinkedHashMap<>();
    private final List<PowercapListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, ScheduledFuture<?>> intervals = new ConcurrentHashMap<>();
    private final ScheduledExecutorService intervalEnds =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("sim-powercap-intervals")
                    .factory());
    private final SimulatedPerfDomains perf;
    private final BoardState state;

    /**
     * @param store where the zones' state is kept across updates of this bundle
     * @param perf the simulated performance domains the zones draw through
     */
    @Activate
    public SimulatedPowercap(BoardFileConfig config, @Reference AgentStateStore store,
            @Reference SimulatedPerfDomains perf) throws BoardFileException {
        this(load(config.file(), perf), store, perf);
    }

    SimulatedPowercap(List<SimulatedZone> board, AgentStateStore store, SimulatedPerfDomains perf) {
        this.perf = perf;
        board.forEach(zone -> zones.put(zone.zone().key(), zone));
        state = BoardState.open(store, POWERCAP_PROTOCOL_ID, board.stream().map(SimulatedZone::describe).toList());
        for (SimulatedZone zone : board) {
            restore(zone);
            try {
                throttle(zone);
            } catch (ScmiException e) {
                LOG.error("Simulated powercap zone {} cannot throttle its domains: {}", zone.zone().key(),
                        e.getMessage());
            }
            endIntervals(zone);
        }
    }

    /** Puts a zone back as it was kept, where the kept values are still valid for it. */
    private void restore(SimulatedZone zone) {
        PowercapZone description = zone.zone();
        state.get(CAP + description.key()).map(Integer::parseInt)
                .filter(cap -> cap == 0 || description.cap().contains(cap)).ifPresent(zone::cap);
        state.get(INTERVAL + description.key()).map(Integer::parseInt)
                .filter(description.averagingInterval()::contains).ifPresent(zone::interval);
        state.get(DRAW + description.key()).map(Integer::parseInt).ifPresent(zone::draw);
    }

    private static List<SimulatedZone> load(String file, SimulatedPerfDomains perf) throws BoardFileException {
        try {
            Set<String> domains = perf.domains().stream().map(PerfDomain::key).collect(Collectors.toSet());
            List<SimulatedZone> board = PowercapBoardParser.parse(BoardFile.read(file), domains);
            LOG.info("Simulated board: {} powercap zones from {}", board.size(), file.isBlank() ? "built-in board"
                    : file);
            return board;
        } catch (BoardFileException e) {
            LOG.error("Simulated board offers no powercap zones: {}", e.getMessage());
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        intervalEnds.shutdownNow();
    }

    @Override
    public List<PowercapZone> zones() {
        return zones.values().stream().map(SimulatedZone::zone).toList();
    }

    @Override
    public int cap(String zoneKey) throws ScmiException {
        return zone(zoneKey).cap();
    }

    @Override
    public void setCap(String zoneKey, int cap) throws ScmiException {
        SimulatedZone zone = zone(zoneKey);
        if (cap != 0 && !zone.zone().cap().contains(cap)) {
            throw new ScmiException(ScmiStatus.OUT_OF_RANGE, cap + " µW is not a cap of " + zoneKey);
        }
        try {
            Thread.sleep(Duration.ofMillis(zone.zone().capChangeMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScmiException(ScmiStatus.GENERIC_ERROR, "cap change of " + zoneKey + " interrupted");
        }
        enforce(zone, cap);
    }

    @Override
    public int averagingInterval(String zoneKey) throws ScmiException {
        return zone(zoneKey).interval();
    }

    @Override
    public void setAveragingInterval(String zoneKey, int micros) throws ScmiException {
        SimulatedZone zone = zone(zoneKey);
        zone.interval(micros);
        state.put(INTERVAL + zoneKey, Integer.toString(micros));
        endIntervals(zone);
    }

    @Override
    public int power(String zoneKey) throws ScmiException {
        return power(zone(zoneKey));
    }

    @Override
    public void addListener(PowercapListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(PowercapListener listener) {
        listeners.remove(listener);
    }

    /** Every simulated zone, in id order. */
    List<SimulatedZone> all() {
        return List.copyOf(zones.values());
    }

    /** The zone with this key or name. */
    Optional<SimulatedZone> find(String keyOrName) {
        return zones.values().stream().filter(z -> z.zone().key().equals(keyOrName)
                || z.zone().name().equals(keyOrName)).findFirst();
    }

    /** The platform itself caps the zone at {@code cap} µW (0: lifts its cap); the protocol is told. */
    void setCapByPlatform(SimulatedZone zone, int cap) throws ScmiException {
        if (cap != 0 && !zone.zone().cap().contains(cap)) {
            throw new IllegalArgumentException(zone.zone().name() + " cannot be capped at " + cap + " µW; its caps: "
                    + zone.zone().cap() + ", or 0 for none");
        }
        enforce(zone, cap);
        listeners.forEach(listener -> listener.capChanged(zone.zone().key(), cap));
    }

    /** What the zone draws beside its performance domains changes (a load elsewhere on the board). */
    void setDraw(SimulatedZone zone, int microwatts) {
        zone.draw(microwatts);
        state.put(DRAW + zone.zone().key(), Integer.toString(microwatts));
    }

    /** What the zone draws now: its own draw and its children's, and its domains' and its children's. */
    int power(SimulatedZone zone) throws ScmiException {
        int power = draws(zone);
        for (String domain : domains(zone)) {
            power += perf.power(domain);
        }
        return power;
    }

    /** Keys of the performance domains of the zone and of the zones it contains, each once. */
    Set<String> domains(SimulatedZone zone) {
        Set<String> domains = new LinkedHashSet<>(zone.perfDomains());
        children(zone).forEach(child -> domains.addAll(domains(child)));
        return domains;
    }

    private int draws(SimulatedZone zone) {
        return zone.draw() + children(zone).stream().mapToInt(this::draws).sum();
    }

    private List<SimulatedZone> children(SimulatedZone zone) {
        return zones.values().stream().filter(child -> zone.zone().key().equals(child.zone().parentKey())).toList();
    }

    private void enforce(SimulatedZone zone, int cap) throws ScmiException {
        synchronized (zone) {
            zone.cap(cap);
            state.put(CAP + zone.zone().key(), Integer.toString(cap));
            throttle(zone);
        }
    }

    /**
     * Lets each performance domain of the zone run at most at the highest level that keeps what they
     * would all draw, with the zones' own draw, under the cap: from every domain at its highest
     * level, the domain drawing most steps down one level at a time. Without a cap, lifts them all.
     */
    private void throttle(SimulatedZone zone) throws ScmiException {
        List<String> domains = new ArrayList<>(domains(zone));
        List<List<PerfLevel>> levels = new ArrayList<>();
        int[] allowed = new int[domains.size()];
        long total = draws(zone);
        for (int i = 0; i < domains.size(); i++) {
            levels.add(perf.levels(domains.get(i)));
            allowed[i] = levels.get(i).size() - 1;
            total += levels.get(i).get(allowed[i]).powerMicrowatts();
        }
        while (zone.cap() != 0 && total > zone.cap()) {
            int hungriest = -1;
            for (int i = 0; i < domains.size(); i++) {
                if (allowed[i] > 0 && (hungriest < 0 || levels.get(i).get(allowed[i]).powerMicrowatts()
                        > levels.get(hungriest).get(allowed[hungriest]).powerMicrowatts())) {
                    hungriest = i;
                }
            }
            if (hungriest < 0) {
                break;
            }
            total -= levels.get(hungriest).get(allowed[hungriest]).powerMicrowatts();
            allowed[hungriest]--;
            total += levels.get(hungriest).get(allowed[hungriest]).powerMicrowatts();
        }
        for (int i = 0; i < domains.size(); i++) {
            boolean unlimited = allowed[i] == levels.get(i).size() - 1;
            perf.capMaximum(domains.get(i), zone.zone().key(), unlimited ? null : levels.get(i).get(allowed[i]).value());
        }
    }

    /** (Re)starts reporting the zone's power at the end of each of its averaging intervals. */
    private void endIntervals(SimulatedZone zone) {
        if (!zone.zone().monitored() || intervalEnds.isShutdown()) {
            return;
        }
        ScheduledFuture<?> previous = intervals.put(zone.zone().key(), intervalEnds.scheduleWithFixedDelay(
                () -> report(zone), zone.interval(), zone.interval(), TimeUnit.MICROSECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    private void report(SimulatedZone zone) {
        try {
            int power = power(zone);
            listeners.forEach(listener -> listener.measured(zone.zone().key(), power));
        } catch (ScmiException e) {
            LOG.warn("Simulated powercap zone {} cannot measure its power: {}", zone.zone().key(), e.getMessage());
        }
    }

    private SimulatedZone zone(String zoneKey) throws ScmiException {
        SimulatedZone zone = zones.get(zoneKey);
        if (zone == null) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "no simulated powercap zone " + zoneKey);
        }
        return zone;
    }
}
