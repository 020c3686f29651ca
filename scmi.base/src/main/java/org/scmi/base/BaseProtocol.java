package org.scmi.base;

import static org.scmi.base.BaseMessages.BASE_DISCOVER_AGENT;
import static org.scmi.base.BaseMessages.BASE_DISCOVER_IMPLEMENTATION_VERSION;
import static org.scmi.base.BaseMessages.BASE_DISCOVER_LIST_PROTOCOLS;
import static org.scmi.base.BaseMessages.BASE_DISCOVER_SUB_VENDOR;
import static org.scmi.base.BaseMessages.BASE_DISCOVER_VENDOR;
import static org.scmi.base.BaseMessages.BASE_NOTIFY_ERRORS;
import static org.scmi.base.BaseMessages.BASE_RESET_AGENT_CONFIGURATION;
import static org.scmi.base.BaseMessages.BASE_SET_DEVICE_PERMISSIONS;
import static org.scmi.base.BaseMessages.BASE_SET_PROTOCOL_PERMISSIONS;
import static org.scmi.base.BaseMessages.PROTOCOL_ATTRIBUTES;

import java.util.Map;
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
import org.scmi.api.MessageHandler;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;
import org.scmi.api.state.AgentStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SCMI Base protocol (0x10), version 2.1 of SCMI v3.2: what the platform is, which protocols
 * and agents it has, error notifications, and the agent management commands.
 *
 * <p>Handlers run on the dispatcher's threads, possibly for several agents at once; the protocol
 * list, the agent directory and the configuration change underneath them on framework threads.
 * Each is held in a thread-safe holder read once per command, and no reply is built from two
 * different views of the same thing.
 */
@Component(name = BaseProtocol.PID, service = ScmiProtocol.class, property = {
        ScmiProtocol.PROTOCOL_ID + ":Integer=" + BaseProtocol.PROTOCOL_ID,
        ScmiProtocol.EVENTS + ":Boolean=true"})
@Designate(ocd = BaseConfiguration.class)
public final class BaseProtocol implements ScmiProtocol {
    /** Component name and configuration PID. */
    public static final String PID = "org.scmi.base";
    static final int PROTOCOL_ID = 0x10;
    /** Base 2.1 (SCMI v3.2), the newest Base version Linux knows. */
    static final int VERSION = 0x0002_0001;
    /** Base 2.0 differs from 2.1 only by NEGOTIATE_PROTOCOL_VERSION, which the dispatcher answers. */
    static final int LOWEST_VERSION = 0x0002_0000;

    private static final Logger LOG = LoggerFactory.getLogger(BaseProtocol.class);

    private final ProtocolRegistry protocols = new ProtocolRegistry();
    private final KnownAgents agents = new KnownAgents();
    private final ErrorNotifications errors;
    private final Map<Integer, MessageHandler> handlers;
    private volatile BaseSettings settings;

    /** @param store where agents' subscriptions are kept, so that they outlive this bundle */
    @Activate
    public BaseProtocol(BaseConfiguration config, @Reference AgentStateStore store) {
        settings = validate(config);
        errors = new ErrorNotifications(store);
        AgentManagement management = new AgentManagement(agents, protocols, errors);
        handlers = Map.ofEntries(
                Map.entry(PROTOCOL_ATTRIBUTES, MessageHandler.of(0, (request, reply) ->
                        BaseCodec.writeAttributes(reply, protocols.count(request.agent().view()),
                                agents.count(request.agent())))),
                Map.entry(BASE_DISCOVER_VENDOR, MessageHandler.of(0, (request, reply) ->
                        reply.name(settings.vendor(), Reply.SHORT_NAME))),
                Map.entry(BASE_DISCOVER_SUB_VENDOR, MessageHandler.of(0, (request, reply) ->
                        reply.name(settings.subVendor(), Reply.SHORT_NAME))),
                Map.entry(BASE_DISCOVER_IMPLEMENTATION_VERSION, MessageHandler.of(0, (request, reply) ->
                        reply.u32(settings.implementationVersion()))),
                Map.entry(BASE_DISCOVER_LIST_PROTOCOLS, MessageHandler.of(BaseCodec.LIST_PROTOCOLS_PARAMETERS,
                        (request, reply) ->
                                BaseCodec.writeProtocolList(reply, protocols.ids(request.agent().view()),
                                        request.parameters().u32()))),
                Map.entry(BASE_DISCOVER_AGENT, MessageHandler.of(BaseCodec.DISCOVER_AGENT_PARAMETERS,
                        this::discoverAgent)),
                Map.entry(BASE_NOTIFY_ERRORS, MessageHandler.of(BaseCodec.NOTIFY_ERRORS_PARAMETERS,
                        (request, reply) -> errors.subscribe(request.agent().id(),
                                BaseCodec.readNotifyEnable(request.parameters())))),
                Map.entry(BASE_SET_DEVICE_PERMISSIONS, MessageHandler.of(BaseCodec.DEVICE_PERMISSIONS_PARAMETERS,
                        (request, reply) -> management.setDevicePermissions(request))),
                Map.entry(BASE_SET_PROTOCOL_PERMISSIONS, MessageHandler.of(
                        BaseCodec.PROTOCOL_PERMISSIONS_PARAMETERS,
                        (request, reply) -> management.setProtocolPermissions(request))),
                Map.entry(BASE_RESET_AGENT_CONFIGURATION, MessageHandler.of(BaseCodec.RESET_AGENT_PARAMETERS,
                        (request, reply) -> management.resetAgentConfiguration(request))));
    }

    /** A configuration change applies from the next command on; the protocol stays registered. */
    @Modified
    void modified(BaseConfiguration config) {
        settings = validate(config);
    }

    @Reference(service = ScmiProtocol.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, target = "(!(" + ScmiProtocol.PROTOCOL_ID + "=" + PROTOCOL_ID + "))",
            unbind = "removeProtocol", updated = "updateProtocol")
    void addProtocol(ScmiProtocol protocol, Map<String, Object> properties) {
        protocols.put(protocol, properties.get(ScmiProtocol.PROTOCOL_ID));
    }

    void updateProtocol(ScmiProtocol protocol, Map<String, Object> properties) {
        protocols.put(protocol, properties.get(ScmiProtocol.PROTOCOL_ID));
    }

    void removeProtocol(ScmiProtocol protocol) {
        protocols.remove(protocol);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetAgentDirectory")
    void setAgentDirectory(AgentDirectory directory) {
        agents.bind(directory);
    }

    void unsetAgentDirectory(AgentDirectory directory) {
        agents.unbind(directory);
    }

    @Override
    public int protocolId() {
        return PROTOCOL_ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public int lowestVersion() {
        return LOWEST_VERSION;
    }

    /** BASE_NOTIFY_ERRORS needs an event channel to be of any use, so agents without one never see it. */
    @Override
    public MessageHandler handler(int messageId, Agent agent) {
        if (messageId == BASE_NOTIFY_ERRORS && !agent.hasEventChannel()) {
            return null;
        }
        return handlers.get(messageId);
    }

    @Override
    public void resetAgent(int agentId) {
        errors.forget(agentId);
    }

    /**
     * Raises BASE_ERROR_EVENT for errors the platform found in {@code agent}'s communication. Only
     * that agent is told, and only if it subscribed with BASE_NOTIFY_ERRORS.
     *
     * @param fatal whether the errors are fatal
     * @param reports one 64-bit report per erroneous command, at most 1023
     * @return whether the event was queued for the agent
     * @throws IllegalArgumentException if there are more than 1023 reports
     */
    public boolean raiseErrorEvent(Agent agent, boolean fatal, long... reports) {
        return errors.raise(agent, fatal, reports);
    }

    private void discoverAgent(ScmiRequest request, Reply reply) throws ScmiException {
        int agentId = request.parameters().u32();
        if (agentId == BaseCodec.AGENT_PLATFORM) {
            BaseCodec.writeAgent(reply, BaseCodec.AGENT_PLATFORM, settings.platformName());
            return;
        }
        int wanted = agentId == BaseCodec.AGENT_CALLER ? request.agent().id() : agentId;
        Agent agent = agents.find(wanted, request.agent()).orElseThrow(() ->
                new ScmiException(ScmiStatus.NOT_FOUND, "no agent " + Integer.toUnsignedString(agentId)));
        BaseCodec.writeAgent(reply, agent.id(), agent.name());
    }

    private static BaseSettings validate(BaseConfiguration config) {
        return BaseSettings.from(config, problem -> LOG.warn("Configuration {}: {}", PID, problem));
    }
}
