package org.scmi.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.scmi.api.Agent;
import org.scmi.api.MessageHandler;
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;

/**
 * Sends commands to a protocol the way the dispatcher does. Two views: {@link #call} gives the
 * bytes an agent receives after the header (status word, then return values only on success), as
 * the dispatcher answers unknown messages and wrong lengths; {@link #returnValues} checks that the
 * handler exists for the agent and takes exactly the parameters sent, and gives the return values
 * of a successful command or throws its {@link ScmiException}.
 */
public final class Dispatch {
    /** Return-value capacity of a Linux agent's variable-size reply buffer (136 bytes minus header and status). */
    public static final int LINUX_CAPACITY = 128;
    /** The token of every command sent, unless a test names one. */
    public static final int TOKEN = 0x2A;

    private Dispatch() {
    }

    /** The bytes after the header of the response, with {@link #LINUX_CAPACITY} bytes of room. */
    public static byte[] call(ScmiProtocol protocol, Agent agent, int messageId, int... parameters) {
        return callWithRoom(protocol, agent, LINUX_CAPACITY, messageId, parameters);
    }

    /** The bytes after the header of the response: status, then return values only on success. */
    public static byte[] callWithRoom(ScmiProtocol protocol, Agent agent, int capacity, int messageId,
            int... parameters) {
        MessageHandler handler = protocol.handler(messageId, agent);
        if (handler == null) {
            return Le.words(ScmiStatus.NOT_FOUND.code());
        }
        byte[] parameterBytes = Le.words(parameters);
        if (handler.parameterLength() != MessageHandler.VARIABLE_LENGTH
                && handler.parameterLength() != parameterBytes.length) {
            return Le.words(ScmiStatus.PROTOCOL_ERROR.code());
        }
        Reply reply = new Reply(capacity);
        try {
            handler.handle(request(protocol, agent, TOKEN, messageId, parameterBytes), reply);
        } catch (ScmiException e) {
            return Le.words(e.status().code());
        }
        return ByteBuffer.allocate(4 + reply.length()).order(ByteOrder.LITTLE_ENDIAN).putInt(0)
                .put(reply.toByteArray()).array();
    }

    public static byte[] returnValues(ScmiProtocol protocol, Agent caller, int messageId, int... parameters)
            throws ScmiException {
        return returnValuesWithin(LINUX_CAPACITY, protocol, caller, messageId, parameters);
    }

    public static byte[] returnValuesWithin(int capacity, ScmiProtocol protocol, Agent caller, int messageId,
            int... parameters) throws ScmiException {
        return returnValuesWithToken(TOKEN, capacity, protocol, caller, messageId, parameters);
    }

    /**
     * The return values of a successful command sent with this token, after checking that the
     * handler exists for this agent and declares exactly the parameter length sent.
     */
    public static byte[] returnValuesWithToken(int token, int capacity, ScmiProtocol protocol, Agent caller,
            int messageId, int... parameters) throws ScmiException {
        MessageHandler handler = protocol.handler(messageId, caller);
        assertNotNull(handler, "no handler for message 0x" + Integer.toHexString(messageId));
        byte[] sent = Le.words(parameters);
        assertEquals(handler.parameterLength(), sent.length, "parameter length of 0x" + Integer.toHexString(messageId));
        Reply reply = new Reply(capacity);
        handler.handle(request(protocol, caller, token, messageId, sent), reply);
        return reply.toByteArray();
    }

    /** The status of a command that must fail. */
    public static ScmiStatus failure(ScmiProtocol protocol, Agent caller, int messageId, int... parameters) {
        return failureWithin(LINUX_CAPACITY, protocol, caller, messageId, parameters);
    }

    public static ScmiStatus failureWithin(int capacity, ScmiProtocol protocol, Agent caller, int messageId,
            int... parameters) {
        return assertThrows(ScmiException.class,
                () -> returnValuesWithin(capacity, protocol, caller, messageId, parameters)).status();
    }

    private static ScmiRequest request(ScmiProtocol protocol, Agent agent, int token, int messageId,
            byte[] parameters) {
        int header = ScmiHeader.command(protocol.protocolId(), messageId, token).encode();
        return new ScmiRequest(agent, header, Payload.of(parameters), protocol.version());
    }
}
