package org.scmi.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Little-endian writer for the return values of a successful response (the bytes after the status
 * word), bounded by what the agent's buffer can hold. Multi-part replies size themselves with
 * {@link #remaining()}; writing past the capacity means the agent posted a buffer too small for a
 * fixed-size reply, which the response reports as COMMS_ERROR.
 *
 * <p>The platform writes the reply straight into the agent's response buffer (in guest memory,
 * where the transport allows) and reuses one writer per queue: a handler writes its reply during
 * {@code handle} and keeps no reference to this object past that call.
 */
public final class Reply {
    /** Length of a short name field: 15 characters and a NUL. */
    public static final int SHORT_NAME = 16;
    /** Length of an extended name field: 63 characters and a NUL. */
    public static final int EXTENDED_NAME = 64;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private MemorySegment bytes;
    private long start;
    private int capacity;
    private int position;

    /** A reply into a buffer of its own of {@code capacity} bytes. */
    public Reply(int capacity) {
        int size = Math.max(0, capacity);
        reset(MemorySegment.ofArray(new byte[size]), 0, size);
    }

    /**
     * A reply written in place into {@code capacity} bytes at {@code offset} of {@code segment}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the segment
     */
    public Reply(MemorySegment segment, long offset, int capacity) {
        reset(segment, offset, capacity);
    }

    /**
     * Points this writer at another buffer, empty: how the platform reuses one writer per queue.
     * Not for handlers.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the segment
     */
    public Reply reset(MemorySegment segment, long offset, int capacity) {
        Objects.checkFromIndexSize(offset, capacity, segment.byteSize());
        this.bytes = segment;
        this.start = offset;
        this.capacity = capacity;
        this.position = 0;
        return this;
    }

    /** Forgets what was written, for a command that runs again. Not for handlers. */
    public void rewind() {
        position = 0;
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
        return capacity - position;
    }

    /** Bytes written so far. */
    public int length() {
        return position;
    }

    public Reply u32(int value) throws ScmiException {
        need(4);
        bytes.set(U32, start + position, value);
        position += 4;
        return this;
    }

    /** A 16-bit value (the low half of {@code value}), for arrays of 16-bit identifiers. */
    public Reply u16(int value) throws ScmiException {
        need(2);
        bytes.set(U16, start + position, (short) value);
        position += 2;
        return this;
    }

    /** A 64-bit value as two words, low word first. */
    public Reply u64(long value) throws ScmiException {
        need(8);
        bytes.set(U32, start + position, (int) value);
        bytes.set(U32, start + position + 4, (int) (value >>> 32));
        position += 8;
        return this;
    }

    public Reply bytes(byte[] values) throws ScmiException {
        need(values.length);
        MemorySegment.copy(values, 0, bytes, ValueLayout.JAVA_BYTE, start + position, values.length);
        position += values.length;
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
        MemorySegment.copy(ascii, 0, bytes, ValueLayout.JAVA_BYTE, start + position, kept);
        for (int i = kept; i < size; i++) {
            bytes.set(ValueLayout.JAVA_BYTE, start + position + i, (byte) 0);
        }
        position += size;
        return this;
    }

    /** Overwrites a word already written, e.g. a count known only after the items. */
    public Reply u32At(int offset, int value) {
        Objects.checkFromIndexSize(offset, 4, capacity);
        bytes.set(U32, start + offset, value);
        return this;
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        byte[] copy = new byte[position];
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, start, copy, 0, position);
        return copy;
    }

    private void need(int count) throws ScmiException {
        if (capacity - position < count) {
            throw new ScmiException(ScmiStatus.COMMS_ERROR,
                    "reply does not fit the agent's buffer of " + capacity + " bytes");
        }
    }
}
