package org.scmi.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian reader over the parameters of a command (the bytes after the header). Reading past
 * the end is a PROTOCOL_ERROR: the agent sent fewer parameters than the message needs.
 */
public final class Payload {
    private final ByteBuffer bytes;

    public Payload(ByteBuffer bytes) {
        this.bytes = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static Payload of(byte[] bytes) {
        return new Payload(ByteBuffer.wrap(bytes));
    }

    /** Bytes of parameters the agent sent. */
    public int length() {
        return bytes.limit();
    }

    /** Bytes not read yet. */
    public int remaining() {
        return bytes.remaining();
    }

    public int u32() throws ScmiException {
        need(4);
        return bytes.getInt();
    }

    /** A 64-bit value sent as two words, low word first. */
    public long u64() throws ScmiException {
        long low = Integer.toUnsignedLong(u32());
        long high = Integer.toUnsignedLong(u32());
        return high << 32 | low;
    }

    /** A NUL-terminated ASCII field of {@code size} bytes. */
    public String name(int size) throws ScmiException {
        need(size);
        byte[] field = new byte[size];
        bytes.get(field);
        int end = 0;
        while (end < size && field[end] != 0) {
            end++;
        }
        return new String(field, 0, end, StandardCharsets.US_ASCII);
    }

    private void need(int count) throws ScmiException {
        if (bytes.remaining() < count) {
            throw new ScmiException(ScmiStatus.PROTOCOL_ERROR,
                    "parameters truncated: " + bytes.limit() + " bytes sent");
        }
    }
}
