package org.scmi.power;

import static org.scmi.power.PowerMessages.*;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ResourceVotes;
import org.scmi.api.ScmiStatus;
import org.scmi.api.power.PowerDomain;
import org.scmi.api.power.PowerDomainDriver;
import org.scmi.api.power.PowerDomainListener;
import org.scmi.api.power.PowerState;
import org.scmi.api.state.AgentStateStore;
import org.scmi.power.PowerDomains.Entry;
import org.scmi.support.AgentResources;
import org.scmi.support.BoundDriver;
import org.scmi.support.DirectoryReference;
import org.scmi.support.DriverBindings;
import org.scmi.support.ResourceNotifications;
import org.scmi.support.SharedSetting;
import org.scmi.support.Subscriptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Power domain management protocol (0x11, v3.1) over every {@link PowerDomainDriver} service
 * present. Always registered: without drivers it reports zero domains.
 *
 * <p><b>Sharing.</b> Every agent that set a domain's state holds a vote ({@link SharedSetting}); the
 * hardware is kept in the most powered state any agent voted for (the first of them in
 * {@code PowerDomain.states()}), or, with no votes, in the state the domain had before the first
 * vote. An agent reads back its own vote, so a guest that switched a domain off sees it off even
 * while another guest keeps it on, as Linux requires (it reads back every state it sets). A change
 * by the platform itself overrides every vote. Votes are kept in the platform's
 * {@link AgentStateStore} under {@value #VOTE} and, for the state before the first vote,
 * {@value #BASELINE} under the platform, each followed by the domain's setting key;
 * BASE_RESET_AGENT_CONFIGURATION withdraws them.
 *
 * <p>Threads: commands run on the caller's thread; a synchronous POWER_STATE_SET blocks it until
 * the driver is done. An asynchronous one is answered at once and runs on a virtual thread; its
 * completion reaches the agent as POWER_STATE_CHANGED (the protocol has no delayed response).
 * Driver listeners may call in from any thread.
 *
 * <p>Agents see the domains their profile lists, under their own ids ({@code PowerDomains.seenBy}):
 * every domain id an agent sends, every count and every notification goes through its view.
 * Shared domains are arbitrated as the sharing rule above says.
 *
 * <p>Live updates: what agents set up (votes, subscriptions) is kept in the platform's
 * {@link AgentStateStore}, so a new instance of this bundle carries on where the old one stopped.
 * A keyed driver that goes away keeps its domains' ids; POWER_STATE_GET and POWER_STATE_SET on
 * them wait for it up to the configured grace period, then answer HARDWARE_ERROR. Descriptions
 * (attributes, names) are answered from what the driver listed, without waiting.
 */
@Component(service = ScmiProtocol.class, configurationPid = PowerProtocol.PID,
        property = {ScmiProtocol.PROTOCOL_ID + ":Integer=17", ScmiProtocol.EVENTS + ":Boolean=true"})
@Designate(ocd = PowerProtocolConfig.class)
public final class PowerProtocol implements ScmiProtocol {
    static final String PID = "org.scmi.power";
    /** Store key prefix of an agent's vote: the state word it asked for, in hexadecimal. */
    static final String VOTE = "vote/";
    /** Store key prefix, under the platform, of a voted domain's state before the first vote. */
    static final String BASELINE = "baseline/";
    private static final int HEX = 16;
    private static final Logger LOG = LoggerFactory.getLogger(PowerProtocol.class);

    /** Messages that exist only for agents with a platform-to-agent channel. */
    private static final Set<Integer> NEED_EVENT_CHANNEL = Set.of(STATE_NOTIFY, STATE_CHANGE_REQUESTED_NOTIFY);

    private final Map<Integer, MessageHandler> handlers = Map.of(
            MSG_PROTOCOL_ATTRIBUTES, MessageHandler.of(0, this::protocolAttributes),
            DOMAIN_ATTRIBUTES, MessageHandler.of(DOMAIN_ID_LENGTH, this::domainAttributes),
            STATE_SET, MessageHandler.of(STATE_SET_LENGTH, this::stateSet),
            STATE_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::stateGet),
            STATE_NOTIFY, MessageHandler.of(NOTIFY_LENGTH, this::stateNotify),
            STATE_CHANGE_REQUESTED_NOTIFY, MessageHandler.of(NOTIFY_LENGTH, this::changeRequestedNotify),
            DOMAIN_NAME_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::domainNameGet));

    /** Every driver's place, kept while a keyed driver is away; renumbers the domains when it changes. */
    private final DriverBindings<PowerDomainDriver, PowerDomain> drivers =
            new DriverBindings<>(LOG, "Power domain", "domains", places -> domains = PowerDomains.of(places));
    private final DirectoryReference directory = new DirectoryReference();
    private final AgentStateStore store;
    private final SharedSetting<Integer> votes;
    private final PowerEvents events;
    private final ExecutorService asynchronousSets =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("scmi-power-set-", 0).factory());
    private volatile PowerDomains domains = PowerDomains.EMPTY;
    private volatile Duration driverGrace;

    /** @param store where agents' votes and subscriptions are kept, so that they outlive this bundle */
    @Activate
    public PowerProtocol(PowerProtocolConfig config, @Reference AgentStateStore store) {
        this.store = store;
        this.votes = new SharedSetting<>(store, POWER_PROTOCOL_ID, VOTE, BASELINE, directory::agentIds,
                Integer::toHexString, stored -> Integer.parseUnsignedInt(stored, HEX));
        this.events = new PowerEvents(store, directory, () -> domains);
        modified(config);
    }

    @Modified
    void modified(PowerProtocolConfig config) {
        driverGrace = Duration.ofMillis(Math.max(0, config.driverGraceMillis()));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        asynchronousSets.shutdown();
        if (!asynchronousSets.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("Asynchronous power state changes still running while the power protocol stops");
        }
    }

    @Override
    public int protocolId() {
        return POWER_PROTOCOL_ID;
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

    /** Undoes the agent's votes, then forgets everything it set up through this protocol. */
    @Override
    public void resetAgent(int agentId) {
        List<SharedSetting.Withdrawal<Entry, Integer>> withdrawn = votes.withdrawAll(agentId, domains.entries(),
                PowerProtocol::hardware, (domain, e) -> LOG.warn("Power domain {} not moved after agent {} was "
                        + "reset: {}", domain.name(), agentId, e.getMessage()));
        store.clear(agentId, POWER_PROTOCOL_ID);
        withdrawn.forEach(withdrawal -> events.changed(withdrawal.resource(), withdrawal.change()));
    }

    @Override
    public List<BoardResource> resources() {
        return domains.boardResources();
    }

    @Override
    public List<BoardResource> resources(Agent agent) {
        return domains.seenBy(agent).boardResources();
    }

    @Override
    public List<ResourceVotes> votes() {
        return domains.votes(votes, PowerState::describe,
                domain -> PowerState.describe(domain.driver().state(domain.key())));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDriver(PowerDomainDriver driver, Map<String, Object> properties) {
        BoundDriver<PowerDomainDriver> owner = BoundDriver.of(driver, properties, PowerDomainDriver.DRIVER_KEY);
        if (!drivers.bind(owner, driver.domains(), () -> listen(driver, new Binding(owner)))) {
            return;
        }
        LOG.info("Power domain driver {} bound: {} domains", owner.key(), driver.domains().size());
    }

    void unbindDriver(PowerDomainDriver driver) {
        drivers.unbind(driver);
    }

    private static Runnable listen(PowerDomainDriver driver, Binding binding) {
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

    /** The domain an agent's command names, with its driver (waiting for a driver that is away). */
    private Entry present(ScmiRequest request, int domainId) throws ScmiException {
        return drivers.present(() -> domains, request.agent(), domainId, driverGrace);
    }

    /** The domains the agent that sent the request sees, under its ids. */
    private AgentResources<Entry> seen(ScmiRequest request) {
        return domains.seenBy(request.agent());
    }

    private void protocolAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        reply.u32(seen(request).count() & DOMAIN_COUNT_MASK).u32(NO_STATISTICS).u32(NO_STATISTICS).u32(NO_STATISTICS);
    }

    private void domainAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        PowerDomain domain = seen(request).get(request.parameters().u32()).domain();
        boolean events = request.agent().hasEventChannel();
        int attributes = (events ? ATTR_STATE_NOTIFY | ATTR_CHANGE_REQUESTED_NOTIFY : 0)
                | (events && domain.asynchronousSet() ? ATTR_ASYNC_SET : 0)
                | (domain.synchronousSet() ? ATTR_SYNC_SET : 0)
                | (domain.name().length() >= Reply.SHORT_NAME ? ATTR_EXTENDED_NAME : 0);
        reply.u32(attributes).name(domain.name(), Reply.SHORT_NAME);
    }

    private void stateSet(ScmiRequest request, Reply reply) throws ScmiException {
        int flags = request.parameters().u32();
        int domainId = request.parameters().u32();
        Entry entry = present(request, domainId);
        int state = request.parameters().u32();
        if ((flags & ~SET_ASYNC) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "reserved flags set: 0x" + Integer.toHexString(flags));
        }
        if (!PowerState.isWellFormed(state) || entry.domain().rank(state) < 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, String.format("domain %d has no state 0x%08x",
                    domainId, state));
        }
        Agent agent = request.agent();
        boolean asynchronous = (flags & SET_ASYNC) != 0;
        if (asynchronous ? !agent.hasEventChannel() || !entry.domain().asynchronousSet()
                : !entry.domain().synchronousSet()) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "domain " + domainId + " cannot be set "
                    + (asynchronous ? "asynchronously" : "synchronously") + " by this agent");
        }
        events.changeRequested(agent.id(), entry, state);
        if (asynchronous) {
            try {
                asynchronousSets.execute(() -> completeAsynchronousSet(agent.id(), entry, state));
            } catch (RejectedExecutionException e) {
                throw new ScmiException(ScmiStatus.BUSY, "power protocol stopping");
            }
        } else {
            events.changed(entry, votes.vote(agent.id(), entry.settingKey(), state, hardware(entry)));
        }
    }

    private void completeAsynchronousSet(int agentId, Entry entry, int state) {
        try {
            events.changed(entry, votes.vote(agentId, entry.settingKey(), state, hardware(entry)));
        } catch (ScmiException e) {
            LOG.warn("Agent {}: asynchronous state 0x{} of power domain {} failed: {}", agentId,
                    Integer.toHexString(state), entry.name(), e.getMessage());
        }
    }

    private void stateGet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request, request.parameters().u32());
        reply.u32(votes.view(request.agent().id(), entry.settingKey(), hardware(entry)));
    }

    /** A domain's state as votes move it: the most powered state wins. */
    private static SharedSetting.Hardware<Integer> hardware(Entry entry) {
        return new SharedSetting.Hardware<>() {
            @Override
            public Integer read() throws ScmiException {
                return entry.driver().state(entry.key());
            }

            @Override
            public void write(Integer state) throws ScmiException {
                entry.driver().setState(entry.key(), state);
            }

            @Override
            public Comparator<Integer> preference() {
                return Comparator.comparingInt(state -> -entry.domain().rank(state));
            }
        };
    }

    private void stateNotify(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = seen(request).get(request.parameters().u32());
        events.subscribeStateChanged(request.agent().id(), entry, Subscriptions.enabled(request.parameters().u32()));
    }

    private void changeRequestedNotify(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = seen(request).get(request.parameters().u32());
        events.subscribeChangeRequested(request.agent().id(), entry, Subscriptions.enabled(request.parameters().u32()));
    }

    private void domainNameGet(ScmiRequest request, Reply reply) throws ScmiException {
        PowerDomain domain = seen(request).get(request.parameters().u32()).domain();
        reply.u32(NAME_FLAGS).name(domain.name(), Reply.EXTENDED_NAME);
    }

    /** The listener the protocol gives one bound driver. */
    private final class Binding implements PowerDomainListener {
        private final BoundDriver<PowerDomainDriver> owner;

        Binding(BoundDriver<PowerDomainDriver> owner) {
            this.owner = owner;
        }

        @Override
        public void stateChanged(String domainKey, int state) {
            ownDomain(domainKey).ifPresent(entry -> {
                votes.overridden(entry.settingKey());
                events.changedByPlatform(entry, state);
            });
        }

        @Override
        public void stateChangeRequested(String domainKey, int state) {
            ownDomain(domainKey).ifPresent(entry -> events.changeRequested(ResourceNotifications.PLATFORM, entry,
                    state));
        }

        /** The domain this driver lists under the key, while this driver is the one bound. */
        private Optional<Entry> ownDomain(String domainKey) {
            return domains.find(owner, domainKey);
        }
    }
}
