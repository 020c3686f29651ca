package org.scmi.clock;

import static org.scmi.clock.ClockMessages.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;
import org.scmi.api.ResourceVotes;
import org.scmi.api.clock.Clock;
import org.scmi.api.clock.ClockControl;
import org.scmi.api.clock.ClockDriver;
import org.scmi.api.clock.ClockListener;
import org.scmi.api.clock.ClockRates;
import org.scmi.api.state.AgentStateStore;
import org.scmi.clock.Clocks.Entry;
import org.scmi.support.AgentResources;
import org.scmi.support.BoundDriver;
import org.scmi.support.DirectoryReference;
import org.scmi.support.DriverBindings;
import org.scmi.support.Paging;
import org.scmi.support.ResourceNotifications;
import org.scmi.support.Subscriptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Clock management protocol (0x14, v3.0) over every {@link ClockDriver} service present.
 * Always registered: without drivers it reports zero clocks.
 *
 * <p>Threads: commands run on the caller's thread; a synchronous CLOCK_RATE_SET blocks it until
 * the driver is done. An asynchronous one is answered at once, runs on a virtual thread and
 * completes with a delayed response on the agent's event channel. Asynchronous rate changes are
 * offered (max_async_req) only to agents with an event channel and only while every clock changes
 * rate within the configured deadline, because Linux gives up on a delayed response after 2 s.
 * Driver listeners may call in from any thread.
 *
 * <p>Agents see the clocks their profile lists, under their own ids ({@code Clocks.seenBy}): every
 * clock id an agent sends, every count and every notification goes through its view. Shared
 * clocks are arbitrated as {@link ClockSettings} describes.
 *
 * <p>Live updates: what agents set up (enable votes, rates and parents they own, subscriptions) is
 * kept in the platform's {@link AgentStateStore}, so a new instance of this bundle carries on where
 * the old one stopped. A keyed driver that goes away keeps its clocks' ids; commands that need the
 * hardware wait for it up to the configured grace period, then answer HARDWARE_ERROR. Descriptions
 * (rates, names, parents, permissions) and subscriptions need no driver and do not wait.
 */
@Component(service = ScmiProtocol.class, configurationPid = ClockProtocol.PID,
        property = {ScmiProtocol.PROTOCOL_ID + ":Integer=20", ScmiProtocol.EVENTS + ":Boolean=true"})
@Designate(ocd = ClockProtocolConfig.class)
public final class ClockProtocol implements ScmiProtocol {
    static final String PID = "org.scmi.clock";
    private static final Logger LOG = LoggerFactory.getLogger(ClockProtocol.class);

    /** Messages that exist only for agents with a platform-to-agent channel. */
    private static final Set<Integer> NEED_EVENT_CHANNEL = Set.of(RATE_NOTIFY, RATE_CHANGE_REQUESTED_NOTIFY);

    private final Map<Integer, MessageHandler> handlers = Map.ofEntries(
            Map.entry(MSG_PROTOCOL_ATTRIBUTES, MessageHandler.of(0, this::protocolAttributes)),
            Map.entry(ATTRIBUTES, MessageHandler.of(CLOCK_ID_LENGTH, this::attributes)),
            Map.entry(DESCRIBE_RATES, MessageHandler.of(CLOCK_AND_WORD_LENGTH, this::describeRates)),
            Map.entry(RATE_SET, MessageHandler.of(RATE_SET_LENGTH, this::rateSet)),
            Map.entry(RATE_GET, MessageHandler.of(CLOCK_ID_LENGTH, this::rateGet)),
            Map.entry(CONFIG_SET, MessageHandler.of(CONFIG_SET_LENGTH, this::configSet)),
            Map.entry(NAME_GET, MessageHandler.of(CLOCK_ID_LENGTH, this::nameGet)),
            Map.entry(RATE_NOTIFY, MessageHandler.of(CLOCK_AND_WORD_LENGTH, this::rateNotify)),
            Map.entry(RATE_CHANGE_REQUESTED_NOTIFY, MessageHandler.of(CLOCK_AND_WORD_LENGTH, this::changeRequestedNotify)),
            Map.entry(CONFIG_GET, MessageHandler.of(CLOCK_AND_WORD_LENGTH, this::configGet)),
            Map.entry(POSSIBLE_PARENTS_GET, MessageHandler.of(CLOCK_AND_WORD_LENGTH, this::possibleParentsGet)),
            Map.entry(PARENT_SET, MessageHandler.of(CLOCK_AND_WORD_LENGTH, this::parentSet)),
            Map.entry(PARENT_GET, MessageHandler.of(CLOCK_ID_LENGTH, this::parentGet)),
            Map.entry(GET_PERMISSIONS, MessageHandler.of(CLOCK_ID_LENGTH, this::getPermissions)));

    /** Every driver's place, kept while a keyed driver is away; renumbers the clocks when it changes. */
    private final DriverBindings<ClockDriver, Clock> drivers =
            new DriverBindings<>(LOG, "Clock", "clocks", places -> clocks = Clocks.of(places));
    private final DirectoryReference directory = new DirectoryReference();
    private final AgentStateStore store;
    private final ClockSettings settings;
    private final ResourceNotifications<Entry> notifications;
    private final ResourceNotifications<Entry>.Topic rateChanged;
    private final ResourceNotifications<Entry>.Topic changeRequested;
    private final Map<Integer, AtomicInteger> pendingByAgent = new ConcurrentHashMap<>();
    private final ExecutorService asynchronousSets =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("scmi-clock-rate-", 0).factory());
    private volatile ClockProtocolConfig config;
    private volatile Clocks clocks = Clocks.EMPTY;

    /** @param store where agents' settings and subscriptions are kept, so that they outlive this bundle */
    @Activate
    public ClockProtocol(ClockProtocolConfig config, @Reference AgentStateStore store) {
        this.config = config;
        this.store = store;
        this.settings = new ClockSettings(store, directory::agentIds);
        this.notifications = new ResourceNotifications<>(store, CLOCK_PROTOCOL_ID, directory, () -> clocks);
        this.rateChanged = notifications.topic(RATE_CHANGED, "notify/rate/");
        this.changeRequested = notifications.topic(RATE_CHANGE_REQUESTED, "notify/request/");
    }

    @Modified
    void modified(ClockProtocolConfig changed) {
        this.config = changed;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        asynchronousSets.shutdown();
        if (!asynchronousSets.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("Asynchronous clock rate changes still running while the clock protocol stops");
        }
    }

    @Override
    public int protocolId() {
        return CLOCK_PROTOCOL_ID;
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

    /** Undoes the agent's settings, then forgets everything it set up through this protocol. */
    @Override
    public void resetAgent(int agentId) {
        List<ClockSettings.RateRestored> restored = settings.forget(agentId, clocks);
        store.clear(agentId, CLOCK_PROTOCOL_ID);
        for (ClockSettings.RateRestored rate : restored) {
            publishRate(rateChanged, rate.agentId(), rate.clock(), rate.rate());
        }
    }

    @Override
    public List<BoardResource> resources() {
        return clocks.boardResources();
    }

    @Override
    public List<BoardResource> resources(Agent agent) {
        return clocks.seenBy(agent).boardResources();
    }

    @Override
    public List<ResourceVotes> votes() {
        return clocks.votes(settings::votes, clock -> (clock.driver().enabled(clock.key()) ? "on, " : "off, ")
                + clock.driver().rate(clock.key()) + " Hz");
    }

    /** Tells the topic's subscribers that see the clock about a rate, each under its own id of the clock. */
    private void publishRate(ResourceNotifications<Entry>.Topic topic, int agentId, Entry clock, long rate) {
        topic.publish(clock, id -> ClockMessages.notificationPayload(agentId, id, rate));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDriver(ClockDriver driver, Map<String, Object> properties) {
        BoundDriver<ClockDriver> owner = BoundDriver.of(driver, properties, ClockDriver.DRIVER_KEY);
        if (!drivers.bind(owner, driver.clocks(), () -> listen(driver, new Binding(owner)))) {
            return;
        }
        LOG.info("Clock driver {} bound: {} clocks", owner.key(), driver.clocks().size());
    }

    void unbindDriver(ClockDriver driver) {
        drivers.unbind(driver);
    }

    private static Runnable listen(ClockDriver driver, Binding binding) {
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

    /** The clock an agent's command names, with its driver (waiting for a driver that is away). */
    private Entry present(ScmiRequest request, int clockId) throws ScmiException {
        return drivers.present(() -> clocks, request.agent(), clockId,
                Duration.ofMillis(Math.max(0, config.driverGraceMillis())));
    }

    /** The clocks the agent that sent the request sees, under its ids. */
    private AgentResources<Entry> seen(ScmiRequest request) {
        return clocks.seenBy(request.agent());
    }

    /** max_async_req for this agent: 0 unless it has an event channel and every clock it sees is fast enough. */
    private int asyncLimit(Agent agent) {
        ClockProtocolConfig current = config;
        boolean fastEnough = clocks.seenBy(agent).entries().stream()
                .allMatch(e -> e.clock().rateChangeMillis() < current.asyncDeadlineMillis());
        if (!agent.hasEventChannel() || !fastEnough) {
            return 0;
        }
        return Math.clamp(current.maxPendingAsyncRateChanges(), 0, MAX_ASYNC_LIMIT);
    }

    private void protocolAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        reply.u32(seen(request).count() & CLOCK_COUNT_MASK | asyncLimit(request.agent()) << MAX_ASYNC_SHIFT);
    }

    private void attributes(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request, request.parameters().u32());
        Clock clock = entry.clock();
        boolean restricted = !clock.controls().containsAll(Set.of(ClockControl.values()));
        int attributes = (request.agent().hasEventChannel() ? ATTR_RATE_NOTIFY | ATTR_RATE_CHANGE_REQUESTED_NOTIFY : 0)
                | (clock.name().length() >= Reply.SHORT_NAME ? ATTR_EXTENDED_NAME : 0)
                | (parentIds(seen(request), entry).isEmpty() ? 0 : ATTR_PARENTS)
                | (restricted ? ATTR_RESTRICTED : 0)
                | (settings.enabledFor(request.agent().id(), entry) ? ENABLED : 0);
        reply.u32(attributes).name(clock.name(), Reply.SHORT_NAME).u32(clock.enableLatencyMicros());
    }

    private void describeRates(ScmiRequest request, Reply reply) throws ScmiException {
        int clockId = request.parameters().u32();
        Entry entry = seen(request).get(clockId);
        int index = request.parameters().u32();
        switch (entry.clock().rates()) {
            case ClockRates.Range range -> {
                if (index != 0) {
                    throw new ScmiException(ScmiStatus.OUT_OF_RANGE, "a range clock has one triplet at index 0");
                }
                reply.u32(RANGE_TRIPLET | RATES_RANGE_FORMAT).u64(range.min()).u64(range.max()).u64(range.step());
            }
            case ClockRates.Discrete discrete -> {
                int count = discrete.rates().size();
                if (Integer.compareUnsigned(index, count) >= 0) {
                    throw new ScmiException(ScmiStatus.OUT_OF_RANGE, "clock " + clockId + " has " + count
                            + " rates, index " + Integer.toUnsignedString(index) + " asked");
                }
                Paging.write(reply, RATE_LIST_COUNTS, discrete.rates(), index, rate -> Long.BYTES,
                        (out, i, rate) -> out.u64(rate));
            }
        }
    }

    private void rateSet(ScmiRequest request, Reply reply) throws ScmiException {
        Payload parameters = request.parameters();
        int flags = parameters.u32();
        int clockId = parameters.u32();
        Entry entry = present(request, clockId);
        long requested = parameters.u64();
        if ((flags & SET_FLAGS_RESERVED) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "reserved flags set: 0x" + Integer.toHexString(flags));
        }
        permit(entry, ClockControl.RATE);
        long rate = RateRounding.of(flags).apply(entry.clock().rates(), requested);
        Agent agent = request.agent();
        if ((flags & SET_ASYNC) == 0) {
            applyRate(agent.id(), entry, rate);
            return;
        }
        if (!agent.hasEventChannel()) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "no event channel for a delayed response");
        }
        int limit = asyncLimit(agent);
        if (limit == 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "asynchronous rate changes are not offered");
        }
        AtomicInteger pending = pendingByAgent.computeIfAbsent(agent.id(), id -> new AtomicInteger());
        if (pending.incrementAndGet() > limit) {
            pending.decrementAndGet();
            throw new ScmiException(ScmiStatus.BUSY, limit + " asynchronous rate changes pending");
        }
        boolean delayedResponse = (flags & SET_NO_DELAYED_RESPONSE) == 0;
        int delayedHeader = ScmiHeader.delayedResponseFor(request.header());
        try {
            asynchronousSets.execute(() -> {
                try {
                    long now = applyRate(agent.id(), entry, rate);
                    if (delayedResponse) {
                        agent.sendEvent(delayedHeader, rateSetCompleted(clockId, now));
                    }
                } catch (ScmiException e) {
                    LOG.warn("Agent {}: asynchronous rate {} Hz of clock {} failed: {}", agent.id(), rate,
                            entry.name(), e.getMessage());
                    if (delayedResponse) {
                        agent.sendEvent(delayedHeader, rateSetFailed(e.status()));
                    }
                } finally {
                    pending.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet();
            throw new ScmiException(ScmiStatus.BUSY, "clock protocol stopping");
        }
    }

    /** Sets the rate, telling subscribers of the request and of the change; returns the rate now. */
    private long applyRate(int agentId, Entry entry, long rate) throws ScmiException {
        publishRate(changeRequested, agentId, entry, rate);
        long before = settings.setRate(agentId, entry, rate);
        long now = entry.driver().rate(entry.key());
        if (now != before) {
            publishRate(rateChanged, agentId, entry, now);
        }
        return now;
    }

    private void rateGet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request, request.parameters().u32());
        reply.u64(entry.driver().rate(entry.key()));
    }

    private void configSet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request, request.parameters().u32());
        int attributes = request.parameters().u32();
        // oem_config_value, the third word, only matters with an OEM config type, which no clock has.
        if ((attributes & CONFIG_SET_RESERVED) != 0 || (attributes & CONFIG_SET_OEM_TYPE_MASK) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "reserved bits or an OEM config type: 0x"
                    + Integer.toHexString(attributes));
        }
        int state = attributes & CONFIG_STATE_MASK;
        if (state != CONFIG_STATE_DISABLE && state != CONFIG_STATE_ENABLE) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "state " + state + " without an OEM config type");
        }
        permit(entry, ClockControl.STATE);
        settings.enable(request.agent().id(), entry, state == CONFIG_STATE_ENABLE);
    }

    private void configGet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request, request.parameters().u32());
        int flags = request.parameters().u32();
        if (flags != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, (flags & ~CONFIG_GET_OEM_TYPE_MASK) != 0
                    ? "reserved flags set: 0x" + Integer.toHexString(flags)
                    : "no OEM config type " + flags);
        }
        reply.u32(NO_CONFIG_ATTRIBUTES).u32(settings.enabledFor(request.agent().id(), entry) ? ENABLED : 0)
                .u32(NO_OEM_VALUE);
    }

    private void nameGet(ScmiRequest request, Reply reply) throws ScmiException {
        Clock clock = seen(request).get(request.parameters().u32()).clock();
        reply.u32(NAME_FLAGS).name(clock.name(), Reply.EXTENDED_NAME);
    }

    private void rateNotify(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = seen(request).get(request.parameters().u32());
        rateChanged.subscribe(request.agent().id(), entry, Subscriptions.enabled(request.parameters().u32()));
    }

    private void changeRequestedNotify(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = seen(request).get(request.parameters().u32());
        changeRequested.subscribe(request.agent().id(), entry, Subscriptions.enabled(request.parameters().u32()));
    }

    private void possibleParentsGet(ScmiRequest request, Reply reply) throws ScmiException {
        AgentResources<Entry> seen = seen(request);
        int clockId = request.parameters().u32();
        List<Integer> parentIds = withParents(seen, clockId, seen.get(clockId));
        int skip = request.parameters().u32();
        if (Integer.compareUnsigned(skip, parentIds.size()) >= 0) {
            throw new ScmiException(ScmiStatus.OUT_OF_RANGE, "clock " + clockId + " has " + parentIds.size()
                    + " parents, skip " + Integer.toUnsignedString(skip) + " asked");
        }
        Paging.write(reply, PARENT_LIST_COUNTS, parentIds, skip, parentId -> Integer.BYTES,
                (out, i, parentId) -> out.u32(parentId));
    }

    private void parentSet(ScmiRequest request, Reply reply) throws ScmiException {
        AgentResources<Entry> seen = seen(request);
        int clockId = request.parameters().u32();
        Entry entry = present(request, clockId);
        int parentId = request.parameters().u32();
        Entry parent = seen.get(parentId);
        if (!withParents(seen, clockId, entry).contains(parentId)) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "clock " + parentId
                    + " is not a possible parent of clock " + clockId);
        }
        permit(entry, ClockControl.PARENT);
        settings.setParent(request.agent().id(), entry, parent.key());
    }

    private void parentGet(ScmiRequest request, Reply reply) throws ScmiException {
        AgentResources<Entry> seen = seen(request);
        int clockId = request.parameters().u32();
        Entry entry = present(request, clockId);
        withParents(seen, clockId, entry);
        String parentKey = entry.driver().parent(entry.key());
        Entry parent = clocks.find(entry.owner().settingKey(parentKey)).orElseThrow(() -> new ScmiException(
                ScmiStatus.GENERIC_ERROR, "clock " + entry.name() + " reports an unknown parent " + parentKey));
        int parentId = seen.idOf(parent);
        if (parentId < 0) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "the parent of clock " + clockId
                    + " is not a clock the agent sees");
        }
        reply.u32(parentId);
    }

    private void getPermissions(ScmiRequest request, Reply reply) throws ScmiException {
        Clock clock = seen(request).get(request.parameters().u32()).clock();
        reply.u32((clock.allows(ClockControl.STATE) ? PERMIT_STATE : 0)
                | (clock.allows(ClockControl.PARENT) ? PERMIT_PARENT : 0)
                | (clock.allows(ClockControl.RATE) ? PERMIT_RATE : 0));
    }

    /** The agent's ids of the clock's possible parents it sees, in the clock's order. */
    private static List<Integer> parentIds(AgentResources<Entry> seen, Entry entry) {
        List<Integer> ids = new ArrayList<>();
        for (String parentKey : entry.parentKeys()) {
            seen.find(parentKey).ifPresent(parent -> ids.add(seen.idOf(parent)));
        }
        return ids;
    }

    /** The agent's ids of the clock's parents; NOT_SUPPORTED if it sees none it could select. */
    private static List<Integer> withParents(AgentResources<Entry> seen, int clockId, Entry entry)
            throws ScmiException {
        List<Integer> ids = parentIds(seen, entry);
        if (ids.isEmpty()) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "clock " + clockId + " has no selectable parent");
        }
        return ids;
    }

    private static void permit(Entry entry, ClockControl control) throws ScmiException {
        if (!entry.clock().allows(control)) {
            throw new ScmiException(ScmiStatus.DENIED, control + " of clock " + entry.name() + " is not agents' to change");
        }
    }

    /** The listener the protocol gives one bound driver. */
    private final class Binding implements ClockListener {
        private final BoundDriver<ClockDriver> owner;

        Binding(BoundDriver<ClockDriver> owner) {
            this.owner = owner;
        }

        @Override
        public void rateChanged(String clockKey, long rate) {
            ownClock(clockKey).ifPresent(entry -> {
                settings.rateOverridden(entry);
                publishRate(rateChanged, ResourceNotifications.PLATFORM, entry, rate);
            });
        }

        @Override
        public void rateChangeRequested(String clockKey, long rate) {
            ownClock(clockKey).ifPresent(entry -> publishRate(changeRequested, ResourceNotifications.PLATFORM, entry,
                    rate));
        }

        /** The clock this driver lists under the key, while this driver is the one bound. */
        private Optional<Entry> ownClock(String clockKey) {
            return clocks.find(owner, clockKey);
        }
    }
}
