package org.scmi.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An SCMI protocol, registered as an OSGi service by its protocol bundle (whiteboard). The
 * dispatcher looks protocols up by {@link #PROTOCOL_ID} at request time, so a protocol bundle can
 * be stopped, updated and started while agents are connected.
 *
 * <p>The dispatcher answers the messages common to every protocol itself: PROTOCOL_VERSION (from
 * {@link #version()}), PROTOCOL_MESSAGE_ATTRIBUTES (from {@link #handler} and
 * {@link #messageAttributes}) and NEGOTIATE_PROTOCOL_VERSION (from {@link #lowestVersion()}). A
 * protocol implements everything else, starting with PROTOCOL_ATTRIBUTES.
 */
@ConsumerType
public interface ScmiProtocol {

    /** Service property holding the protocol id as an Integer; required on every registration. */
    String PROTOCOL_ID = "scmi.protocol.id";

    /**
     * Service property (Boolean): the protocol can send notifications or delayed responses. The
     * virtio device offers its platform-to-agent channel only while such a protocol is present.
     */
    String EVENTS = "scmi.protocol.events";

    /** PROTOCOL_VERSION. */
    int MSG_PROTOCOL_VERSION = 0x0;
    /** PROTOCOL_ATTRIBUTES. */
    int MSG_PROTOCOL_ATTRIBUTES = 0x1;
    /** PROTOCOL_MESSAGE_ATTRIBUTES. */
    int MSG_PROTOCOL_MESSAGE_ATTRIBUTES = 0x2;
    /** NEGOTIATE_PROTOCOL_VERSION (SCMI v3.2). */
    int MSG_NEGOTIATE_PROTOCOL_VERSION = 0x10;

    /** Protocol id, 0x10..0xFF; equal to the {@link #PROTOCOL_ID} service property. */
    int protocolId();

    /** The version this implementation speaks: bits 31:16 major, 15:0 minor. */
    int version();

    /**
     * The oldest version this implementation can behave as, for NEGOTIATE_PROTOCOL_VERSION. An
     * agent may negotiate any version between this and {@link #version()} whose behaviour the
     * protocol implements; {@link ScmiRequest#version()} then carries it.
     */
    default int lowestVersion() {
        return version();
    }

    /**
     * The handler of {@code messageId} for this agent, or {@code null} if the message is not
     * implemented (answered NOT_FOUND). Messages that need a platform-to-agent channel (notify
     * commands) must be {@code null} for agents without one. Never called for the common messages
     * the dispatcher answers.
     */
    MessageHandler handler(int messageId, Agent agent);

    /** PROTOCOL_MESSAGE_ATTRIBUTES of an implemented message; 0 unless it has a fastchannel. */
    default int messageAttributes(int messageId, Agent agent) {
        return 0;
    }

    /**
     * BASE_RESET_AGENT_CONFIGURATION: forget every setting the agent made through this protocol
     * (rates, states, subscriptions) and return its resources to their defaults.
     */
    default void resetAgent(int agentId) {
    }

    /**
     * BASE_RESET_AGENT_CONFIGURATION with its "reset permissions" flag: as {@link #resetAgent(int)},
     * and with {@code resetPermissions} also return what other agents denied this agent through
     * this protocol (the pins a trusted agent denied it) to the default, allowed. The platform
     * passes {@code true} only for a request of a trusted agent. The default resets the
     * configuration alone, for protocols whose permissions come from profiles only.
     *
     * @since 1.1
     */
    default void resetAgent(int agentId, boolean resetPermissions) {
        resetAgent(agentId);
    }

    /**
     * The resources this protocol offers, in the board's numbering, so that profiles can be
     * checked against the board and administrators can see them. Empty for a protocol without
     * resources.
     *
     * @since 1.1
     */
    default List<BoardResource> resources() {
        return List.of();
    }

    /**
     * The resources as {@code agent} sees them: its view of them, in its own numbering (position
     * = the id the agent uses).
     *
     * @since 1.1
     */
    default List<BoardResource> resources(Agent agent) {
        return List.of();
    }

    /**
     * Who holds what on this protocol's shared resources, for administration: one entry per
     * resource that any agent holds a vote on.
     *
     * @since 1.1
     */
    default List<ResourceVotes> votes() {
        return List.of();
    }
}
