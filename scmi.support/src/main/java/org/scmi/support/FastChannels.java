package org.scmi.support;

import java.util.Set;
import org.scmi.api.Agent;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiStatus;

/**
 * The answer to a DESCRIBE_FASTCHANNEL command (Performance 0xB, Powercap 0xC) on a transport with
 * no memory to share for fast channels. A fast channel is a region of shared memory the agent maps
 * and the platform polls; virtio-scmi offers none, so no domain reports fast channels (the domain
 * attribute bit stays clear, PROTOCOL_MESSAGE_ATTRIBUTES reports no message with one) and the
 * command answers as the specification asks for a message without a fast channel.
 */
public final class FastChannels {
    /** The messages every protocol has besides its own handlers. */
    private static final Set<Integer> COMMON = Set.of(ScmiProtocol.MSG_PROTOCOL_VERSION,
            ScmiProtocol.MSG_PROTOCOL_ATTRIBUTES, ScmiProtocol.MSG_PROTOCOL_MESSAGE_ATTRIBUTES);

    private FastChannels() {
    }

    /**
     * The error a DESCRIBE_FASTCHANNEL for {@code messageId} answers, once its domain is known to
     * exist: NOT_FOUND for a message the protocol does not have, NOT_SUPPORTED for any other (no
     * message has a fast channel here).
     */
    public static ScmiException none(ScmiProtocol protocol, Agent agent, int messageId) {
        boolean exists = COMMON.contains(messageId) || protocol.handler(messageId, agent) != null;
        return exists
                ? new ScmiException(ScmiStatus.NOT_SUPPORTED, String.format(
                        "message 0x%x has no fast channel: virtio-scmi has no shared memory for one", messageId))
                : new ScmiException(ScmiStatus.NOT_FOUND, "no message 0x" + Integer.toHexString(messageId));
    }
}
