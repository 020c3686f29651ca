package org.scmi.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Handles one message id of a protocol. The dispatcher checks the parameter length before calling
 * {@link #handle}: a command whose parameters are not exactly {@link #parameterLength()} bytes is
 * answered PROTOCOL_ERROR without reaching the handler, so a malformed command has no effect.
 */
@ConsumerType
public interface MessageHandler {

    /** Marks a message whose parameter length the handler checks itself. */
    int VARIABLE_LENGTH = -1;

    /** Exact parameter length in bytes, or {@link #VARIABLE_LENGTH}. */
    int parameterLength();

    /**
     * Handles the command. Returning normally answers SUCCESS followed by what was written to
     * {@code reply}; throwing {@link ScmiException} answers its status alone.
     */
    void handle(ScmiRequest request, Reply reply) throws ScmiException;

    /**
     * Handles the command given by its parts, as in an {@link ScmiRequest}: what the platform
     * calls. The default makes the request and calls {@link #handle(ScmiRequest, Reply)}. A handler
     * whose command must cost no allocation overrides this method too, since the request record is
     * the one object the platform would otherwise make per command.
     *
     * @since 1.4
     */
    default void handle(Agent agent, int header, Payload parameters, int version, Reply reply) throws ScmiException {
        handle(new ScmiRequest(agent, header, parameters, version), reply);
    }

    /** The body of a handler, for {@link #of}. */
    @FunctionalInterface
    interface Body {
        void handle(ScmiRequest request, Reply reply) throws ScmiException;
    }

    /** A handler taking exactly {@code parameterLength} bytes of parameters. */
    static MessageHandler of(int parameterLength, Body body) {
        return new MessageHandler() {
            @Override
            public int parameterLength() {
                return parameterLength;
            }

            @Override
            public void handle(ScmiRequest request, Reply reply) throws ScmiException {
                body.handle(request, reply);
            }
        };
    }
}
