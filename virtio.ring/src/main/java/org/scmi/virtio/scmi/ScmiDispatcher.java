package org.scmi.virtio.scmi;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.scmi.api.Agent;
import org.scmi.api.MessageHandler;
import org.scmi.api.MessageType;
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes an agent's command to the protocol registered for its protocol id, looked up at request
 * time so protocols can come and go, and answers the messages common to every protocol
 * (PROTOCOL_VERSION, PROTOCOL_MESSAGE_ATTRIBUTES, NEGOTIATE_PROTOCOL_VERSION) itself.
 *
 * <p>Statuses for what the protocol cannot see: a command type other than 0 is PROTOCOL_ERROR; an
 * unknown protocol NOT_SUPPORTED; an unknown message NOT_FOUND; parameters of the wrong length
 * PROTOCOL_ERROR without calling the handler; a handler that fails unexpectedly GENERIC_ERROR
 * (logged with agent, protocol and message; the server keeps serving).
 *
 * <p>Thread-safe: commands of different agents are dispatched concurrently, while protocols are
 * bound and unbound on OSGi threads. Lookups are array reads, free of locks and allocation.
 */
final class ScmiDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ScmiDispatcher.class);
    private static final int IDS = 256;
    /** Negotiated version slot value for "none": the protocol's own version is in effect. */
    private static final long NOT_NEGOTIATED = -1;

    /** Protocols by id; the first bound of several with the same id serves, the others wait. */
    private final AtomicReferenceArray<ScmiProtocol[]> protocols = new AtomicReferenceArray<>(IDS);
    /** Per agent id, per protocol id: the version the agent negotiated. */
    private final AtomicReferenceArray<AtomicLongArray> negotiated = new AtomicReferenceArray<>(IDS);

    /** A protocol service appeared with this protocol id (its service property). */
    synchronized void addProtocol(int protocolId, ScmiProtocol protocol) {
        checkId(protocolId);
        ScmiProtocol[] current = protocols.get(protocolId);
        ScmiProtocol[] added = current == null ? new ScmiProtocol[1] : Arrays.copyOf(current, current.length + 1);
        added[added.length - 1] = protocol;
        protocols.set(protocolId, added);
    }

    /** A protocol service went away. */
    synchronized void removeProtocol(int protocolId, ScmiProtocol protocol) {
        checkId(protocolId);
        ScmiProtocol[] current = protocols.get(protocolId);
        if (current == null) {
            return;
        }
        ScmiProtocol[] remaining = Arrays.stream(current).filter(p -> p != protocol).toArray(ScmiProtocol[]::new);
        protocols.set(protocolId, remaining.length == 0 ? null : remaining);
    }

    private static void checkId(int protocolId) {
        if (protocolId < 0 || protocolId >= IDS) {
            throw new IllegalArgumentException("protocol id " + protocolId + " is not 0..255");
        }
    }

    /** The protocol serving {@code protocolId}, or null. */
    ScmiProtocol protocol(int protocolId) {
        ScmiProtocol[] serving = protocols.get(protocolId & ScmiHeader.PROTOCOL_ID_MASK);
        return serving == null ? null : serving[0];
    }

    /** Forgets the versions an agent negotiated (agent reset, guest reconnect). */
    void resetAgent(int agentId) {
        if (agentId > 0 && agentId < IDS) {
            negotiated.set(agentId, null);
        }
    }

    /**
     * Executes one command.
     *
     * @param agent who sent it
     * @param header the command's header word
     * @param parameters the bytes after the header
     * @param reply where the return values go (bounded by the agent's buffer)
     * @return the status code; {@code reply} holds the return values only if it is SUCCESS
     */
    int dispatch(Agent agent, int header, Payload parameters, Reply reply) {
        int messageId = header & ScmiHeader.MESSAGE_ID_MASK;
        int protocolId = (header >>> ScmiHeader.PROTOCOL_ID_SHIFT) & ScmiHeader.PROTOCOL_ID_MASK;
        if (((header >>> ScmiHeader.TYPE_SHIFT) & ScmiHeader.TYPE_MASK) != MessageType.COMMAND.value()) {
            return ScmiStatus.PROTOCOL_ERROR.code();
        }
        ScmiProtocol protocol = protocol(protocolId);
        if (protocol == null) {
            return ScmiStatus.NOT_SUPPORTED.code();
        }
        try {
            switch (messageId) {
                case ScmiProtocol.MSG_PROTOCOL_VERSION -> {
                    expectLength(parameters, 0);
                    reply.u32(versionInEffect(agent, protocolId, protocol));
                }
                case ScmiProtocol.MSG_PROTOCOL_MESSAGE_ATTRIBUTES -> {
                    expectLength(parameters, 4);
                    reply.u32(messageAttributes(protocol, agent, parameters.u32()));
                }
                case ScmiProtocol.MSG_NEGOTIATE_PROTOCOL_VERSION -> {
                    if (!negotiable(protocol)) {
                        throw notFound();
                    }
                    expectLength(parameters, 4);
                    negotiate(agent, protocolId, protocol, parameters.u32());
                }
                default -> {
                    MessageHandler handler = protocol.handler(messageId, agent);
                    if (handler == null) {
                        throw notFound();
                    }
                    int expected = handler.parameterLength();
                    if (expected != MessageHandler.VARIABLE_LENGTH) {
                        expectLength(parameters, expected);
                    }
                    handler.handle(new ScmiRequest(agent, header, parameters,
                            versionInEffect(agent, protocolId, protocol)), reply);
                }
            }
            return ScmiStatus.SUCCESS.code();
        } catch (ScmiException e) {
            return e.status().code();
        } catch (Exception | LinkageError | AssertionError e) {
            // A protocol's bug (or a bundle being replaced under us): fail this command only.
            LOG.error("agent {} ({}): protocol 0x{} message 0x{} failed", agent.id(), agent.name(),
                    Integer.toHexString(protocolId), Integer.toHexString(messageId), e);
            return ScmiStatus.GENERIC_ERROR.code();
        }
    }

    private static ScmiException notFound() {
        return new ScmiException(ScmiStatus.NOT_FOUND, "message not implemented");
    }

    private static void expectLength(Payload parameters, int length) throws ScmiException {
        if (parameters.length() != length) {
            throw new ScmiException(ScmiStatus.PROTOCOL_ERROR,
                    parameters.length() + " bytes of parameters where " + length + " are expected");
        }
    }

    private static boolean negotiable(ScmiProtocol protocol) {
        return Integer.compareUnsigned(protocol.lowestVersion(), protocol.version()) < 0;
    }

    private static int messageAttributes(ScmiProtocol protocol, Agent agent, int messageId) throws ScmiException {
        if (messageId == ScmiProtocol.MSG_PROTOCOL_VERSION || messageId == ScmiProtocol.MSG_PROTOCOL_MESSAGE_ATTRIBUTES
                || messageId == ScmiProtocol.MSG_NEGOTIATE_PROTOCOL_VERSION && negotiable(protocol)) {
            return 0;
        }
        if (messageId == ScmiProtocol.MSG_NEGOTIATE_PROTOCOL_VERSION || (messageId & ~ScmiHeader.MESSAGE_ID_MASK) != 0
                || protocol.handler(messageId, agent) == null) {
            throw notFound();
        }
        return protocol.messageAttributes(messageId, agent);
    }

    /** The version the protocol speaks with this agent: the negotiated one while still supported. */
    private int versionInEffect(Agent agent, int protocolId, ScmiProtocol protocol) {
        int version = protocol.version();
        int agentId = agent.id();
        AtomicLongArray versions = agentId > 0 && agentId < IDS ? negotiated.get(agentId) : null;
        long chosen = versions == null ? NOT_NEGOTIATED : versions.get(protocolId);
        return chosen != NOT_NEGOTIATED && supports(protocol, (int) chosen) ? (int) chosen : version;
    }

    private static boolean supports(ScmiProtocol protocol, int version) {
        return Integer.compareUnsigned(protocol.lowestVersion(), version) <= 0
                && Integer.compareUnsigned(version, protocol.version()) <= 0;
    }

    private void negotiate(Agent agent, int protocolId, ScmiProtocol protocol, int version) throws ScmiException {
        if (!supports(protocol, version)) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "version 0x" + Integer.toHexString(version)
                    + " is not between 0x" + Integer.toHexString(protocol.lowestVersion()) + " and 0x"
                    + Integer.toHexString(protocol.version()));
        }
        int agentId = agent.id();
        if (agentId <= 0 || agentId >= IDS) {
            throw new ScmiException(ScmiStatus.DENIED, "agent id " + agentId + " cannot negotiate");
        }
        AtomicLongArray versions = negotiated.get(agentId);
        if (versions == null) {
            AtomicLongArray fresh = new AtomicLongArray(IDS);
            for (int i = 0; i < IDS; i++) {
                fresh.set(i, NOT_NEGOTIATED);
            }
            negotiated.compareAndSet(agentId, null, fresh);
            versions = negotiated.get(agentId);
        }
        versions.set(protocolId, Integer.toUnsignedLong(version));
    }
}
