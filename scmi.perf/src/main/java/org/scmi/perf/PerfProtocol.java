package org.scmi.perf;

import static org.scmi.perf.PerfMessages.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ResourceVotes;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;
import org.scmi.api.perf.PerfControl;
import org.scmi.api.perf.PerfDomain;
import org.scmi.api.perf.PerfDriver;
import org.scmi.api.perf.PerfLimits;
import org.scmi.api.perf.PerfListener;
import org.scmi.api.state.AgentStateStore;
import org.scmi.support.AgentResources;
import org.scmi.support.BoundDriver;
import org.scmi.support.DirectoryReference;
import org.scmi.support.DriverBindings;
import org.scmi.support.FastChannels;
import org.scmi.support.ResourceNotifications;
import org.scmi.support.Paging;
import org.scmi.support.Subscriptions;
import org.scmi.perf.PerfArbiter.LevelChange;
import org.scmi.perf.PerfArbiter.LimitsChange;
import org.scmi.perf.PerfDomains.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Performance domain management protocol (0x13, v4.0) over every {@link PerfDriver} service
 * present. Always registered: without drivers it reports zero domains. Agents share domains by the
 * rule documented in {@code org.scmi.api.perf} ({@link PerfArbiter}).
 *
 * <p>What virtio-scmi cannot offer is said so, as the specification asks: no domain reports fast
 * channels (they need memory shared with the agent) and PERFORMANCE_DESCRIBE_FASTCHANNEL answers
 * accordingly; PROTOCOL_ATTRIBUTES reports no statistics region. PERFORMANCE_LEVEL_SET has no
 * asynchronous form and no delayed response in the specification: it is answered once the level is
 * in effect, which takes at most the level's latency.
 *
 * <p>Threads: commands run on the caller's thread and block it while the driver changes the level.
 * When the platform's limits change, the driver's thread tells the agents their new view of the
 * limits and moves the level to what agents ask for within them, so that every notification of the
 * change is on its way when the driver's call returns.
 *
 * <p>Live updates: requests, limits and subscriptions live in the platform's
 * {@link AgentStateStore}, so a new instance of this bundle carries on where the old one stopped. A
 * keyed driver that goes away keeps its domains' ids; commands that need the hardware wait for it
 * up to the configured grace period, then answer HARDWARE_ERROR. Descriptions need no driver.
 *
 * <p>Agents see the domains their profile lists, under their own ids: every lookup of a domain by
 * id and every count goes through {@link #domains(Agent)}, every notification through
 * {@link PerfEvents}.
 */
@Component(service = ScmiProtocol.class, configurationPid = PerfProtocol.PID,
        property = {ScmiProtocol.PROTOCOL_ID + ":Integer=19", ScmiProtocol.EVENTS + ":Boolean=true"})
@Designate(ocd = PerfProtocolConfig.class)
public final class PerfProtocol implements ScmiProtocol {
    static final String PID = "org.scmi.perf";
    private static final Logger LOG = LoggerFactory.getLogger(PerfProtocol.class);

    /** Messages that exist only for agents with a platform-to-agent channel. */
    private static final Set<Integer> NEED_EVENT_CHANNEL = Set.of(NOTIFY_LIMITS, NOTIFY_LEVEL);

    private final Map<Integer, MessageHandler> handlers = Map.ofEntries(
            Map.entry(MSG_PROTOCOL_ATTRIBUTES, MessageHandler.of(0, this::protocolAttributes)),
            Map.entry(DOMAIN_ATTRIBUTES, MessageHandler.of(DOMAIN_ID_LENGTH, this::domainAttributes)),
            Map.entry(DESCRIBE_LEVELS, MessageHandler.of(DOMAIN_AND_WORD_LENGTH, this::describeLevels)),
            Map.entry(LIMITS_SET, MessageHandler.of(LIMITS_SET_LENGTH, this::limitsSet)),
            Map.entry(LIMITS_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::limitsGet)),
            Map.entry(LEVEL_SET, MessageHandler.of(DOMAIN_AND_WORD_LENGTH, this::levelSet)),
            Map.entry(LEVEL_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::levelGet)),
            Map.entry(NOTIFY_LIMITS, MessageHandler.of(DOMAIN_AND_WORD_LENGTH, this::notifyLimits)),
            Map.entry(NOTIFY_LEVEL, MessageHandler.of(DOMAIN_AND_WORD_LENGTH, this::notifyLevel)),
            Map.entry(DESCRIBE_FASTCHANNEL, MessageHandler.of(DOMAIN_AND_WORD_LENGTH, this::describeFastChannel)),
            Map.entry(DOMAIN_NAME_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::domainNameGet)));

    /** Every driver's place, kept while a keyed driver is away; renumbers the domains when it changes. */
    private final DriverBindings<PerfDriver, PerfDomain> drivers =
            new DriverBindings<>(LOG, "Performance domain", "domains", places -> domains = PerfDomains.of(places));
    private final DirectoryReference directory = new DirectoryReference();
    private final AgentStateStore store;
    private final PerfArbiter arbiter;
    private final PerfEvents events;
    private volatile PerfDomains domains = PerfDomains.EMPTY;
    private volatile Duration driverGrace;

    /** @param store where agents' requests, limits and subscriptions are kept, so that they outlive this bundle */
    @Activate
    public PerfProtocol(PerfProtocolConfig config, @Reference AgentStateStore store) {
        this.store = store;
        this.arbiter = new PerfArbiter(store, directory::agentIds);
        this.events = new PerfEvents(store, directory, () -> domains);
        modified(config);
    }

    @Modified
    void modified(PerfProtocolConfig config) {
        driverGrace = Duration.ofMillis(Math.max(0, config.driverGraceMillis()));
    }

    @Override
    public int protocolId() {
        return PERF_PROTOCOL_ID;
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

    /** Withdraws the agent's requests and limits, then forgets everything it set up through this protocol. */
    @Override
    public void resetAgent(int agentId) {
        List<LevelChange> changes = arbiter.forget(agentId, domains);
        store.clear(agentId, PERF_PROTOCOL_ID);
        changes.forEach(events::levelChanged);
    }

    @Override
    public List<BoardResource> resources() {
        return domains.boardResources();
    }

    @Override
    public List<BoardResource> resources(Agent agent) {
        return domains(agent).boardResources();
    }

    /** Per domain: each agent's requested level and own limits. */
    @Override
    public List<ResourceVotes> votes() {
        return domains.votes(arbiter::votes, domain -> "level " + domain.driver().level(domain.key()));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDriver(PerfDriver driver, Map<String, Object> properties) {
        BoundDriver<PerfDriver> owner = BoundDriver.of(driver, properties, PerfDriver.DRIVER_KEY);
        if (!drivers.bind(owner, driver.domains(), () -> listen(driver, new Binding(owner)))) {
            return;
        }
        for (Entry entry : domains.entries()) {
            if (entry.driver() == driver) {
                try {
                    arbiter.remember(entry);
                } catch (ScmiException e) {
                    LOG.warn("Limits of performance domain {} unreadable: {}", entry.domain().name(), e.getMessage());
                }
            }
        }
        LOG.info("Performance domain driver {} bound: {} domains", owner.key(), driver.domains().size());
    }

    void unbindDriver(PerfDriver driver) {
        drivers.unbind(driver);
    }

    private static Runnable listen(PerfDriver driver, Binding binding) {
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

    /** The domains as {@code agent} sees them: every lookup, count and notification goes through here. */
    private AgentResources<Entry> domains(Agent agent) {
        return domains.seenBy(agent);
    }

    /** The domain a command names, with its driver present (waiting for it during an update). */
    private Entry present(ScmiRequest request, int domainId) throws ScmiException {
        return drivers.present(domains(request.agent()).get(domainId), () -> domains, driverGrace);
    }

    private void protocolAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        reply.u32(domains(request.agent()).count() & DOMAIN_COUNT_MASK | POWER_IN_MICROWATTS)
                .u32(NO_STATISTICS).u32(NO_STATISTICS).u32(NO_STATISTICS);
    }

    private void domainAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        PerfDomain domain = domains(request.agent()).get(request.parameters().u32()).domain();
        int attributes = (domain.allows(PerfControl.LIMITS) ? ATTR_SET_LIMITS : 0)
                | (domain.allows(PerfControl.LEVEL) ? ATTR_SET_LEVEL : 0)
                | (request.agent().hasEventChannel() ? ATTR_LIMITS_NOTIFY | ATTR_LEVEL_NOTIFY : 0)
                | (domain.name().length() >= Reply.SHORT_NAME ? ATTR_EXTENDED_NAME : 0);
        reply.u32(attributes).u32(domain.rateLimitMicros()).u32(domain.sustained().frequencyKhz())
                .u32(domain.sustainedLevel()).name(domain.name(), Reply.SHORT_NAME);
    }

    private void describeLevels(ScmiRequest request, Reply reply) throws ScmiException {
        PerfDomain domain = domains(request.agent()).get(request.parameters().u32()).domain();
        int index = request.parameters().u32();
        if (Integer.compareUnsigned(index, domain.levels().size()) >= 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "domain " + domain.name() + " has "
                    + domain.levels().size() + " levels, index " + Integer.toUnsignedString(index) + " asked");
        }
        Paging.write(reply, LEVEL_LIST_COUNTS, domain.levels(), index, level -> LEVEL_DESCRIPTOR_LENGTH,
                PerfMessages::writeLevel);
    }

    private void limitsSet(ScmiRequest request, Reply reply) throws ScmiException {
        Payload parameters = request.parameters();
        Entry entry = present(request, parameters.u32());
        int max = parameters.u32();
        int min = parameters.u32();
        permit(entry, PerfControl.LIMITS);
        if (max == LIMIT_UNCHANGED && min == LIMIT_UNCHANGED) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "both limits 0: nothing to change");
        }
        PerfLimits own = arbiter.own(request.agent().id(), entry);
        int newMax = max == LIMIT_UNCHANGED ? own.max() : level(entry, max);
        int newMin = min == LIMIT_UNCHANGED ? own.min() : level(entry, min);
        if (newMin > newMax) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "minimum " + newMin + " above maximum " + newMax);
        }
        LimitsChange change = arbiter.limit(request.agent().id(), entry, new PerfLimits(newMax, newMin));
        events.limitsChanged(request.agent().id(), entry, change.view());
        events.levelChanged(change.level());
    }

    private void limitsGet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request, request.parameters().u32());
        PerfLimits view = arbiter.view(request.agent().id(), entry);
        reply.u32(view.max()).u32(view.min());
    }

    private void levelSet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request, request.parameters().u32());
        int level = request.parameters().u32();
        permit(entry, PerfControl.LEVEL);
        level(entry, level);
        events.levelChanged(arbiter.request(request.agent().id(), entry, level));
    }

    private void levelGet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request, request.parameters().u32());
        reply.u32(entry.driver().level(entry.key()));
    }

    private void notifyLimits(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = domains(request.agent()).get(request.parameters().u32());
        events.subscribeLimits(request.agent().id(), entry, Subscriptions.enabled(request.parameters().u32()));
    }

    private void notifyLevel(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = domains(request.agent()).get(request.parameters().u32());
        events.subscribeLevel(request.agent().id(), entry, Subscriptions.enabled(request.parameters().u32()));
    }

    private void describeFastChannel(ScmiRequest request, Reply reply) throws ScmiException {
        domains(request.agent()).get(request.parameters().u32());
        throw FastChannels.none(this, request.agent(), request.parameters().u32());
    }

    private void domainNameGet(ScmiRequest request, Reply reply) throws ScmiException {
        PerfDomain domain = domains(request.agent()).get(request.parameters().u32()).domain();
        reply.u32(NAME_FLAGS).name(domain.name(), Reply.EXTENDED_NAME);
    }

    /** {@code value} if it is one of the domain's levels; OUT_OF_RANGE otherwise. */
    private static int level(Entry entry, int value) throws ScmiException {
        if (entry.domain().level(value).isEmpty()) {
            throw new ScmiException(ScmiStatus.OUT_OF_RANGE, Integer.toUnsignedString(value)
                    + " is not a level of domain " + entry.name());
        }
        return value;
    }

    private static void permit(Entry entry, PerfControl control) throws ScmiException {
        if (!entry.domain().allows(control)) {
            throw new ScmiException(ScmiStatus.DENIED, control + " of domain " + entry.name() + " is not agents' to set");
        }
    }

    /** The listener the protocol gives one bound driver. */
    private final class Binding implements PerfListener {
        private final BoundDriver<PerfDriver> owner;

        Binding(BoundDriver<PerfDriver> owner) {
            this.owner = owner;
        }

        @Override
        public void levelChanged(String domainKey, int level) {
            domains.find(owner, domainKey).ifPresent(entry -> {
                arbiter.platformMoved(entry, level);
                events.levelChanged(ResourceNotifications.PLATFORM, entry, level);
            });
        }

        @Override
        public void limitsChanged(String domainKey, PerfLimits limits) {
            domains.find(owner, domainKey).ifPresent(entry -> {
                arbiter.platformLimits(entry, limits)
                        .forEach(view -> events.limitsChanged(ResourceNotifications.PLATFORM, entry, view));
                try {
                    events.levelChanged(arbiter.rearbitrate(entry));
                } catch (ScmiException e) {
                    LOG.warn("Performance domain {} ({}) not moved into the platform's new limits: {}", entry.settingKey(),
                            entry.domain().name(), e.getMessage());
                }
            });
        }
    }
}
