package org.scmi.board.sim.power;

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
import org.scmi.api.power.PowerDomain;
import org.scmi.api.power.PowerDomainDriver;
import org.scmi.api.power.PowerDomainListener;
import org.scmi.api.state.AgentStateStore;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileConfig;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.BoardState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated board's power domains, from the {@code "powerDomains"} array of the board file
 * (see {@link PowerBoardParser}). A transition takes the domain's configured delay, which lets
 * agents exercise asynchronous sets. A new configuration re-creates the component, so the
 * protocol sees the old domains leave and the new ones arrive; a bad file is logged naming the
 * bad value and leaves the board without simulated power domains until it is fixed.
 *
 * <p>Power states are the simulated hardware: they are kept in {@link BoardState} ({@value #STATE}
 * followed by the domain key, the state word in hexadecimal), so an update of this bundle finds the
 * domains as it left them.
 */
@Component(service = {PowerDomainDriver.class, SimulatedPowerDomains.class}, configurationPid = BoardFile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = PowerDomainDriver.DRIVER_KEY + "=" + SimulatedPowerDomains.DRIVER_KEY)
public final class SimulatedPowerDomains implements PowerDomainDriver {
    /** Orders the simulated domains among other drivers' ones. */
    static final String DRIVER_KEY = "sim";
    /** The state store slot of power domain hardware: the Power domain management protocol's id. */
    static final int POWER_PROTOCOL_ID = 0x11;
    static final String STATE = "state/";
    private static final int HEX = 16;
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedPowerDomains.class);

    private final Map<String, SimulatedDomain> domains = new LinkedHashMap<>();
    private final List<PowerDomainListener> listeners = new CopyOnWriteArrayList<>();
    private final BoardState state;

    /** @param store where the domains' states are kept across updates of this bundle */
    @Activate
    public SimulatedPowerDomains(BoardFileConfig config, @Reference AgentStateStore store) throws BoardFileException {
        this(load(config.file()), store);
    }

    SimulatedPowerDomains(List<SimulatedDomain> board, AgentStateStore store) {
        board.forEach(domain -> domains.put(domain.domain().key(), domain));
        state = BoardState.open(store, POWER_PROTOCOL_ID, board.stream().map(SimulatedDomain::describe).toList());
        for (SimulatedDomain domain : board) {
            state.get(STATE + domain.domain().key()).map(word -> Integer.parseUnsignedInt(word, HEX))
                    .filter(word -> domain.domain().rank(word) >= 0).ifPresent(domain::state);
        }
    }

    private static List<SimulatedDomain> load(String file) throws BoardFileException {
        try {
            List<SimulatedDomain> board = PowerBoardParser.parse(BoardFile.read(file));
            LOG.info("Simulated board: {} power domains from {}", board.size(), file.isBlank() ? "built-in board" : file);
            return board;
        } catch (BoardFileException e) {
            LOG.error("Simulated board offers no power domains: {}", e.getMessage());
            throw e;
        }
    }

    @Override
    public List<PowerDomain> domains() {
        return domains.values().stream().map(SimulatedDomain::domain).toList();
    }

    @Override
    public int state(String domainKey) throws ScmiException {
        return domain(domainKey).state();
    }

    @Override
    public void setState(String domainKey, int state) throws ScmiException {
        SimulatedDomain domain = domain(domainKey);
        try {
            Thread.sleep(domain.transition());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScmiException(ScmiStatus.GENERIC_ERROR, "transition of " + domainKey + " interrupted");
        }
        enter(domain, state);
    }

    @Override
    public void addListener(PowerDomainListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(PowerDomainListener listener) {
        listeners.remove(listener);
    }

    /** Every simulated domain, in id order. */
    List<SimulatedDomain> all() {
        return List.copyOf(domains.values());
    }

    /** The domain with this key or name. */
    Optional<SimulatedDomain> find(String keyOrName) {
        return domains.values().stream().filter(d -> d.domain().key().equals(keyOrName)
                || d.domain().name().equals(keyOrName)).findFirst();
    }

    /** The platform itself switches the domain: it changes at once and the protocol is told. */
    void switchByPlatform(SimulatedDomain domain, int state) {
        if (domain.domain().rank(state) < 0) {
            throw new IllegalArgumentException(String.format("%s has no state 0x%08x; its states: %s",
                    domain.domain().name(), state, StateWords.describe(domain.domain().states())));
        }
        enter(domain, state);
        listeners.forEach(listener -> listener.stateChanged(domain.domain().key(), state));
    }

    /** Puts the domain into a state and keeps it. */
    private void enter(SimulatedDomain domain, int word) {
        domain.state(word);
        state.put(STATE + domain.domain().key(), Integer.toHexString(word));
    }

    private SimulatedDomain domain(String domainKey) throws ScmiException {
        SimulatedDomain domain = domains.get(domainKey);
        if (domain == null) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "no simulated power domain " + domainKey);
        }
        return domain;
    }
}
