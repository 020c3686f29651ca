package org.scmi.voltage;

import static org.scmi.voltage.VoltageMessages.*;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
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
import org.scmi.api.state.AgentStateStore;
import org.scmi.support.AgentResources;
import org.scmi.support.BoundDriver;
import org.scmi.support.DirectoryReference;
import org.scmi.support.DriverBindings;
import org.scmi.support.Paging;
import org.scmi.support.SharedSetting;
import org.scmi.api.voltage.VoltageDomain;
import org.scmi.api.voltage.VoltageDriver;
import org.scmi.api.voltage.VoltageLevels;
import org.scmi.api.voltage.VoltageListener;
import org.scmi.voltage.VoltageDomains.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Voltage domain management protocol (0x17, v2.1) over every {@link VoltageDriver} service
 * present. Always registered: without drivers it reports zero domains. The protocol has no
 * notifications.
 *
 * <p>How agents share a supply is documented in {@code org.scmi.api.voltage}: each agent's on/off
 * vote and level request are kept in the platform's {@link AgentStateStore} (keys {@value #MODE}
 * and {@value #LEVEL} followed by the domain's setting key), which BASE_RESET_AGENT_CONFIGURATION
 * withdraws.
 *
 * <p>Statuses: an unknown domain is NOT_FOUND; a config with reserved bits (31:4) or a reserved mode
 * (0x1 to 0x6) is INVALID_PARAMETERS and an implementation-defined mode (bit 3) NOT_SUPPORTED;
 * level-set flags with reserved bits are INVALID_PARAMETERS, an asynchronous set the domain does not
 * offer this agent NOT_SUPPORTED, a level the domain cannot be set to OUT_OF_RANGE; a level index
 * past the list OUT_OF_RANGE.
 *
 * <p>Threads: commands run on the caller's thread and block it while the driver works; an
 * asynchronous VOLTAGE_LEVEL_SET is answered at once, runs on a virtual thread and completes with a
 * delayed response on the agent's event channel. Driver listeners may call in from any thread.
 *
 * <p>Agents see the domains their profile lists, under their own ids: every lookup of a domain by
 * id and every count goes through {@link #domains(Agent)}, the one place an agent's view of the
 * domains comes from; the delayed response of an asynchronous level set names the domain by the id
 * the agent sent.
 */
@Component(service = ScmiProtocol.class, configurationPid = VoltageProtocol.PID,
        property = {ScmiProtocol.PROTOCOL_ID + ":Integer=23", ScmiProtocol.EVENTS + ":Boolean=true"})
@Designate(ocd = VoltageProtocolConfig.class)
public final class VoltageProtocol implements ScmiProtocol {
    static final String PID = "org.scmi.voltage";
    /** Store key prefix of an agent's on/off vote: "1" on, "0" off. */
    static final String MODE = "mode/";
    /** Store key prefix of an agent's level request, in µV. */
    static final String LEVEL = "level/";
    /** Store key prefixes, under the platform, of a supply's mode and level before the first vote. */
    static final String MODE_BASELINE = "baseline/mode/";
    static final String LEVEL_BASELINE = "baseline/level/";
    private static final Logger LOG = LoggerFactory.getLogger(VoltageProtocol.class);

    private final Map<Integer, MessageHandler> handlers = Map.of(
            MSG_PROTOCOL_ATTRIBUTES, MessageHandler.of(0, this::protocolAttributes),
            DOMAIN_ATTRIBUTES, MessageHandler.of(DOMAIN_ID_LENGTH, this::domainAttributes),
            DESCRIBE_LEVELS, MessageHandler.of(DOMAIN_AND_WORD_LENGTH, this::describeLevels),
            CONFIG_SET, MessageHandler.of(DOMAIN_AND_WORD_LENGTH, this::configSet),
            CONFIG_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::configGet),
            LEVEL_SET, MessageHandler.of(LEVEL_SET_LENGTH, this::levelSet),
            LEVEL_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::levelGet),
            DOMAIN_NAME_GET, MessageHandler.of(DOMAIN_ID_LENGTH, this::domainNameGet));

    /** Every driver's place, kept while a keyed driver is away; renumbers the domains when it changes. */
    private final DriverBindings<VoltageDriver, VoltageDomain> drivers =
            new DriverBindings<>(LOG, "Voltage", "domains", places -> domains = VoltageDomains.of(places));
    private final DirectoryReference directory = new DirectoryReference();
    private final AgentStateStore store;
    private final SharedSetting<Boolean> modes;
    private final SharedSetting<Integer> levels;
    private final ExecutorService asynchronousSets =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("scmi-voltage-level-", 0).factory());
    private volatile VoltageDomains domains = VoltageDomains.EMPTY;
    private volatile Duration driverGrace;

    /** @param store where agents' votes are kept, so that they outlive this bundle */
    @Activate
    public VoltageProtocol(VoltageProtocolConfig config, @Reference AgentStateStore store) {
        this.store = store;
        this.modes = new SharedSetting<>(store, VOLTAGE_PROTOCOL_ID, MODE, MODE_BASELINE, directory::agentIds,
                on -> on ? "1" : "0", "1"::equals);
        this.levels = new SharedSetting<>(store, VOLTAGE_PROTOCOL_ID, LEVEL, LEVEL_BASELINE, directory::agentIds,
                level -> Integer.toString(level), Integer::valueOf);
        modified(config);
    }

    @Modified
    void modified(VoltageProtocolConfig config) {
        driverGrace = Duration.ofMillis(Math.max(0, config.driverGraceMillis()));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        asynchronousSets.shutdown();
        if (!asynchronousSets.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("Asynchronous voltage level changes still running while the voltage protocol stops");
        }
    }

    @Override
    public int protocolId() {
        return VOLTAGE_PROTOCOL_ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public MessageHandler handler(int messageId, Agent agent) {
        return handlers.get(messageId);
    }

    /** Withdraws the agent's votes, then forgets everything it set up through this protocol. */
    @Override
    public void resetAgent(int agentId) {
        BiConsumer<Entry, ScmiException> failed = (domain, e) -> LOG.warn("Voltage domain {} not restored "
                + "after agent {} was reset: {}", domain.name(), agentId, e.getMessage());
        modes.withdrawAll(agentId, domains.entries(), VoltageProtocol::mode, failed);
        levels.withdrawAll(agentId, domains.entries(), VoltageProtocol::level, failed);
        store.clear(agentId, VOLTAGE_PROTOCOL_ID);
    }

    @Override
    public List<BoardResource> resources() {
        return domains.boardResources();
    }

    @Override
    public List<BoardResource> resources(Agent agent) {
        return domains(agent).boardResources();
    }

    /** Per domain: each agent's vote on the supply being on and on its level. */
    @Override
    public List<ResourceVotes> votes() {
        return domains.votes(domain -> {
            Map<Integer, String> votes = new TreeMap<>();
            modes.votes(domain.settingKey()).forEach((agentId, on) -> votes.put(agentId, on ? "on" : "off"));
            levels.votes(domain.settingKey()).forEach((agentId, level) -> votes.merge(agentId, level + " uV",
                    (mode, asked) -> mode + ", " + asked));
            return votes;
        }, domain -> (domain.driver().on(domain.key()) ? "on, " : "off, ") + domain.driver().level(domain.key())
                + " uV");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDriver(VoltageDriver driver, Map<String, Object> properties) {
        BoundDriver<VoltageDriver> owner = BoundDriver.of(driver, properties, VoltageDriver.DRIVER_KEY);
        if (!drivers.bind(owner, driver.domains(), () -> listen(driver, new Binding(owner)))) {
            return;
        }
        LOG.info("Voltage driver {} bound: {} domains", owner.key(), driver.domains().size());
    }

    void unbindDriver(VoltageDriver driver) {
        drivers.unbind(driver);
    }

    private static Runnable listen(VoltageDriver driver, Binding binding) {
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

    /** The domains as {@code agent} sees them: every lookup and count starts here. */
    private AgentResources<Entry> domains(Agent agent) {
        return domains.seenBy(agent);
    }

    /** The domain, with its driver: waits for it while it is away. */
    private Entry present(Entry entry) throws ScmiException {
        return drivers.present(entry, () -> domains, driverGrace);
    }

    /** The domain an agent's command names, with its driver. */
    private Entry present(ScmiRequest request) throws ScmiException {
        return present(domains(request.agent()).get(request.parameters().u32()));
    }

    private void protocolAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        reply.u32(domains(request.agent()).count() & DOMAIN_COUNT_MASK);
    }

    private void domainAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        VoltageDomain domain = domains(request.agent()).get(request.parameters().u32()).domain();
        int attributes = (request.agent().hasEventChannel() && domain.asynchronousLevelSet() ? ATTR_ASYNC_LEVEL_SET : 0)
                | (domain.name().length() >= Reply.SHORT_NAME ? ATTR_EXTENDED_NAME : 0);
        reply.u32(attributes).name(domain.name(), Reply.SHORT_NAME);
    }

    private void describeLevels(ScmiRequest request, Reply reply) throws ScmiException {
        int domainId = request.parameters().u32();
        Entry entry = domains(request.agent()).get(domainId);
        int index = request.parameters().u32();
        switch (entry.domain().levels()) {
            case VoltageLevels.Range range -> {
                if (index != 0) {
                    throw new ScmiException(ScmiStatus.OUT_OF_RANGE, "a segment is one triplet at index 0");
                }
                reply.u32(SEGMENT_TRIPLET | LEVELS_SEGMENT_FORMAT).u32(range.low()).u32(range.high()).u32(range.step());
            }
            case VoltageLevels.Discrete discrete -> {
                int count = discrete.microvolts().size();
                if (Integer.compareUnsigned(index, count) >= 0) {
                    throw new ScmiException(ScmiStatus.OUT_OF_RANGE, "voltage domain " + domainId + " has " + count
                            + " levels, index " + Integer.toUnsignedString(index) + " asked");
                }
                Paging.write(reply, LEVEL_LIST_COUNTS, discrete.microvolts(), index, level -> Integer.BYTES,
                        (out, i, level) -> out.u32(level));
            }
        }
    }

    private void configSet(ScmiRequest request, Reply reply) throws ScmiException {
        Agent agent = request.agent();
        Entry listed = domains(agent).get(request.parameters().u32());
        int config = request.parameters().u32();
        if ((config & ~CONFIG_MODE_MASK) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "reserved config bits: 0x" + Integer.toHexString(config));
        }
        if ((config & CONFIG_VENDOR_MODE) != 0) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "implementation-defined mode 0x"
                    + Integer.toHexString(config) + " is not offered");
        }
        if (config != CONFIG_ON && config != CONFIG_OFF) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "reserved mode 0x" + Integer.toHexString(config));
        }
        Entry entry = present(listed);
        modes.vote(agent.id(), entry.settingKey(), config == CONFIG_ON, mode(entry));
    }

    private void configGet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request);
        reply.u32(modes.view(request.agent().id(), entry.settingKey(), mode(entry)) ? CONFIG_ON : CONFIG_OFF);
    }

    private void levelSet(ScmiRequest request, Reply reply) throws ScmiException {
        Agent agent = request.agent();
        int domainId = request.parameters().u32();
        Entry listed = domains(agent).get(domainId);
        int flags = request.parameters().u32();
        int microvolts = request.parameters().u32();
        if ((flags & ~SET_ASYNC) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "reserved flags set: 0x" + Integer.toHexString(flags));
        }
        boolean asynchronous = flags == SET_ASYNC;
        if (asynchronous && !(agent.hasEventChannel() && listed.domain().asynchronousLevelSet())) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "voltage domain " + domainId
                    + " cannot be set asynchronously by this agent");
        }
        if (!listed.domain().levels().supports(microvolts)) {
            throw new ScmiException(ScmiStatus.OUT_OF_RANGE, "voltage domain " + domainId + " cannot be set to "
                    + microvolts + " uV");
        }
        Entry entry = present(listed);
        if (!asynchronous) {
            levels.vote(agent.id(), entry.settingKey(), microvolts, level(entry));
            return;
        }
        int delayedHeader = ScmiHeader.delayedResponseFor(request.header());
        try {
            asynchronousSets.execute(() -> agent.sendEvent(delayedHeader, completeAsynchronously(agent.id(), domainId,
                    entry, microvolts)));
        } catch (RejectedExecutionException e) {
            throw new ScmiException(ScmiStatus.BUSY, "voltage protocol stopping");
        }
    }

    /**
     * The delayed response of an asynchronous level set, once the supply is at its level.
     *
     * @param domainId the domain's id as the agent knows it
     */
    private byte[] completeAsynchronously(int agentId, int domainId, Entry entry, int microvolts) {
        try {
            levels.vote(agentId, entry.settingKey(), microvolts, level(entry));
            return levelSetComplete(ScmiStatus.SUCCESS, domainId, entry.driver().level(entry.key()));
        } catch (ScmiException e) {
            LOG.warn("Agent {}: asynchronous level {} uV of voltage domain {} failed: {}", agentId, microvolts,
                    entry.name(), e.getMessage());
            return levelSetComplete(e.status(), domainId, 0);
        }
    }

    private void levelGet(ScmiRequest request, Reply reply) throws ScmiException {
        Entry entry = present(request);
        reply.u32(entry.driver().level(entry.key()));
    }

    private void domainNameGet(ScmiRequest request, Reply reply) throws ScmiException {
        VoltageDomain domain = domains(request.agent()).get(request.parameters().u32()).domain();
        reply.u32(NAME_FLAGS).name(domain.name(), Reply.EXTENDED_NAME);
    }

    /** A supply's on/off state as votes move it: on while any agent votes on. */
    private static SharedSetting.Hardware<Boolean> mode(Entry entry) {
        return new SharedSetting.Hardware<>() {
            @Override
            public Boolean read() throws ScmiException {
                return entry.driver().on(entry.key());
            }

            @Override
            public void write(Boolean on) throws ScmiException {
                entry.driver().setOn(entry.key(), on);
            }

            @Override
            public Comparator<Boolean> preference() {
                return Comparator.naturalOrder();
            }
        };
    }

    /** A supply's level as votes move it: the highest level asked for. */
    private static SharedSetting.Hardware<Integer> level(Entry entry) {
        return new SharedSetting.Hardware<>() {
            @Override
            public Integer read() throws ScmiException {
                return entry.driver().level(entry.key());
            }

            @Override
            public void write(Integer microvolts) throws ScmiException {
                entry.driver().setLevel(entry.key(), microvolts);
            }

            @Override
            public Comparator<Integer> preference() {
                return Comparator.naturalOrder();
            }
        };
    }

    /** The listener the protocol gives one bound driver. */
    private final class Binding implements VoltageListener {
        private final BoundDriver<VoltageDriver> owner;

        Binding(BoundDriver<VoltageDriver> owner) {
            this.owner = owner;
        }

        @Override
        public void levelChanged(String domainKey, int microvolts) {
            domains.find(owner, domainKey).ifPresent(entry -> levels.overridden(entry.settingKey()));
        }

        @Override
        public void onChanged(String domainKey, boolean on) {
            domains.find(owner, domainKey).ifPresent(entry -> modes.overridden(entry.settingKey()));
        }
    }
}
