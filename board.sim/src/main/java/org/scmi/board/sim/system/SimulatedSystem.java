package org.scmi.board.sim.system;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.state.AgentStateStore;
import org.scmi.api.system.SystemPowerDriver;
import org.scmi.api.system.SystemState;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileConfig;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.BoardState;
import org.scmi.board.sim.file.JsonFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated board's system power, from the {@code "systemPower"} object of the board file:
 *
 * <pre>
 * "systemPower": { "transitions": ["shutdown", "cold-reset", "warm-reset", "suspend"] }
 * </pre>
 *
 * listing what the board carries out (optional, default all four). A simulation cannot power its
 * own host off: a transition is logged and counted (kept in {@link BoardState}, key {@value #ENTERED}
 * followed by the state), and the simulated system keeps running, so it always reports POWER_UP.
 */
@Component(service = SystemPowerDriver.class, configurationPid = BoardFile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = SystemPowerDriver.DRIVER_KEY + "=" + SimulatedSystem.DRIVER_KEY)
public final class SimulatedSystem implements SystemPowerDriver {
    static final String DRIVER_KEY = "sim";
    /** The state store slot of system power hardware: the System power management protocol's id. */
    static final int SYSTEM_PROTOCOL_ID = 0x12;
    static final String OBJECT = "systemPower";
    static final String ENTERED = "entered/";
    private static final Set<SystemState> ALL = EnumSet.of(SystemState.SHUTDOWN, SystemState.COLD_RESET,
            SystemState.WARM_RESET, SystemState.SUSPEND);
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedSystem.class);

    private final Set<SystemState> transitions;
    private final BoardState state;

    @Activate
    public SimulatedSystem(BoardFileConfig config, @Reference AgentStateStore store) throws BoardFileException {
        this(load(config.file()), store);
    }

    SimulatedSystem(Set<SystemState> transitions, AgentStateStore store) {
        this.transitions = Set.copyOf(transitions);
        this.state = BoardState.open(store, SYSTEM_PROTOCOL_ID, transitions);
    }

    static Set<SystemState> parse(JsonFields board) throws BoardFileException {
        if (!board.has(OBJECT)) {
            return ALL;
        }
        JsonFields system = board.object(OBJECT);
        system.onlyFields(Set.of("transitions"));
        if (!system.has("transitions")) {
            return ALL;
        }
        Set<SystemState> transitions = EnumSet.noneOf(SystemState.class);
        List<String> names = system.strings("transitions");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            SystemState named = ALL.stream().filter(s -> s.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    .equals(name.toLowerCase(Locale.ROOT))).findFirst().orElse(null);
            if (named == null) {
                throw system.error("transitions[" + i + "]", "expected shutdown, cold-reset, warm-reset or suspend, "
                        + "found \"" + name + "\"");
            }
            transitions.add(named);
        }
        return transitions;
    }

    private static Set<SystemState> load(String file) throws BoardFileException {
        try {
            return parse(BoardFile.read(file));
        } catch (BoardFileException e) {
            LOG.error("Simulated board offers no system power: {}", e.getMessage());
            throw e;
        }
    }

    @Override
    public Set<SystemState> transitions() {
        return transitions;
    }

    @Override
    public SystemState state() {
        return SystemState.POWER_UP;
    }

    @Override
    public void enter(SystemState target) throws ScmiException {
        if (!transitions.contains(target)) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "the simulated board does not carry out " + target);
        }
        long count = state.get(ENTERED + target.name()).map(Long::parseLong).orElse(0L) + 1;
        state.put(ENTERED + target.name(), Long.toString(count));
        LOG.warn("Simulated board: {} carried out ({} so far); a simulation keeps running", target, count);
    }

    /** How often the board carried out a transition since it was first loaded. */
    long entered(SystemState target) {
        return state.get(ENTERED + target.name()).map(Long::parseLong).orElse(0L);
    }
}
