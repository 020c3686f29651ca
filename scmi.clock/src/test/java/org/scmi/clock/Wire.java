package org.scmi.clock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.scmi.api.MessageHandler;
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;
import org.scmi.api.Agent;

/** Builds wire bytes independently of the code under test, and plays the dispatcher's part. */
final class Wire {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    static Wire le() {
        return new Wire();
    }

    Wire u32(int value) {
        bytes.write(value);
        bytes.write(value >>> 8);
        bytes.write(value >>> 16);
        bytes.write(value >>> 24);
        return this;
    }

    Wire status(ScmiStatus status) {
        return u32(status.code());
    }

    /** A NUL-padded ASCII field. */
    Wire ascii(String text, int size) {
        byte[] field = new byte[size];
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, field, 0, Math.min(ascii.length, size - 1));
        bytes.writeBytes(field);
        return this;
    }

    byte[] build() {
        return bytes.toByteArray();
    }

    static byte[] words(int... values) {
        Wire wire = le();
        for (int value : values) {
            wire.u32(value);
        }
        return wire.build();
    }

    /** The bytes after the header of the response, as the dispatcher builds them, with 128 bytes of room. */
    static byte[] call(ScmiProtocol protocol, Agent agent, int messageId, int... parameters) {
        return callWithRoom(protocol, agent, 128, messageId, parameters);
    }

    /** The bytes after the header of the response: status, then return values only on success. */
    static byte[] callWithRoom(ScmiProtocol protocol, Agent agent, int capacity, int messageId, int... parameters) {
        int header = ScmiHeader.command(protocol.protocolId(), messageId, 0x2A).encode();
        MessageHandler handler = protocol.handler(messageId, agent);
        if (handler == null) {
            return words(ScmiStatus.NOT_FOUND.code());
        }
        byte[] parameterBytes = words(parameters);
        if (handler.parameterLength() != MessageHandler.VARIABLE_LENGTH
                && handler.parameterLength() != parameterBytes.length) {
            return words(ScmiStatus.PROTOCOL_ERROR.code());
        }
        Reply reply = new Reply(capacity);
        try {
            handler.handle(new ScmiRequest(agent, header, Payload.of(parameterBytes), protocol.version()), reply);
        } catch (ScmiException e) {
            return words(e.status().code());
        }
        return ByteBuffer.allocate(4 + reply.length()).order(ByteOrder.LITTLE_ENDIAN).putInt(0)
                .put(reply.toByteArray()).array();
    }

    /** Header word the protocol used in {@link #call}: token 0x2A. */
    static int commandHeader(int protocolId, int messageId) {
        return ScmiHeader.command(protocolId, messageId, 0x2A).encode();
    }
}
