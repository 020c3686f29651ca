package org.scmi.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.scmi.api.Agent;
import org.scmi.api.MessageHandler;
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;

/** Sends commands to a protocol the way the dispatcher does and shows replies as bytes. */
final class Wire {
    /** Return-value capacity of a Linux agent's variable-size reply buffer (136 bytes minus header and status). */
    static final int LINUX_CAPACITY = 128;

    private Wire() {
    }

    /** Bytes from hex digits; spaces are only for reading. */
    static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits.replace(" ", ""));
    }

    /** Little-endian words, as an agent sends parameters. */
    static byte[] words(int... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            bytes.putInt(value);
        }
        return bytes.array();
    }

    /**
     * The return values of a successful command, after checking that the handler exists for this
     * agent and declares exactly the parameter length sent.
     */
    static byte[] callWithin(int capacity, ScmiProtocol protocol, Agent caller, int messageId, int... parameters)
            throws ScmiException {
        MessageHandler handler = protocol.handler(messageId, caller);
        assertNotNull(handler, "no handler for message 0x" + Integer.toHexString(messageId));
        byte[] sent = words(parameters);
        assertEquals(handler.parameterLength(), sent.length, "parameter length of 0x" + Integer.toHexString(messageId));
        Reply reply = new Reply(capacity);
        int header = ScmiHeader.command(protocol.protocolId(), messageId, 0x2A).encode();
        handler.handle(new ScmiRequest(caller, header, Payload.of(sent), protocol.version()), reply);
        return reply.toByteArray();
    }

    static byte[] call(ScmiProtocol protocol, Agent caller, int messageId, int... parameters) throws ScmiException {
        return callWithin(LINUX_CAPACITY, protocol, caller, messageId, parameters);
    }

    /** The status of a command that must fail. */
    static ScmiStatus failureWithin(int capacity, ScmiProtocol protocol, Agent caller, int messageId, int... parameters) {
        return assertThrows(ScmiException.class, () -> callWithin(capacity, protocol, caller, messageId, parameters))
                .status();
    }

    static ScmiStatus failure(ScmiProtocol protocol, Agent caller, int messageId, int... parameters) {
        return failureWithin(LINUX_CAPACITY, protocol, caller, messageId, parameters);
    }
}
