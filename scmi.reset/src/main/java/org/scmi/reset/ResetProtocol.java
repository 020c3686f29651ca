package org.scmi.reset;

import static org.scmi.reset.ResetMessages.*;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
import org.scmi.api.BoardResource;
import org.scmi.api.MessageHandler;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ResourceVotes;
import org.scmi.api.ScmiStatus;
import org.scmi.api.reset.ResetDomain;
import org.scmi.api.reset.ResetDriver;
import org.scmi.api.reset.ResetListener;
import org.scmi.api.reset.ResetStates;
import org.scmi.api.state.AgentStateStore;
import org.scmi.support.AgentResources;
import org.scmi.support.BoundDriver;
import org.scmi.support.DirectoryReference;
import org.scmi.support.DriverBindings;
import org.scmi.support.ResourceNotifications;
import org.scmi.support.SharedSetting;
import org.scmi.support.Subscriptions;
import org.scmi.reset.ResetDomains.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Reset domain management protocol (0x16, v3.1) over every {@link ResetDriver} service present.
 * Always registered: without drivers it reports zero domains.
 *
 * <p>RESET is checked in this order: the domain exists (NOT_FOUND); no reserved flag bit is set and
 * the asynchronous flag comes with the autonomous one (INVALID_PARAMETERS); the reset state is the
 * architectural cold reset or a vendor state of the domain (INVALID_PARAMETERS for another
 * architectural state, NOT_SUPPORTED for another vendor state); an asynchronous reset is offered by
 * the domain to this agent (NOT_SUPPORTED); the domain's driver is there (waited for, then
 * HARDWARE_ERROR). How agents share a line is documented in {@code org.scmi.api.reset}: explicit
 * asserts are holds kept in the platform's {@link AgentStateStore} (key {@value #ASSERT} followed by
 * the domain's setting key), which BASE_RESET_AGENT_CONFIGURATION releases.
 *
 * <p>Threads: commands run on the caller's thread and block it while the driver resets; an
 * asynchronous reset is answered at once, runs on a virtual thread and completes with RESET_COMPLETE
 * on the agent's event channel. Driver listeners may call in from any thread.
 *
 * <p>Agents see the domains their profile lists, under their own ids: every lookup of a domain by
 * id, every count goes through {@link #domains(Agent)}, the one place an agent's view of the
 * domains comes from, and every notification through {@link ResetEvents}.
 */
@Component(service = ScmiProtocol.class, configurationPid = ResetProtocol.PID,
        property = {ScmiProtocol.PROTOCOL_ID + ":Integer=22", ScmiProtocol.EVENTS + ":Boolean=true"})
@Designate(ocd = ResetProtocolConfig.class)
public final class ResetProtocol implements ScmiProtocol {
    static final String PID = "org.scmi.reset";
    /** Store key prefix of an agent's hold on a line: "1" asserted, "0" released. */
    static final String ASSERT = "assert/";
    /** Store key prefix, under the platform, of a held line's state before the first hold. */
    static final String BASELINE = "baseline/";
    private static final Logger LOG = LoggerFactory.getLogger(ResetProtocol.class);

    /** Messages that exist only for agents with a platform-to-agent channel. */
    private static final Set<Integer> NEED_EVENT_CHANNEL = Set.of(RESET_NOTIFY);

    private final Map<Integer, MessageHandler> handlers = Map.of(
            MSG_PROTOCOL_ATTRIBUTES, MessageHandler.of(0, this::protocolAttributes),
            DOMAIN_ATTRIBUTES, MessageHandler.of(DOMAIN_ID_LENGTH, this::domainAttributes),
            RESET, MessageHandler.of(RESET_LENGTH, this::reset),
            RESET_NOTIFY, MessageHandler.of(NOTIFY_LENGTH, this::resetNotify),
            DOMAIN_NAME_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::domainNameGet));

    /** Every driver's place, kept while a keyed driver is away; renumbers the domains when it changes. */
    private final DriverBindings<ResetDriver, ResetDomain> drivers =
            new DriverBindings<>(LOG, "Reset", "domains", places -> domains = ResetDomains.of(places));
    private final DirectoryReference directory = new DirectoryReference();
    private final AgentStateStore store;
    private final SharedSetting<Boolean> holds;
    private final ResetEvents events;
    private final ExecutorService asynchronousResets =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("scmi-reset-", 0).factory());
    private volatile ResetDomains domains = ResetDomains.EMPTY;
    private volatile Duration driverGrace;

    /** @param store where agents' holds and subscriptions are kept, so that they outlive this bundle */
    @Activate
    public ResetProtocol(ResetProtocolConfig config, @Reference AgentStateStore store) {
        this.store = store;
        this.holds = new SharedSetting<>(store, RESET_PROTOCOL_ID, ASSERT, BASELINE, directory::agentIds,
                asserted -> asserted ? "1" : "0", "1"::equals);
        this.events = new ResetEvents(store, directory, () -> domains);
        modified(config);
    }

    @Modified
    void modified(ResetProtocolConfig config) {
        driverGrace = Duration.ofMillis(Math.max(0, config.driverGraceMillis()));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        asynchronousResets.shutdown();
        if (!asynchronousResets.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("Asynchronous resets still running while the reset protocol stops");
        }
    }

    @Override
    public int protocolId() {
        return RESET_PROTOCOL_ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public MessageHandler handler(int messageId, Agent agent) {
        if (NEED_EVENT_CHANNEL.contains(messageId) && !agent.hasEventChannel()) {
            return null;
        }
        return handlers.get(messageId);
    }

    /** Releases the agent's holds, then forgets everything it set up through this protocol. */
    @Override
    public void resetAgent(int agentId) {
        holds.withdrawAll(agentId, domains.entries(), domain -> line(domain, ResetStates.ARCHITECTURAL_COLD),
                (domain, e) -> LOG.warn("Reset domain {} not released after agent {} was reset: {}", domain.name(),
                        agentId, e.getMessage()));
        store.clear(agentId, RESET_PROTOCOL_ID);
    }

    @Override
    public List<BoardResource> resources() {
        return domains.boardResources();
    }

    @Override
    public List<BoardResource> resources(Agent agent) {
        return domains(agent).boardResources();
    }

    /** Per domain: the agents holding its line asserted or released. */
    @Override
    public List<ResourceVotes> votes() {
        return domains.votes(holds, asserted -> asserted ? "asserted" : "released",
                domain -> domain.driver().asserted(domain.key()) ? "asserted" : "released");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDriver(ResetDriver driver, Map<String, Object> properties) {
        BoundDriver<ResetDriver> owner = BoundDriver.of(driver, properties, ResetDriver.DRIVER_KEY);
        if (!drivers.bind(owner, driver.domains(), () -> listen(driver, new Binding(owner)))) {
            return;
        }
        LOG.info("Reset driver {} bound: {} domains", owner.key(), driver.domains().size());
    }

    void unbindDriver(ResetDriver driver) {
        drivers.unbind(driver);
    }

    private static Runnable listen(ResetDriver driver, Binding binding) {
        driver.addListener(binding);
        return () -> driver.removeListener(binding);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAgentDirectory(AgentDirectory agents) {
        directory.bind(agents);
    }

    void unbindAgentDirectory(AgentDirectory agents) {
        directory.unbind(agents);
    }

    /** The domains as {@code agent} sees them: every lookup, count and notification starts here. */
    private AgentResources<Entry> domains(Agent agent) {
        return domains.seenBy(agent);
    }

    /** The domain, with its driver: waits for it while it is away. */
    private Entry present(Entry entry) throws ScmiException {
        return drivers.present(entry, () -> domains, driverGrace);
    }

    private void protocolAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        reply.u32(domains(request.agent()).count() & DOMAIN_COUNT_MASK);
    }

    private void domainAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        ResetDomain domain = domains(request.agent()).get(request.parameters().u32()).domain();
        boolean events = request.agent().hasEventChannel();
        int attributes = (events && domain.asynchronous() ? ATTR_ASYNC : 0)
                | (events ? ATTR_NOTIFY : 0)
                | (domain.name().length() >= Reply.SHORT_NAME ? ATTR_EXTENDED_NAME : 0);
        int latency = domain.latencyMicros() == ResetDomain.UNKNOWN_LATENCY ? UNKNOWN_LATENCY : domain.latencyMicros();
        reply.u32(attributes).u32(latency).name(domain.name(), Reply.SHORT_NAME);
    }

    private void reset(ScmiRequest request, Reply reply) throws ScmiException {
        Agent agent = request.agent();
        int domainId = request.parameters().u32();
        Entry listed = domains(agent).get(domainId);
        int flags = request.parameters().u32();
        int resetState = request.parameters().u32();
        boolean autonomous = (flags & FLAG_AUTONOMOUS) != 0;
        boolean asynchronous = (flags & FLAG_ASYNC) != 0;
        if ((flags & FLAGS_RESERVED) != 0 || asynchronous && !autonomous) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "flags 0x" + Integer.toHexString(flags)
                    + ": reserved bits, or asynchronous without autonomous");
        }
        if (!listed.domain().accepts(resetState)) {
            throw new ScmiException(ResetStates.isVendor(resetState) ? ScmiStatus.NOT_SUPPORTED
                    : ScmiStatus.INVALID_PARAMETERS, String.format("reset domain %d has no reset state 0x%08x",
                            domainId, resetState));
        }
        if (asynchronous && !(listed.domain().asynchronous() && agent.hasEventChannel())) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "reset domain " + domainId
                    + " cannot be reset asynchronously by this agent");
        }
        Entry entry = present(listed);
        if (!autonomous) {
            boolean assertLine = (flags & FLAG_ASSERT) != 0;
            holds.vote(agent.id(), entry.settingKey(), assertLine, line(entry, resetState));
            if (assertLine) {
                events.resetIssued(agent.id(), entry, resetState);
            }
        } else if (!asynchronous) {
            resetLine(agent.id(), entry, resetState);
        } else {
            int delayedHeader = ScmiHeader.delayedResponseFor(request.header());
            try {
                asynchronousResets.execute(() -> agent.sendEvent(delayedHeader,
                        resetComplete(completeAsynchronously(agent.id(), entry, resetState), domainId)));
            } catch (RejectedExecutionException e) {
                throw new ScmiException(ScmiStatus.BUSY, "reset protocol stopping");
            }
        }
    }

    private ScmiStatus completeAsynchronously(int agentId, Entry entry, int resetState) {
        try {
            resetLine(agentId, entry, resetState);
            return ScmiStatus.SUCCESS;
        } catch (ScmiException e) {
            LOG.warn("Agent {}: asynchronous reset of domain {} failed: {}", agentId, entry.name(),
                    e.getMessage());
            return e.status();
        }
    }

    /**
     * An autonomous reset, unless another agent holds the line asserted: the device is in reset
     * already and comes out of it freshly when the last hold ends.
     */
    private void resetLine(int agentId, Entry entry, int resetState) throws ScmiException {
        boolean heldByOthers = holds.votes(entry.settingKey()).entrySet().stream()
                .anyMatch(hold -> hold.getKey() != agentId && hold.getValue());
        if (!heldByOthers) {
            entry.driver().reset(entry.key(), resetState);
        }
        events.resetIssued(agentId, entry, resetState);
    }

    /** The line of a domain as its holds move it: asserted while any agent holds it. */
    private static SharedSetting.Hardware<Boolean> line(Entry entry, int resetState) {
        return new SharedSetting.Hardware<>() {
            @Override
            public Boolean read() throws ScmiException {
                return entry.driver().asserted(entry.key());
            }

            @Override
            public void write(Boolean asserted) throws ScmiException {
                entry.driver().setAsserted(entry.key(), asserted, resetState);
            }

            @Override
            public Comparator<Boolean> preference() {
                return Comparator.naturalOrder();
            }
        };
    }

    private void resetNotify(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = domains(request.agent()).get(request.parameters().u32());
        events.subscribe(request.agent().id(), entry, Subscriptions.enabled(request.parameters().u32()));
    }

    private void domainNameGet(ScmiRequest request, Reply reply) throws ScmiException {
        ResetDomain domain = domains(request.agent()).get(request.parameters().u32()).domain();
        reply.u32(NAME_FLAGS).name(domain.name(), Reply.EXTENDED_NAME);
    }

    /** The listener the protocol gives one bound driver. */
    private final class Binding implements ResetListener {
        private final BoundDriver<ResetDriver> owner;

        Binding(BoundDriver<ResetDriver> owner) {
            this.owner = owner;
        }

        @Override
        public void resetIssued(String domainKey, int resetState) {
            domains.find(owner, domainKey)
                    .ifPresent(entry -> events.resetIssued(ResourceNotifications.PLATFORM, entry, resetState));
        }
    }
}
