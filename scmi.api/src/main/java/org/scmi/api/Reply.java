package org.scmi.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian writer for the return values of a successful response (the bytes after the status
 * word), bounded by what the agent's buffer can hold. Multi-part replies size themselves with
 * {@link #remaining()}; writing past the capacity means the agent posted a buffer too small for a
 * fixed-size reply, which the response reports as COMMS_ERROR.
 */
public final class Reply {
    /** Length of a short name field: 15 characters and a NUL. */
    public static final int SHORT_NAME = 16;
    /** Length of an extended name field: 63 characters and a NUL. */
    public static final int EXTENDED_NAME = 64;

    private final ByteBuffer bytes;

    public Reply(int capacity) {
        this.bytes = ByteBuffer.allocate(Math.max(0, capacity)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * A payload of exactly these little-endian 32-bit words, such as a notification or a delayed
     * response, which has a fixed size rather than a buffer the agent posted.
     */
    public static byte[] words(int... words) {
        ByteBuffer payload = ByteBuffer.allocate(words.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int word : words) {
            payload.putInt(word);
        }
        return payload.array();
    }

    /** Bytes the agent's buffer can still take. */
    public int remaining() {
        return bytes.remaining();
    }

    /** Bytes written so far. */
    public int length() {
        return bytes.position();
    }

    public Reply u32(int value) throws ScmiException {
        need(4);
        bytes.putInt(value);
        return this;
    }

    /** A 64-bit value as two words, low word first. */
    public Reply u64(long value) throws ScmiException {
        need(8);
        bytes.putInt((int) value).putInt((int) (value >>> 32));
        return this;
    }

    public Reply bytes(byte[] values) throws ScmiException {
        need(values.length);
        bytes.put(values);
        return this;
    }

    /**
     * A NUL-terminated ASCII name in a field of {@code size} bytes: at most {@code size - 1}
     * characters are kept, the rest of the field is zero.
     */
    public Reply name(String name, int size) throws ScmiException {
        need(size);
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        int kept = Math.min(ascii.length, size - 1);
        bytes.put(ascii, 0, kept);
        for (int i = kept; i < size; i++) {
            bytes.put((byte) 0);
        }
        return this;
    }

    /** Overwrites a word already written, e.g. a count known only after the items. */
    public Reply u32At(int offset, int value) {
        bytes.putInt(offset, value);
        return this;
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        byte[] copy = new byte[bytes.position()];
        bytes.get(0, copy);
        return copy;
    }

    private void need(int count) throws ScmiException {
        if (bytes.remaining() < count) {
            throw new ScmiException(ScmiStatus.COMMS_ERROR,
                    "reply does not fit the agent's buffer of " + bytes.capacity() + " bytes");
        }
    }
}
