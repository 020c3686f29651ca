package org.scmi.powercap;

import static org.scmi.powercap.PowercapMessages.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ResourceVotes;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;
import org.scmi.api.powercap.PowercapDriver;
import org.scmi.api.powercap.PowercapListener;
import org.scmi.api.powercap.PowercapRange;
import org.scmi.api.powercap.PowercapZone;
import org.scmi.api.state.AgentStateStore;
import org.scmi.support.AgentResources;
import org.scmi.support.BoundDriver;
import org.scmi.support.DirectoryReference;
import org.scmi.support.DriverBindings;
import org.scmi.support.FastChannels;
import org.scmi.support.ResourceNotifications;
import org.scmi.support.Subscriptions;
import org.scmi.powercap.PowercapSettings.Change;
import org.scmi.powercap.PowercapZones.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Powercap protocol (0x18, v2.0) over every {@link PowercapDriver} service present. Always
 * registered: without drivers it reports zero zones. Agents share zones by the rule documented in
 * {@code org.scmi.api.powercap} ({@link PowercapSettings}). No zone reports fast channels:
 * virtio-scmi has no shared memory for them, and POWERCAP_DESCRIBE_FASTCHANNEL answers accordingly.
 *
 * <p>Threads: commands run on the caller's thread; a synchronous POWERCAP_CAP_SET blocks it until
 * the driver enforces the cap. An asynchronous one is answered at once, runs on a virtual thread
 * and completes with a delayed response on the agent's event channel (one pending per agent and
 * zone). It is offered only to agents with an event channel and only for zones that apply a cap
 * within the configured deadline, because Linux gives up on a delayed response after 2 s. A cap the
 * platform sets is enforced on a virtual thread too, off the driver's thread.
 *
 * <p>Live updates: caps, intervals and subscriptions live in the platform's
 * {@link AgentStateStore}, so a new instance of this bundle carries on where the old one stopped. A
 * keyed driver that goes away keeps its zones' ids; commands that need the hardware wait for it up
 * to the configured grace period, then answer HARDWARE_ERROR. Descriptions need no driver.
 *
 * <p>Agents see the zones their profile lists, under their own ids: every lookup of a zone by id
 * and every count goes through {@link #zones(Agent)}, every notification through
 * {@link PowercapEvents}. A zone whose parent the agent does not see is a root zone for it.
 */
@Component(service = ScmiProtocol.class, configurationPid = PowercapProtocol.PID,
        property = {ScmiProtocol.PROTOCOL_ID + ":Integer=24", ScmiProtocol.EVENTS + ":Boolean=true"})
@Designate(ocd = PowercapProtocolConfig.class)
public final class PowercapProtocol implements ScmiProtocol {
    static final String PID = "org.scmi.powercap";
    private static final Logger LOG = LoggerFactory.getLogger(PowercapProtocol.class);

    /** Messages that exist only for agents with a platform-to-agent channel. */
    private static final Set<Integer> NEED_EVENT_CHANNEL = Set.of(CAP_NOTIFY, MEASUREMENTS_NOTIFY);

    private final Map<Integer, MessageHandler> handlers = Map.ofEntries(
            Map.entry(MSG_PROTOCOL_ATTRIBUTES, MessageHandler.of(0, this::protocolAttributes)),
            Map.entry(DOMAIN_ATTRIBUTES, MessageHandler.of(DOMAIN_ID_LENGTH, this::domainAttributes)),
            Map.entry(CAP_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::capGet)),
            Map.entry(CAP_SET, MessageHandler.of(SET_LENGTH, this::capSet)),
            Map.entry(PAI_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::paiGet)),
            Map.entry(PAI_SET, MessageHandler.of(SET_LENGTH, this::paiSet)),
            Map.entry(DOMAIN_NAME_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::domainNameGet)),
            Map.entry(MEASUREMENTS_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::measurementsGet)),
            Map.entry(CAP_NOTIFY, MessageHandler.of(DOMAIN_AND_WORD_LENGTH, this::capNotify)),
            Map.entry(MEASUREMENTS_NOTIFY, MessageHandler.of(MEASUREMENTS_NOTIFY_LENGTH, this::measurementsNotify)),
            Map.entry(DESCRIBE_FASTCHANNEL, MessageHandler.of(DOMAIN_AND_WORD_LENGTH, this::describeFastChannel)));

    /** Every driver's place, kept while a keyed driver is away; renumbers the zones when it changes. */
    private final DriverBindings<PowercapDriver, PowercapZone> drivers =
            new DriverBindings<>(LOG, "Powercap", "zones", places -> zones = PowercapZones.of(places));
    private final DirectoryReference directory = new DirectoryReference();
    private final AgentStateStore store;
    private final PowercapSettings settings;
    private final PowercapEvents events;
    /** Zones with an asynchronous cap change pending, per agent: {@code <agent id>/<setting key>}. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ExecutorService changes =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("scmi-powercap-", 0).factory());
    private volatile PowercapProtocolConfig config;
    private volatile PowercapZones zones = PowercapZones.EMPTY;

    /** @param store where agents' caps, intervals and subscriptions are kept, so that they outlive this bundle */
    @Activate
    public PowercapProtocol(PowercapProtocolConfig config, @Reference AgentStateStore store) {
        this.config = config;
        this.store = store;
        this.settings = new PowercapSettings(store, directory::agentIds);
        this.events = new PowercapEvents(store, directory, () -> zones);
    }

    @Modified
    void modified(PowercapProtocolConfig changed) {
        this.config = changed;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        changes.shutdown();
        if (!changes.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("Power caps still being applied while the powercap protocol stops");
        }
    }

    @Override
    public int protocolId() {
        return POWERCAP_PROTOCOL_ID;
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

    /** Withdraws the agent's caps, puts back its intervals, then forgets everything it set up here. */
    @Override
    public void resetAgent(int agentId) {
        List<Change> restored = settings.forget(agentId, zones);
        store.clear(agentId, POWERCAP_PROTOCOL_ID);
        restored.forEach(events::capChanged);
    }

    @Override
    public List<BoardResource> resources() {
        return zones.boardResources();
    }

    @Override
    public List<BoardResource> resources(Agent agent) {
        return zones(agent).boardResources();
    }

    /** Per zone: each agent's cap, the platform's own included. */
    @Override
    public List<ResourceVotes> votes() {
        return zones.votes(settings.caps(), cap -> Integer.toUnsignedString(cap) + " uW",
                zone -> Integer.toUnsignedString(zone.driver().cap(zone.key())) + " uW");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDriver(PowercapDriver driver, Map<String, Object> properties) {
        BoundDriver<PowercapDriver> owner = BoundDriver.of(driver, properties, PowercapDriver.DRIVER_KEY);
        if (!drivers.bind(owner, driver.zones(), () -> listen(driver, new Binding(owner)))) {
            return;
        }
        LOG.info("Powercap driver {} bound: {} zones", owner.key(), driver.zones().size());
    }

    void unbindDriver(PowercapDriver driver) {
        drivers.unbind(driver);
    }

    private static Runnable listen(PowercapDriver driver, Binding binding) {
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

    /** The zones as {@code agent} sees them: every lookup, count and notification goes through here. */
    private AgentResources<Entry> zones(Agent agent) {
        return zones.seenBy(agent);
    }

    /** The zone a command names, with its driver present (waiting for it during an update). */
    private Entry present(ScmiRequest request, int zoneId) throws ScmiException {
        return drivers.present(zones(request.agent()).get(zoneId), () -> zones, Duration.ofMillis(Math.max(0, config.driverGraceMillis())));
    }

    /** Whether {@code agent} may set this zone's cap asynchronously. */
    private boolean asynchronous(Agent agent, PowercapZone zone) {
        return agent.hasEventChannel() && zone.cap().configurable()
                && zone.capChangeMillis() < config.asyncDeadlineMillis();
    }

    private void protocolAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        reply.u32(zones(request.agent()).count() & ZONE_COUNT_MASK);
    }

    private void domainAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        int zoneId = request.parameters().u32();
        AgentResources<Entry> seen = zones(request.agent());
        Entry entry = seen.get(zoneId);
        PowercapZone zone = entry.zone();
        boolean events = request.agent().hasEventChannel();
        int attributes = (events ? ATTR_CAP_NOTIFY : 0)
                | (events && zone.monitored() ? ATTR_MEASUREMENTS_NOTIFY : 0)
                | (asynchronous(request.agent(), zone) ? ATTR_ASYNC_CAP_SET : 0)
                | (zone.name().length() >= Reply.SHORT_NAME ? ATTR_EXTENDED_NAME : 0)
                | (zone.cap().configurable() ? ATTR_CAP_CONFIGURABLE : 0)
                | (zone.monitored() ? ATTR_MONITORING : 0)
                | (zone.averagingInterval().configurable() ? ATTR_PAI_CONFIGURABLE : 0)
                | ATTR_UNIT_MICROWATTS;
        reply.u32(attributes).name(zone.name(), Reply.SHORT_NAME);
        range(reply, zone.averagingInterval());
        range(reply, zone.cap());
        reply.u32(zone.sustainablePowerMicrowatts()).u32(zone.accuracyMilliPercent()).u32(PowercapZones.parentId(seen, zoneId, entry));
    }

    private static void range(Reply reply, PowercapRange range) throws ScmiException {
        reply.u32(range.min()).u32(range.max()).u32(range.step());
    }

    private void capGet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request, request.parameters().u32());
        reply.u32(entry.driver().cap(entry.key()));
    }

    private void capSet(ScmiRequest request, Reply reply) throws ScmiException {
        Payload parameters = request.parameters();
        int zoneId = parameters.u32();
        Entry entry = present(request, zoneId);
        int flags = parameters.u32();
        int cap = parameters.u32();
        if ((flags & SET_FLAGS_RESERVED) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "reserved flags set: 0x" + Integer.toHexString(flags));
        }
        PowercapZone zone = entry.zone();
        if (!zone.cap().configurable()) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "the cap of zone " + entry.name() + " is fixed");
        }
        boolean async = (flags & SET_ASYNC) != 0;
        Agent agent = request.agent();
        if (async && !asynchronous(agent, zone)) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "zone " + entry.name()
                    + " cannot be capped asynchronously by this agent");
        }
        if (cap != NO_CAP && !zone.cap().contains(cap)) {
            throw new ScmiException(ScmiStatus.OUT_OF_RANGE, Integer.toUnsignedString(cap)
                    + " µW is not a cap of zone " + entry.name() + " (" + zone.cap() + ")");
        }
        if (!async) {
            events.capChanged(settings.setCap(agent.id(), entry, cap));
            return;
        }
        String pendingKey = agent.id() + "/" + entry.settingKey();
        if (!pending.add(pendingKey)) {
            throw new ScmiException(ScmiStatus.BUSY, "a cap change of zone " + entry.name() + " is pending");
        }
        boolean delayedResponse = (flags & SET_IGNORE_DELAYED_RESPONSE) == 0;
        int delayedHeader = ScmiHeader.delayedResponseFor(request.header());
        try {
            changes.execute(() -> {
                byte[] completion;
                try {
                    Change change = settings.setCap(agent.id(), entry, cap);
                    events.capChanged(change);
                    completion = capSetCompleted(zoneId, change.capAfter());
                } catch (ScmiException e) {
                    LOG.warn("Agent {}: asynchronous cap {} µW of zone {} ({}) failed: {}", agent.id(), cap,
                            entry.settingKey(), zone.name(), e.getMessage());
                    completion = capSetFailed(e.status());
                } finally {
                    // Before the delayed response: the agent may send its next cap as soon as it has it.
                    pending.remove(pendingKey);
                }
                if (delayedResponse) {
                    agent.sendEvent(delayedHeader, completion);
                }
            });
        } catch (RejectedExecutionException e) {
            pending.remove(pendingKey);
            throw new ScmiException(ScmiStatus.BUSY, "powercap protocol stopping");
        }
    }

    private void paiGet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request, request.parameters().u32());
        reply.u32(entry.driver().averagingInterval(entry.key()));
    }

    private void paiSet(ScmiRequest request, Reply reply) throws ScmiException {
        Payload parameters = request.parameters();
        Entry entry = present(request, parameters.u32());
        int flags = parameters.u32();
        int pai = parameters.u32();
        if (flags != PAI_FLAGS) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "reserved flags set: 0x" + Integer.toHexString(flags));
        }
        PowercapRange intervals = entry.zone().averagingInterval();
        if (!intervals.configurable()) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "the averaging interval of zone " + entry.name()
                    + " is fixed");
        }
        if (!intervals.contains(pai)) {
            throw new ScmiException(ScmiStatus.OUT_OF_RANGE, Integer.toUnsignedString(pai)
                    + " µs is not an averaging interval of zone " + entry.name() + " (" + intervals + ")");
        }
        events.capChanged(settings.setAveragingInterval(request.agent().id(), entry, pai));
    }

    private void domainNameGet(ScmiRequest request, Reply reply) throws ScmiException {
        PowercapZone zone = zones(request.agent()).get(request.parameters().u32()).zone();
        reply.u32(NAME_FLAGS).name(zone.name(), Reply.EXTENDED_NAME);
    }

    private void measurementsGet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = monitored(present(request, request.parameters().u32()));
        reply.u32(entry.driver().power(entry.key())).u32(entry.driver().averagingInterval(entry.key()));
    }

    private void capNotify(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = zones(request.agent()).get(request.parameters().u32());
        events.subscribeCap(request.agent().id(), entry, Subscriptions.enabled(request.parameters().u32()));
    }

    private void measurementsNotify(ScmiRequest request, Reply reply) throws ScmiException {
        Payload parameters = request.parameters();
        Entry entry = monitored(zones(request.agent()).get(parameters.u32()));
        boolean enable = Subscriptions.enabled(parameters.u32());
        int low = parameters.u32();
        int high = parameters.u32();
        if (enable && Integer.compareUnsigned(low, high) > 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "low threshold " + Integer.toUnsignedString(low)
                    + " above high threshold " + Integer.toUnsignedString(high));
        }
        events.subscribeMeasurements(request.agent().id(), entry, low, high, enable);
    }

    private void describeFastChannel(ScmiRequest request, Reply reply) throws ScmiException {
        zones(request.agent()).get(request.parameters().u32());
        throw FastChannels.none(this, request.agent(), request.parameters().u32());
    }

    private static Entry monitored(Entry entry) throws ScmiException {
        if (!entry.zone().monitored()) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "zone " + entry.name() + " does not measure its power");
        }
        return entry;
    }

    /** The listener the protocol gives one bound driver. */
    private final class Binding implements PowercapListener {
        private final BoundDriver<PowercapDriver> owner;

        Binding(BoundDriver<PowercapDriver> owner) {
            this.owner = owner;
        }

        @Override
        public void capChanged(String zoneKey, int cap) {
            zones.find(owner, zoneKey).ifPresent(entry -> {
                try {
                    changes.execute(() -> enforcePlatformCap(entry, cap));
                } catch (RejectedExecutionException e) {
                    LOG.debug("Powercap protocol stopping: the platform's cap of zone {} is left to the driver",
                            entry.settingKey());
                }
            });
        }

        @Override
        public void measured(String zoneKey, int power) {
            zones.find(owner, zoneKey).ifPresent(entry -> events.measured(entry, power));
        }

        private void enforcePlatformCap(Entry entry, int cap) {
            try {
                Change change = settings.platformCap(entry, cap);
                events.capChanged(ResourceNotifications.PLATFORM, entry, change.capAfter(), change.paiAfter());
            } catch (ScmiException e) {
                LOG.warn("Powercap zone {} ({}): the platform's cap of {} µW not enforced: {}", entry.settingKey(),
                        entry.zone().name(), cap, e.getMessage());
            }
        }
    }
}
