package org.scmi.base;

import org.scmi.api.Agent;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BASE_SET_DEVICE_PERMISSIONS, BASE_SET_PROTOCOL_PERMISSIONS and BASE_RESET_AGENT_CONFIGURATION:
 * the commands by which one agent manages another.
 *
 * <p>Each command is checked in this order. The target agent must be an agent the caller sees,
 * else NOT_FOUND: an untrusted agent sees only itself, a trusted one every agent (agent 0 is the
 * platform, which has no permissions or configuration an agent could change). Reserved flag bits
 * must be zero, else INVALID_PARAMETERS. For protocol permissions the protocol must be one the
 * platform implements and the caller may use, and access to Base can never be removed, else
 * NOT_FOUND (what the conformance suite expects for both). Only then is the caller's authority
 * checked, so it learns nothing about the platform's devices before being refused.
 *
 * <p>Permissions come from agents' profiles, not from other agents: an untrusted agent's
 * permission commands end in DENIED, and for a trusted agent the platform describes no devices
 * whose permissions could be changed, so every device id is NOT_FOUND. An agent may reset its own
 * configuration, which the specification requires to undo every setting the agent made: each
 * registered protocol's {@link ScmiProtocol#resetAgent} runs and Base drops the agent's error
 * subscription. A trusted agent may reset another agent the same way; an untrusted one does not
 * see other agents. The "reset permissions" flag reaches every protocol
 * ({@link ScmiProtocol#resetAgent(int, boolean)}) from a trusted agent only: it undoes what other
 * agents denied the target through a protocol (pins), which an untrusted agent may not undo for
 * itself; its flag is logged and its configuration reset. What profiles give never changes.
 */
final class AgentManagement {
    private static final Logger LOG = LoggerFactory.getLogger(AgentManagement.class);

    private final KnownAgents agents;
    private final ProtocolRegistry protocols;
    private final ErrorNotifications errors;

    AgentManagement(KnownAgents agents, ProtocolRegistry protocols, ErrorNotifications errors) {
        this.agents = agents;
        this.protocols = protocols;
        this.errors = errors;
    }

    void setDevicePermissions(ScmiRequest request) throws ScmiException {
        BaseCodec.DevicePermissions command = BaseCodec.DevicePermissions.read(request.parameters());
        Agent target = target(command.agentId(), request.agent());
        boolean allow = command.allow();
        String what = String.format("%s access of agent %d to device %d", allow ? "allow" : "deny", target.id(),
                Integer.toUnsignedLong(command.deviceId()));
        throw request.agent().trusted() ? noDevice(command.deviceId(), what) : denied(request.agent(), what);
    }

    void setProtocolPermissions(ScmiRequest request) throws ScmiException {
        BaseCodec.ProtocolPermissions command = BaseCodec.ProtocolPermissions.read(request.parameters());
        Agent target = target(command.agentId(), request.agent());
        boolean allow = command.allow();
        int protocolId = command.protocolId();
        if (protocolId == BaseProtocol.PROTOCOL_ID && !allow) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "access to the Base protocol cannot be removed");
        }
        if (protocolId != BaseProtocol.PROTOCOL_ID && !protocols.contains(protocolId, request.agent().view())) {
            throw new ScmiException(ScmiStatus.NOT_FOUND,
                    "protocol 0x" + Integer.toHexString(protocolId) + " is not implemented");
        }
        String what = String.format("%s access of agent %d to protocol 0x%02x of device %d", allow ? "allow" : "deny",
                target.id(), protocolId, Integer.toUnsignedLong(command.deviceId()));
        throw request.agent().trusted() ? noDevice(command.deviceId(), what) : denied(request.agent(), what);
    }

    void resetAgentConfiguration(ScmiRequest request) throws ScmiException {
        BaseCodec.AgentReset command = BaseCodec.AgentReset.read(request.parameters());
        Agent target = target(command.agentId(), request.agent());
        boolean trusted = request.agent().trusted();
        if (target.id() != request.agent().id() && !trusted) {
            throw denied(request.agent(), "reset the configuration of agent " + target.id());
        }
        boolean resetPermissions = command.resetPermissions() && trusted;
        reset(target.id(), resetPermissions);
        if (target.id() == request.agent().id()) {
            LOG.info("Agent {} ({}) reset its configuration{}", target.id(), target.name(), resetPermissions
                    ? " and permissions" : command.resetPermissions() ? " (not its permissions: it is not trusted)" : "");
        } else {
            LOG.info("Agent {} ({}) reset the configuration of agent {} ({}){}", request.agent().id(),
                    request.agent().name(), target.id(), target.name(), resetPermissions ? " and permissions" : "");
        }
    }

    /** Every protocol forgets the agent's settings; one failing protocol does not stop the others. */
    private void reset(int agentId, boolean resetPermissions) throws ScmiException {
        errors.forget(agentId);
        int failed = 0;
        for (ScmiProtocol protocol : protocols.services()) {
            try {
                protocol.resetAgent(agentId, resetPermissions);
            } catch (RuntimeException e) {
                failed++;
                LOG.error("Agent {}: protocol 0x{} failed to reset the agent's configuration",
                        agentId, Integer.toHexString(protocol.protocolId()), e);
            }
        }
        if (failed > 0) {
            throw new ScmiException(ScmiStatus.GENERIC_ERROR,
                    failed + " protocols could not reset agent " + agentId);
        }
    }

    private Agent target(int agentId, Agent caller) throws ScmiException {
        return agents.find(agentId, caller).orElseThrow(() -> new ScmiException(ScmiStatus.NOT_FOUND,
                "no agent " + Integer.toUnsignedString(agentId)));
    }

    private static ScmiException noDevice(int deviceId, String what) {
        return new ScmiException(ScmiStatus.NOT_FOUND, "no device " + Integer.toUnsignedLong(deviceId)
                + " (the platform describes no devices): " + what);
    }

    private static ScmiException denied(Agent caller, String what) {
        return new ScmiException(ScmiStatus.DENIED,
                "agent " + caller.id() + " is not trusted to " + what);
    }
}
