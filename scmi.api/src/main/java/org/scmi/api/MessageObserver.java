package org.scmi.api;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Sees every command the platform answers (whiteboard service): statistics, tracing. Called on
 * the thread that answered the command, after the reply is written, so implementations must be
 * quick and must not block; the dispatcher skips the call entirely while no observer is registered.
 */
@ConsumerType
public interface MessageObserver {

    /**
     * One command and its answer.
     *
     * @param agent who sent it
     * @param header the command's header word
     * @param parameters the command parameters, read-only, valid only during this call
     * @param status the status answered
     * @param replyLength bytes of return values after the status word
     * @param elapsedNanos time from taking the command to having its reply ready, including any
     *     wait for an absent protocol
     */
    void answered(Agent agent, int header, ByteBuffer parameters, ScmiStatus status, int replyLength,
            long elapsedNanos);
}
