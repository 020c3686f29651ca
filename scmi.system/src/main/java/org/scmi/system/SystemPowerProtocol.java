package org.scmi.system;

import static org.scmi.system.SystemMessages.*;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.MessageHandler;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;
import org.scmi.api.state.AgentStateStore;
import org.scmi.support.BoundDriver;
import org.scmi.support.DirectoryReference;
import org.scmi.support.DriverArrivals;
import org.scmi.support.Subscriptions;
import org.scmi.api.system.SystemPowerDriver;
import org.scmi.api.system.SystemState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The System power management protocol (0x12, v2.1): agents learn that the platform wants them to
 * shut down, reboot or suspend (SYSTEM_POWER_STATE_NOTIFIER, sent by the administrator from the
 * shell), and a trusted agent may ask for the whole system to change state.
 *
 * <p><b>Policy for SYSTEM_POWER_STATE_SET.</b> Checked in this order: reserved flag bits and states
 * the protocol does not define are INVALID_PARAMETERS; POWER_UP is NOT_SUPPORTED (the system runs
 * whenever an agent can ask); an agent the platform does not trust ({@link Agent#trusted()}, the one
 * source of trust) is DENIED, since every state changes the whole board under every other agent; a
 * transition the board's {@link SystemPowerDriver} cannot carry out, or no driver at all, is
 * NOT_SUPPORTED. Every request, granted or not, is logged and kept for the shell
 * ({@code systemPower}). A granted request is told to every other subscribed agent; a forceful one
 * then reaches the board at once, a graceful one once the graceful timeout has given the other
 * agents time to shut down. The pending transition is kept in the platform's
 * {@link AgentStateStore}, so an update of this bundle carries it out all the same.
 *
 * <p>Subscriptions are kept in the store too ({@value #SUBSCRIPTION}), so they outlive the bundle.
 *
 * <p>Threads: commands and the shell run on their callers' threads; the board is asked on a virtual
 * thread of this protocol, which also waits out a graceful timeout.
 */
@Component(service = {ScmiProtocol.class, SystemPowerProtocol.class}, configurationPid = SystemPowerProtocol.PID,
        property = {ScmiProtocol.PROTOCOL_ID + ":Integer=18", ScmiProtocol.EVENTS + ":Boolean=true"})
@Designate(ocd = SystemPowerConfig.class)
public final class SystemPowerProtocol implements ScmiProtocol {
    static final String PID = "org.scmi.system";
    /** Store key of a SYSTEM_POWER_STATE_NOTIFY subscription (the protocol has one event source). */
    static final String SUBSCRIPTION = "notify/system";
    /** Store key, under the platform, of a granted transition waiting for its graceful timeout. */
    static final String PENDING = "pending";
    private static final String SYSTEM = "system";
    private static final String NOTIFY_PREFIX = "notify/";
    private static final int PLATFORM = 0;
    private static final Logger LOG = LoggerFactory.getLogger(SystemPowerProtocol.class);

    /** What became of a request to one agent. */
    enum Delivery {
        NOTIFIED("notified"),
        NOT_SUBSCRIBED("not subscribed to SYSTEM_POWER_STATE_NOTIFIER"),
        NO_EVENT_CHANNEL("no event channel"),
        NOT_CONNECTED("not connected");

        private final String text;

        Delivery(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** One agent's outcome of a request. */
    record Told(Agent agent, Delivery delivery) {
    }

    private final Map<Integer, MessageHandler> handlers = Map.of(
            MSG_PROTOCOL_ATTRIBUTES, MessageHandler.of(0, this::protocolAttributes),
            STATE_SET, MessageHandler.of(STATE_SET_LENGTH, this::stateSet),
            STATE_GET, MessageHandler.of(0, this::stateGet),
            STATE_NOTIFY, MessageHandler.of(NOTIFY_LENGTH, this::stateNotify));

    private final DirectoryReference directory = new DirectoryReference();
    private final Set<BoundDriver<SystemPowerDriver>> drivers = new TreeSet<>();
    private final DriverArrivals arrivals = new DriverArrivals();
    private final AgentStateStore store;
    private final Subscriptions subscriptions;
    private final SystemPowerLog log;
    private final ExecutorService transitions =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("scmi-system-power-", 0).factory());
    private volatile SystemPowerConfig config;

    /** @param store where subscriptions, the record and a pending transition are kept */
    @Activate
    public SystemPowerProtocol(SystemPowerConfig config, @Reference AgentStateStore store) {
        this(config, store, Clock.systemUTC());
    }

    SystemPowerProtocol(SystemPowerConfig config, AgentStateStore store, Clock clock) {
        this.config = config;
        this.store = store;
        this.subscriptions = new Subscriptions(store, SYSTEM_PROTOCOL_ID, NOTIFY_PREFIX, directory::agentIds);
        this.log = new SystemPowerLog(store, clock);
        resumePending();
    }

    @Modified
    void modified(SystemPowerConfig changed) {
        this.config = changed;
    }

    /** Stops waiting for a pending transition; it stays in the store for the next instance. */
    @Deactivate
    void deactivate() throws InterruptedException {
        transitions.shutdownNow();
        if (!transitions.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("A system power transition is still running while the system power protocol stops");
        }
    }

    @Override
    public int protocolId() {
        return SYSTEM_PROTOCOL_ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public MessageHandler handler(int messageId, Agent agent) {
        if (messageId == STATE_NOTIFY && !agent.hasEventChannel()) {
            return null;
        }
        return handlers.get(messageId);
    }

    /** SYSTEM_POWER_STATE_SET says which optional transitions the board carries out. */
    @Override
    public int messageAttributes(int messageId, Agent agent) {
        SystemPowerDriver driver = driver();
        if (messageId != STATE_SET || driver == null) {
            return 0;
        }
        Set<SystemState> offered = driver.transitions();
        return (offered.contains(SystemState.WARM_RESET) ? SET_WARM_RESET : 0)
                | (offered.contains(SystemState.SUSPEND) ? SET_SUSPEND : 0);
    }

    @Override
    public void resetAgent(int agentId) {
        store.clear(agentId, SYSTEM_PROTOCOL_ID);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDriver(SystemPowerDriver driver, Map<String, Object> properties) {
        BoundDriver<SystemPowerDriver> bound = BoundDriver.of(driver, properties, SystemPowerDriver.DRIVER_KEY);
        synchronized (drivers) {
            drivers.add(bound);
            if (drivers.size() > 1) {
                LOG.warn("{} system power drivers registered; the one with key {} serves, the others are ignored",
                        drivers.size(), drivers.iterator().next().key());
            }
        }
        arrivals.arrived();
        LOG.info("System power driver {} bound: it carries out {}", bound.key(), driver.transitions());
    }

    void unbindDriver(SystemPowerDriver driver) {
        synchronized (drivers) {
            drivers.removeIf(bound -> bound.driver() == driver);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAgentDirectory(AgentDirectory agents) {
        directory.bind(agents);
    }

    void unbindAgentDirectory(AgentDirectory agents) {
        directory.unbind(agents);
    }

    /** The driver that serves: the first by key, or null. */
    private SystemPowerDriver driver() {
        synchronized (drivers) {
            return drivers.isEmpty() ? null : drivers.iterator().next().driver();
        }
    }

    private void protocolAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        reply.u32(NO_ATTRIBUTES);
    }

    private void stateGet(ScmiRequest request, Reply reply) throws ScmiException {
        SystemPowerDriver driver = driver();
        reply.u32((driver == null ? SystemState.POWER_UP : driver.state()).value());
    }

    private void stateNotify(ScmiRequest request, Reply reply) throws ScmiException {
        subscriptions.set(request.agent().id(), SYSTEM, Subscriptions.enabled(request.parameters().u32()));
    }

    private void stateSet(ScmiRequest request, Reply reply) throws ScmiException {
        Agent agent = request.agent();
        int flags = request.parameters().u32();
        int value = request.parameters().u32();
        SystemState state = SystemState.of(value);
        if ((flags & ~GRACEFUL) != 0 || state == null) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, String.format("flags 0x%x, system state 0x%x",
                    flags, value));
        }
        boolean graceful = flags == GRACEFUL;
        String asked = String.format("agent %d (%s) asked for %s (%s)", agent.id(), agent.name(), name(state),
                graceful ? "graceful" : "forceful");
        try {
            if (state == SystemState.POWER_UP) {
                throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "the system is up");
            }
            if (!trusted(agent)) {
                throw new ScmiException(ScmiStatus.DENIED, "only a trusted agent may change the whole system's state");
            }
            SystemPowerDriver driver = arrivals.await(this::driver, Duration.ofMillis(config.driverGraceMillis()));
            if (driver == null || !driver.transitions().contains(state)) {
                throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "the board cannot carry out " + name(state));
            }
            grant(agent, state, graceful);
        } catch (ScmiException e) {
            LOG.warn("System power: {}: {}", asked, e.getMessage());
            log.add(asked + ": " + e.getMessage());
            throw e;
        }
        LOG.warn("System power: {}: granted", asked);
    }

    /** Whether the platform trusts the agent with the whole system: the one place trust is read. */
    private static boolean trusted(Agent agent) {
        return agent.trusted();
    }

    /** Tells the other agents, then has the board carry the transition out, after the timeout if graceful. */
    private void grant(Agent agent, SystemState state, boolean graceful) throws ScmiException {
        int timeout = graceful ? config.gracefulTimeoutMillis() : NO_TIMEOUT;
        List<Told> told = tell(agent.id(), state, graceful, timeout, other -> other.id() != agent.id());
        long deadline = System.currentTimeMillis() + timeout;
        store.put(PLATFORM, SYSTEM_PROTOCOL_ID, PENDING, state.name() + " " + deadline + " " + agent.id());
        log.add(String.format("agent %d (%s) asked for %s (%s): granted; %s; the board follows %s", agent.id(),
                agent.name(), name(state), graceful ? "graceful" : "forceful", describe(told),
                graceful ? "in " + timeout + " ms" : "now"));
        schedule(state, deadline, agent.id());
    }

    private void resumePending() {
        String pending = store.get(PLATFORM, SYSTEM_PROTOCOL_ID, PENDING);
        if (pending != null) {
            String[] fields = pending.split(" ");
            LOG.info("System power: resuming the pending {}", pending);
            schedule(SystemState.valueOf(fields[0]), Long.parseLong(fields[1]), Integer.parseInt(fields[2]));
        }
    }

    private void schedule(SystemState state, long deadline, int agentId) {
        try {
            transitions.execute(() -> {
                try {
                    Thread.sleep(Math.max(0, deadline - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    return; // this instance stops; the transition stays pending for the next one
                }
                enter(state, agentId);
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("System power: {} of agent {} stays pending: the protocol is stopping", name(state), agentId);
        }
    }

    private void enter(SystemState state, int agentId) {
        store.put(PLATFORM, SYSTEM_PROTOCOL_ID, PENDING, null);
        SystemPowerDriver driver = arrivals.await(this::driver, Duration.ofMillis(config.driverGraceMillis()));
        try {
            if (driver == null) {
                throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "no system power driver");
            }
            driver.enter(state);
            log.add("the board carried out " + name(state) + " for agent " + agentId);
            LOG.warn("System power: the board carried out {} for agent {}", name(state), agentId);
        } catch (ScmiException e) {
            log.add("the board did not carry out " + name(state) + " for agent " + agentId + ": " + e.getMessage());
            LOG.error("System power: the board did not carry out {} for agent {}: {}", name(state), agentId,
                    e.getMessage());
        }
    }

    /**
     * The platform asks agents to change state (the administrator, from the shell): each chosen
     * agent that subscribed gets SYSTEM_POWER_STATE_NOTIFIER from agent 0. Nothing reaches the board.
     *
     * @param chosen which configured agents to ask
     * @return what became of the request for each chosen agent, in id order
     */
    List<Told> request(SystemState state, boolean graceful, int timeoutMillis, Predicate<Agent> chosen) {
        List<Told> told = tell(PLATFORM, state, graceful, timeoutMillis, chosen);
        String entry = String.format("the platform asked for %s (%s%s): %s", name(state),
                graceful ? "graceful" : "forceful", graceful ? ", timeout " + timeoutMillis + " ms" : "", describe(told));
        log.add(entry);
        LOG.info("System power: {}", entry);
        return told;
    }

    private List<Told> tell(int fromAgent, SystemState state, boolean graceful, int timeoutMillis,
            Predicate<Agent> chosen) {
        AgentDirectory agents = directory.get();
        List<Told> told = new ArrayList<>();
        if (agents == null) {
            return told;
        }
        Set<Integer> subscribed = Set.copyOf(subscriptions.agents(SYSTEM));
        byte[] payload = stateNotifier(fromAgent, graceful, state.value(), timeoutMillis);
        for (Agent agent : agents.agents()) {
            if (!chosen.test(agent)) {
                continue;
            }
            Delivery delivery;
            if (!subscribed.contains(agent.id())) {
                delivery = Delivery.NOT_SUBSCRIBED;
            } else if (!agent.hasEventChannel()) {
                delivery = Delivery.NO_EVENT_CHANNEL;
            } else {
                delivery = agent.sendEvent(notificationHeader(), payload) ? Delivery.NOTIFIED : Delivery.NOT_CONNECTED;
            }
            told.add(new Told(agent, delivery));
        }
        return told;
    }

    /** The timeout of graceful requests, for the shell's requests that name none. */
    int gracefulTimeoutMillis() {
        return config.gracefulTimeoutMillis();
    }

    /** The configured agents, for the shell. */
    List<Agent> agents() {
        AgentDirectory agents = directory.get();
        return agents == null ? List.of() : agents.agents();
    }

    /** Whether the agent subscribed to SYSTEM_POWER_STATE_NOTIFIER. */
    boolean subscribed(int agentId) {
        return subscriptions.agents(SYSTEM).contains(agentId);
    }

    /** The transition waiting for its graceful timeout, as kept, or null. */
    String pending() {
        return store.get(PLATFORM, SYSTEM_PROTOCOL_ID, PENDING);
    }

    /** The record of requests, oldest first. */
    List<String> record() {
        return log.entries();
    }

    static String describe(List<Told> told) {
        if (told.isEmpty()) {
            return "no agent to tell";
        }
        return String.join(", ", told.stream().map(t -> String.format("%s (agent %d) %s", t.agent().name(),
                t.agent().id(), t.delivery())).toList());
    }

    /** The state as the shell and the log name it: shutdown, cold-reset, warm-reset, power-up, suspend. */
    static String name(SystemState state) {
        return state.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
