package org.scmi.pinctrl;

import static org.scmi.pinctrl.PinctrlMessages.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
import org.scmi.api.ScmiRequest;
import org.scmi.api.ResourceVotes;
import org.scmi.api.ScmiStatus;
import org.scmi.api.pinctrl.PinConfig;
import org.scmi.api.pinctrl.PinConfigRange;
import org.scmi.api.pinctrl.PinConfigTypes;
import org.scmi.api.pinctrl.PinControlDriver;
import org.scmi.api.pinctrl.PinControlListener;
import org.scmi.api.pinctrl.PinController;
import org.scmi.api.state.AgentStateStore;
import org.scmi.pinctrl.PinResources.FunctionEntry;
import org.scmi.pinctrl.PinResources.GroupEntry;
import org.scmi.pinctrl.PinResources.PinEntry;
import org.scmi.pinctrl.PinResources.View;
import org.scmi.support.BoundDriver;
import org.scmi.support.DirectoryReference;
import org.scmi.support.DriverBindings;
import org.scmi.support.NumberedResources;
import org.scmi.support.Paging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pin control protocol (0x19, v1.0) over every {@link PinControlDriver} service present. Always
 * registered: without drivers it reports zero pins (Linux then gives up on the protocol).
 *
 * <p>Every command checks its parameters in the order the specification lists the statuses:
 * reserved bits and selectors the message does not take (INVALID_PARAMETERS), the identifier
 * (NOT_FOUND), then the values (INVALID_PARAMETERS for values no pin could take, NOT_SUPPORTED for
 * what this pin or group does not have), then the agent's right (DENIED, IN_USE). Identifiers are
 * 16 bits: the upper half of an identifier word is ignored, as the specification says.
 *
 * <p>Sharing between agents is written down in {@link PinSettings} (last change wins, an agent's
 * reset puts back what it changed) and {@link PinClaims} (exclusive use by request, permissions).
 * Agents see the pins, groups and functions their profile lists, under their own ids
 * ({@link PinResources.View}); PINCTRL_SET_PERMISSIONS is for agents the platform trusts
 * ({@link Agent#trusted()}, from the agent's profile), and an untrusted agent sees no other agent.
 *
 * <p>Threads: commands run on the caller's thread. Changes (configure, request, release,
 * permissions, an agent's reset) are serialised by one lock, held while the driver works, so that
 * an ownership check and the change it allows cannot be separated by another agent's request; pin
 * changes are rare (a driver probing) and quick. Reads take no lock. Driver listeners may call in
 * from any thread.
 *
 * <p>Live updates: what agents set up (settings they own, requests) is kept in the platform's
 * {@link AgentStateStore}, so a new instance of this bundle carries on where the old one stopped.
 * A keyed driver that goes away keeps the ids of its pins, groups and functions; SETTINGS_GET and
 * SETTINGS_CONFIGURE wait for it up to the configured grace period, then answer HARDWARE_ERROR.
 * Descriptions, requests and permissions need no driver and do not wait.
 */
@Component(service = {ScmiProtocol.class, PinctrlProtocol.class}, configurationPid = PinctrlProtocol.PID,
        property = ScmiProtocol.PROTOCOL_ID + ":Integer=25")
@Designate(ocd = PinctrlProtocolConfig.class)
public final class PinctrlProtocol implements ScmiProtocol {
    static final String PID = "org.scmi.pinctrl";
    private static final Logger LOG = LoggerFactory.getLogger(PinctrlProtocol.class);

    private final Map<Integer, MessageHandler> handlers = Map.of(
            MSG_PROTOCOL_ATTRIBUTES, MessageHandler.of(0, this::protocolAttributes),
            ATTRIBUTES, MessageHandler.of(IDENTIFIER_AND_FLAGS_LENGTH, this::attributes),
            LIST_ASSOCIATIONS, MessageHandler.of(LIST_ASSOCIATIONS_LENGTH, this::listAssociations),
            SETTINGS_GET, MessageHandler.of(IDENTIFIER_AND_FLAGS_LENGTH, this::settingsGet),
            SETTINGS_CONFIGURE, MessageHandler.of(MessageHandler.VARIABLE_LENGTH, this::settingsConfigure),
            REQUEST, MessageHandler.of(IDENTIFIER_AND_FLAGS_LENGTH, this::request),
            RELEASE, MessageHandler.of(IDENTIFIER_AND_FLAGS_LENGTH, this::release),
            NAME_GET, MessageHandler.of(IDENTIFIER_AND_FLAGS_LENGTH, this::nameGet),
            SET_PERMISSIONS, MessageHandler.of(SET_PERMISSIONS_LENGTH, this::setPermissions));

    /** Every driver's place, kept while a keyed driver is away; renumbers everything when it changes. */
    private final DriverBindings<PinControlDriver, PinController> drivers =
            new DriverBindings<>(LOG, "Pin control", "pins", places -> resources = PinResources.of(places));
    private final DirectoryReference directory = new DirectoryReference();
    private final AgentStateStore store;
    private final PinSettings settings;
    private final PinClaims claims;
    private final Object changes = new Object();
    private volatile PinResources resources = PinResources.EMPTY;
    private volatile Duration driverGrace;

    /** @param store where agents' settings and requests are kept, so that they outlive this bundle */
    @Activate
    public PinctrlProtocol(PinctrlProtocolConfig config, @Reference AgentStateStore store) {
        this.store = store;
        this.settings = new PinSettings(store, directory::agentIds);
        this.claims = new PinClaims(store, directory::agentIds);
        modified(config);
    }

    @Modified
    void modified(PinctrlProtocolConfig config) {
        driverGrace = Duration.ofMillis(Math.max(0, config.driverGraceMillis()));
    }

    @Override
    public int protocolId() {
        return PINCTRL_PROTOCOL_ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public MessageHandler handler(int messageId, Agent agent) {
        return handlers.get(messageId);
    }

    /** Puts back what the agent changed and ends its requests; the permissions it was given stay. */
    @Override
    public void resetAgent(int agentId) {
        resetAgent(agentId, false);
    }

    /** With {@code resetPermissions} (a trusted agent's request), the pins denied the agent are allowed again. */
    @Override
    public void resetAgent(int agentId, boolean resetPermissions) {
        synchronized (changes) {
            settings.forget(agentId, resources);
            store.clear(agentId, PINCTRL_PROTOCOL_ID);
            if (resetPermissions) {
                claims.permit(agentId, resources.pins().entries(), true, resources);
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDriver(PinControlDriver driver, Map<String, Object> properties) {
        BoundDriver<PinControlDriver> owner = BoundDriver.of(driver, properties, PinControlDriver.DRIVER_KEY);
        PinController controller = driver.controller();
        if (!drivers.bind(owner, List.of(controller), () -> listen(driver, new Binding(owner)))) {
            return;
        }
        LOG.info("Pin control driver {} bound: {} pins, {} groups, {} functions", owner.key(),
                controller.pins().size(), controller.groups().size(), controller.functions().size());
    }

    void unbindDriver(PinControlDriver driver) {
        drivers.unbind(driver);
    }

    private static Runnable listen(PinControlDriver driver, Binding binding) {
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

    /** Every pin, group and function of every driver, for the administrator. */
    PinResources board() {
        return resources;
    }

    @Override
    public List<BoardResource> resources() {
        return resources.boardResources();
    }

    @Override
    public List<BoardResource> resources(Agent agent) {
        View view = view(agent);
        return Stream.of(view.pins().boardResources(), view.groups().boardResources(),
                view.functions().boardResources()).flatMap(List::stream).toList();
    }

    /** Per pin: the agent holding it and those whose config changes a reset puts back; per group: who set its function. */
    @Override
    public List<ResourceVotes> votes() {
        PinResources board = resources;
        List<ResourceVotes> votes = new ArrayList<>(board.pins().votes(pin -> pinVotes(pin, board),
                pin -> "function " + pin.driver().pinFunction(pin.key()).orElse("none")));
        votes.addAll(board.groups().votes(group -> settings.functionOwner(group)
                        .map(agentId -> Map.of(agentId, "set its function")).orElse(Map.of()),
                group -> "function " + group.driver().function(group.key()).orElse("none")));
        return votes;
    }

    private Map<Integer, String> pinVotes(PinEntry pin, PinResources board) {
        Map<Integer, String> votes = new TreeMap<>();
        settings.configOwners(pin).forEach((agentId, types) -> votes.put(agentId, "set "
                + types.stream().map(PinConfigTypes::name).collect(Collectors.joining(" "))));
        claims.holder(pin, board).ifPresent(agentId -> votes.merge(agentId, "holds it", (set, held) -> held + ", " + set));
        return votes;
    }

    PinClaims claims() {
        return claims;
    }

    PinSettings settings() {
        return settings;
    }

    /** The pins, groups and functions {@code agent} sees: the one place every lookup goes through. */
    private View view(Agent agent) {
        return resources.seenBy(agent.view());
    }

    /** The entry, with its driver: waits for it while it is away. */
    private <E extends NumberedResources.Listed<PinControlDriver>> E present(E entry,
            Function<PinResources, ? extends NumberedResources<E>> list) throws ScmiException {
        return drivers.present(entry, () -> list.apply(resources), driverGrace);
    }

    private void protocolAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        View view = view(request.agent());
        reply.u32((view.groups().count() & COUNT_MASK) << GROUP_COUNT_SHIFT | view.pins().count() & COUNT_MASK)
                .u32(view.functions().count() & COUNT_MASK);
    }

    private void attributes(ScmiRequest request, Reply reply) throws ScmiException {
        int id = identifier(request.parameters());
        Kind kind = selector(request.parameters().u32(), 0, ~SELECTOR_MASK, Kind.PIN, Kind.GROUP, Kind.FUNCTION);
        View view = view(request.agent());
        String name;
        int elements;
        switch (kind) {
            case PIN -> {
                name = view.pins().get(id).pin().name();
                elements = PIN_ELEMENTS;
            }
            case GROUP -> {
                GroupEntry group = view.groups().get(id);
                name = group.group().name();
                elements = group.pins().size();
            }
            default -> {
                FunctionEntry function = view.functions().get(id);
                name = function.function().name();
                elements = view.groupsOf(function).size();
            }
        }
        reply.u32((name.length() >= Reply.SHORT_NAME ? ATTR_EXTENDED_NAME : 0) | elements & ATTR_ELEMENTS_MASK)
                .name(name, Reply.SHORT_NAME);
    }

    private void listAssociations(ScmiRequest request, Reply reply) throws ScmiException {
        Payload parameters = request.parameters();
        int id = identifier(parameters);
        Kind kind = selector(parameters.u32(), 0, ~SELECTOR_MASK, Kind.GROUP, Kind.FUNCTION);
        int index = parameters.u32();
        View view = view(request.agent());
        List<Integer> associations = kind == Kind.GROUP
                ? view.groups().get(id).pins().stream().map(view.pins()::idOf).toList()
                : view.groupsOf(view.functions().get(id)).stream().map(view.groups()::idOf).toList();
        if (Integer.compareUnsigned(index, associations.size()) >= 0) {
            throw invalid(kind.noun() + " " + id + " has " + associations.size() + " associations, index "
                    + Integer.toUnsignedString(index) + " asked");
        }
        Paging.write(reply, ASSOCIATION_COUNTS, associations, index, association -> ASSOCIATION_BYTES,
                (out, i, association) -> association(out, association));
    }

    private void settingsGet(ScmiRequest request, Reply reply) throws ScmiException {
        int id = identifier(request.parameters());
        int attributes = request.parameters().u32();
        Kind kind = selector(attributes, GET_SELECTOR_SHIFT, GET_RESERVED, Kind.PIN, Kind.GROUP);
        int flag = attributes >>> GET_FLAG_SHIFT & GET_FLAG_MASK;
        if (flag != GET_ONE && flag != GET_ALL && flag != GET_FUNCTION_ONLY) {
            throw invalid("config flag " + flag + " is reserved");
        }
        Agent agent = request.agent();
        View view = view(agent);
        List<PinEntry> pins = view.pinsOf(kind, id);
        int type = attributes & BYTE_MASK;
        if (flag == GET_ONE && !PinConfigTypes.defined(type)) {
            throw invalid("config type " + type + " is reserved");
        }
        int function = kind == Kind.PIN ? pinFunction(view, present(view.pins().get(id), PinResources::pins))
                : groupFunction(view, present(view.groups().get(id), PinResources::groups));
        reply.u32(function);
        List<PinConfig> configs = switch (flag) {
            case GET_ONE -> List.of(commonConfig(pins, type).orElseThrow(() -> new ScmiException(
                    ScmiStatus.NOT_SUPPORTED, kind.noun() + " " + id + " has no single " + PinConfigTypes.name(type))));
            case GET_ALL -> commonConfigs(pins);
            default -> List.of();
        };
        int skip = flag == GET_ALL ? attributes >>> GET_SKIP_SHIFT & BYTE_MASK : 0;
        if (skip > configs.size()) {
            throw invalid(kind.noun() + " " + id + " has " + configs.size() + " configs, " + skip + " skipped");
        }
        Paging.write(reply, CONFIG_COUNTS, configs, skip, config -> CONFIG_BYTES,
                (out, i, config) -> out.u32(config.type()).u32((int) config.value()));
    }

    /**
     * The agent's id of the function the pin carries, or {@link PinctrlMessages#NO_FUNCTION} (also
     * for a function the agent does not see).
     */
    private static int pinFunction(View view, PinEntry pin) throws ScmiException {
        return functionId(view, pin.owner(), pin.driver().pinFunction(pin.key()));
    }

    private static int groupFunction(View view, GroupEntry group) throws ScmiException {
        return functionId(view, group.owner(), group.driver().function(group.key()));
    }

    private static int functionId(View view, BoundDriver<PinControlDriver> owner, Optional<String> functionKey) {
        return functionKey.flatMap(key -> view.functions().find(owner.settingKey(key)))
                .map(view.functions()::idOf).orElse(NO_FUNCTION);
    }

    /** The value of {@code type} that every pin has, if they all have the type and agree on it. */
    private Optional<PinConfig> commonConfig(List<PinEntry> pins, int type) throws ScmiException {
        Long common = null;
        for (PinEntry listed : pins) {
            if (!listed.pin().has(type)) {
                return Optional.empty();
            }
            PinEntry pin = present(listed, PinResources::pins);
            long value = pin.driver().config(pin.key(), type);
            if (common != null && common != value) {
                return Optional.empty();
            }
            common = value;
        }
        return Optional.of(new PinConfig(type, common));
    }

    /** Every config the pins agree on, in ascending type order. */
    private List<PinConfig> commonConfigs(List<PinEntry> pins) throws ScmiException {
        List<PinConfig> configs = new ArrayList<>();
        for (int type : pins.getFirst().pin().configs().keySet()) {
            commonConfig(pins, type).ifPresent(configs::add);
        }
        return configs;
    }

    private void settingsConfigure(ScmiRequest request, Reply reply) throws ScmiException {
        Payload parameters = request.parameters();
        if (parameters.length() < CONFIGURE_HEADER_LENGTH) {
            throw new ScmiException(ScmiStatus.PROTOCOL_ERROR, "SETTINGS_CONFIGURE needs at least "
                    + CONFIGURE_HEADER_LENGTH + " bytes, " + parameters.length() + " sent");
        }
        int id = identifier(parameters);
        int functionId = parameters.u32();
        int attributes = parameters.u32();
        Kind kind = selector(attributes, 0, CONFIGURE_RESERVED, Kind.PIN, Kind.GROUP);
        int count = attributes >>> CONFIGURE_COUNT_SHIFT & BYTE_MASK;
        if (parameters.remaining() != count * CONFIG_BYTES) {
            throw new ScmiException(ScmiStatus.PROTOCOL_ERROR, count + " configs announced, "
                    + parameters.remaining() + " bytes of configs sent");
        }
        boolean selectFunction = (attributes & CONFIGURE_FUNCTION_VALID) != 0;
        Agent agent = request.agent();
        View view = view(agent);
        List<PinEntry> pins = view.pinsOf(kind, id);
        List<PinConfig> configs = readConfigs(parameters, count);
        if (configs.isEmpty() && !selectFunction) {
            throw invalid("neither a function nor a config to set");
        }
        Optional<FunctionEntry> function = selectFunction ? function(view, kind, id, functionId) : Optional.empty();
        checkValues(pins, configs);
        if (selectFunction && kind == Kind.PIN) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "functions are selected on groups, not on pin " + id);
        }
        checkSupported(pins, configs);
        synchronized (changes) {
            permitChange(agent, pins, kind, id);
            if (selectFunction) {
                GroupEntry group = present(view.groups().get(id), PinResources::groups);
                // Every group of the driver, seen or not: the hardware may take a function from any of them.
                settings.select(agent.id(), group, function.map(FunctionEntry::key), resources.groups().entries());
            }
            for (PinEntry listed : configs.isEmpty() ? List.<PinEntry>of() : pins) {
                settings.configure(agent.id(), present(listed, PinResources::pins), configs);
            }
        }
        LOG.info("Agent {} ({}): {} {} ({}){}{}", agent.id(), agent.name(), kind.noun(), id, name(view, kind, id),
                selectFunction ? " function " + function.map(f -> f.function().name()).orElse("none") : "",
                configs.isEmpty() ? "" : " configs " + configs);
    }

    /** The configs of a command: ascending defined types, their reserved bits clear. */
    private static List<PinConfig> readConfigs(Payload parameters, int count) throws ScmiException {
        List<PinConfig> configs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int type = parameters.u32();
            long value = Integer.toUnsignedLong(parameters.u32());
            if ((type & CONFIG_TYPE_RESERVED) != 0 || !PinConfigTypes.defined(type)) {
                throw invalid("config type word 0x" + Integer.toHexString(type) + " is reserved");
            }
            if (!configs.isEmpty() && type <= configs.getLast().type()) {
                throw invalid("configs must be in strictly ascending type order: " + type + " after "
                        + configs.getLast().type());
            }
            configs.add(new PinConfig(type, value));
        }
        return configs;
    }

    /**
     * The function a SETTINGS_CONFIGURE selects on a group: empty for none (0xFFFFFFFF) and for a
     * pin (refused later: this platform has no function of single pins). INVALID_PARAMETERS for a
     * function that does not list the group.
     */
    private static Optional<FunctionEntry> function(View view, Kind kind, int id, int functionId)
            throws ScmiException {
        if (kind == Kind.PIN || functionId == NO_FUNCTION) {
            return Optional.empty();
        }
        GroupEntry group = view.groups().get(id);
        if (Integer.compareUnsigned(functionId, view.functions().count()) >= 0
                || !view.groupsOf(view.functions().get(functionId)).contains(group)) {
            throw invalid("function " + Integer.toUnsignedString(functionId) + " cannot be selected on group " + id);
        }
        return Optional.of(view.functions().get(functionId));
    }

    /** INVALID_PARAMETERS for a value outside the range of a pin that has the type. */
    private static void checkValues(List<PinEntry> pins, List<PinConfig> configs) throws ScmiException {
        for (PinConfig config : configs) {
            for (PinEntry pin : pins) {
                PinConfigRange range = pin.pin().configs().get(config.type());
                if (range != null && !range.contains(config.value())) {
                    throw invalid(PinConfigTypes.name(config.type()) + " of pin " + pin.name() + " takes " + range
                            + ", not " + config.value());
                }
            }
        }
    }

    /** NOT_SUPPORTED for a type one of the pins lacks, or one agents may only read. */
    private static void checkSupported(List<PinEntry> pins, List<PinConfig> configs) throws ScmiException {
        for (PinConfig config : configs) {
            for (PinEntry pin : pins) {
                if (!pin.pin().has(config.type()) || PinConfigTypes.readOnly(config.type())) {
                    throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "pin " + pin.name() + " cannot set "
                            + PinConfigTypes.name(config.type()));
                }
            }
        }
    }

    /**
     * DENIED unless the agent may change every pin: not denied any, none held by another agent
     * (through any group, seen by this agent or not).
     */
    private void permitChange(Agent agent, List<PinEntry> pins, Kind kind, int id) throws ScmiException {
        if (claims.denied(agent.id(), pins)) {
            throw new ScmiException(ScmiStatus.DENIED, "agent " + agent.id() + " was denied " + kind.noun() + " " + id);
        }
        Optional<Integer> holder = claims.otherHolder(agent.id(), pins, resources);
        if (holder.isPresent()) {
            throw new ScmiException(ScmiStatus.DENIED, kind.noun() + " " + id + " is held by agent " + holder.get());
        }
    }

    private void request(ScmiRequest request, Reply reply) throws ScmiException {
        int id = identifier(request.parameters());
        Kind kind = selector(request.parameters().u32(), 0, ~SELECTOR_MASK, Kind.PIN, Kind.GROUP);
        Agent agent = request.agent();
        View view = view(agent);
        List<PinEntry> pins = view.pinsOf(kind, id);
        synchronized (changes) {
            if (claims.denied(agent.id(), pins)) {
                throw new ScmiException(ScmiStatus.DENIED, "agent " + agent.id() + " was denied " + kind.noun() + " "
                        + id);
            }
            Optional<Integer> holder = claims.otherHolder(agent.id(), pins, resources);
            if (holder.isPresent()) {
                throw new ScmiException(ScmiStatus.IN_USE, kind.noun() + " " + id + " is held by agent "
                        + holder.get());
            }
            claims.request(agent.id(), PinClaims.requestKey(kind, settingKey(view, kind, id)));
        }
    }

    private void release(ScmiRequest request, Reply reply) throws ScmiException {
        int id = identifier(request.parameters());
        Kind kind = selector(request.parameters().u32(), 0, ~SELECTOR_MASK, Kind.PIN, Kind.GROUP);
        Agent agent = request.agent();
        String key = PinClaims.requestKey(kind, settingKey(view(agent), kind, id));
        synchronized (changes) {
            if (!claims.holds(agent.id(), key)) {
                throw invalid("agent " + agent.id() + " holds no request for " + kind.noun() + " " + id);
            }
            claims.release(agent.id(), key);
        }
    }

    private void nameGet(ScmiRequest request, Reply reply) throws ScmiException {
        int id = identifier(request.parameters());
        Kind kind = selector(request.parameters().u32(), 0, ~SELECTOR_MASK, Kind.PIN, Kind.GROUP, Kind.FUNCTION);
        reply.u32(NAME_FLAGS).name(name(view(request.agent()), kind, id), Reply.EXTENDED_NAME);
    }

    private void setPermissions(ScmiRequest request, Reply reply) throws ScmiException {
        Payload parameters = request.parameters();
        int agentId = parameters.u32();
        int id = identifier(parameters);
        int flags = parameters.u32();
        Kind kind = selector(flags, 0, PERMISSION_RESERVED, Kind.PIN, Kind.GROUP);
        boolean allow = (flags & PERMISSION_ALLOW) != 0;
        Agent caller = request.agent();
        // An agent its profile does not trust sees no other agent (as in Base): their ids are NOT_FOUND.
        boolean trusted = caller.trusted();
        Agent target = (trusted || agentId == caller.id() ? directory.agent(agentId) : Optional.<Agent>empty())
                .orElseThrow(() -> new ScmiException(ScmiStatus.NOT_FOUND, "no agent " + Integer.toUnsignedString(agentId)));
        View view = view(caller);
        List<PinEntry> pins = view.pinsOf(kind, id);
        if (!trusted) {
            throw new ScmiException(ScmiStatus.DENIED, "agent " + caller.id() + " is not trusted to set pin permissions");
        }
        synchronized (changes) {
            claims.permit(target.id(), pins, allow, resources);
        }
        LOG.info("Agent {} ({}) {} agent {} ({}) {} {} ({})", caller.id(), caller.name(), allow ? "allowed" : "denied",
                target.id(), target.name(), kind.noun(), id, name(view, kind, id));
    }

    private static String name(View view, Kind kind, int id) throws ScmiException {
        return switch (kind) {
            case PIN -> view.pins().get(id).pin().name();
            case GROUP -> view.groups().get(id).group().name();
            case FUNCTION -> view.functions().get(id).function().name();
        };
    }

    private static String settingKey(View view, Kind kind, int id) throws ScmiException {
        return kind == Kind.PIN ? view.pins().get(id).settingKey() : view.groups().get(id).settingKey();
    }

    /** The listener the protocol gives one bound driver. */
    private final class Binding implements PinControlListener {
        private final BoundDriver<PinControlDriver> owner;

        Binding(BoundDriver<PinControlDriver> owner) {
            this.owner = owner;
        }

        @Override
        public void configChanged(String pinKey, int type) {
            resources.pins().find(owner, pinKey).ifPresent(pin -> {
                synchronized (changes) {
                    settings.overridden(pin, type);
                }
            });
        }
    }
}
