package org.scmi.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>Live updates: a protocol that was registered before and is absent now (its bundle is being
 * updated, stopped and started, or refreshed) is waited for, up to the grace period, before its
 * command is answered NOT_SUPPORTED; a protocol id never registered is NOT_SUPPORTED at once, so
 * an agent probing every protocol it knows is not slowed down, and so is one whose absence already
 * outlasted a grace period (removed for good, or a version that cannot start), until it returns. A command whose protocol was
 * unregistered while it ran and that did not succeed (the component was deactivated under it) is
 * run again, once the replacement is there, on its parameters read again from the start and an emptied
 * reply: the agent gets exactly one answer, from the replacement. A command that succeeded keeps its
 * answer.
 *
 * <p>Thread-safe: commands of different agents are dispatched concurrently, while protocols are
 * bound and unbound on OSGi threads. Lookups are array reads, free of locks and allocation; only
 * a command for an absent protocol takes the lock, to wait on the condition signalled when a
 * protocol is added. The dispatcher allocates nothing for the messages it answers itself; the
 * caller provides the parameter reader and the reply writer.
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
    /** Per protocol id: 1 once a protocol was registered with it, so that its absence is waited for. */
    private final AtomicIntegerArray known = new AtomicIntegerArray(IDS);
    private final ReentrantLock arrivals = new ReentrantLock();
    private final Condition arrived = arrivals.newCondition();
    private volatile long graceNanos;

    /** @param grace how long a command waits for an absent protocol that was registered before */
    ScmiDispatcher(Duration grace) {
        setGrace(grace);
    }

    void setGrace(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("negative grace period " + grace);
        }
        graceNanos = grace.toNanos();
    }

    /** A protocol service appeared with this protocol id (its service property). */
    void addProtocol(int protocolId, ScmiProtocol protocol) {
        checkId(protocolId);
        synchronized (this) {
            ScmiProtocol[] current = protocols.get(protocolId);
            ScmiProtocol[] added = current == null ? new ScmiProtocol[1] : Arrays.copyOf(current, current.length + 1);
            added[added.length - 1] = protocol;
            protocols.set(protocolId, added);
            known.set(protocolId, 1);
        }
        arrivals.lock();
        try {
            arrived.signalAll();
        } finally {
            arrivals.unlock();
        }
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
     * Executes one command, waiting for its protocol if it is absent for a live update.
     *
     * @param agent who sent it
     * @param header the command's header word
     * @param parameters the bytes after the header; read from their start at each run of the command
     * @param reply where the return values go, as many as the agent's buffer holds; meaningful only
     *     if the status returned is SUCCESS
     * @return the status code
     */
    int dispatch(Agent agent, int header, Payload parameters, Reply reply) {
        int protocolId = (header >>> ScmiHeader.PROTOCOL_ID_SHIFT) & ScmiHeader.PROTOCOL_ID_MASK;
        if (((header >>> ScmiHeader.TYPE_SHIFT) & ScmiHeader.TYPE_MASK) != MessageType.COMMAND.value()) {
            return ScmiStatus.PROTOCOL_ERROR.code();
        }
        long deadline = 0;
        boolean waited = false;
        while (true) {
            ScmiProtocol protocol = protocol(protocolId);
            if (protocol == null) {
                if (known.get(protocolId) == 0) {
                    return ScmiStatus.NOT_SUPPORTED.code();
                }
                if (!waited) {
                    deadline = System.nanoTime() + graceNanos;
                    waited = true;
                }
                protocol = awaitProtocol(protocolId, deadline);
                if (protocol == null) {
                    // Gone for good as far as agents can tell: later commands are answered at once, until it returns.
                    known.set(protocolId, 0);
                    LOG.warn("agent {} ({}): protocol 0x{} stayed absent for the {} ms grace period; {} answered "
                            + "NOT_SUPPORTED", agent.id(), agent.name(), Integer.toHexString(protocolId),
                            TimeUnit.NANOSECONDS.toMillis(graceNanos), ScmiHeader.decode(header));
                    return ScmiStatus.NOT_SUPPORTED.code();
                }
            }
            parameters.rewind();
            reply.rewind();
            int status = execute(protocol, agent, header, parameters, reply);
            if (status == ScmiStatus.SUCCESS.code() || protocol(protocolId) == protocol) {
                return status;
            }
            // The protocol left while the command ran and the command failed: the replacement answers it.
            LOG.info("agent {} ({}): protocol 0x{} went away while {} ran (status {}); running it again on its "
                    + "replacement", agent.id(), agent.name(), Integer.toHexString(protocolId),
                    ScmiHeader.decode(header), status);
            if (!waited) {
                deadline = System.nanoTime() + graceNanos;
                waited = true;
            }
        }
    }

    /** Waits, without spinning, for a protocol with this id until {@code deadline}; null if none came. */
    private ScmiProtocol awaitProtocol(int protocolId, long deadline) {
        arrivals.lock();
        try {
            ScmiProtocol protocol;
            while ((protocol = protocol(protocolId)) == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                arrived.awaitNanos(left);
            }
            return protocol;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the transport is stopping: answer now
            return protocol(protocolId);
        } finally {
            arrivals.unlock();
        }
    }

    private int execute(ScmiProtocol protocol, Agent agent, int header, Payload parameters, Reply reply) {
        int messageId = header & ScmiHeader.MESSAGE_ID_MASK;
        int protocolId = (header >>> ScmiHeader.PROTOCOL_ID_SHIFT) & ScmiHeader.PROTOCOL_ID_MASK;
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
