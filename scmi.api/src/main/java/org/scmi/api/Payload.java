package org.scmi.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Little-endian reader over the parameters of a command (the bytes after the header). Reading past
 * the end is a PROTOCOL_ERROR: the agent sent fewer parameters than the message needs.
 *
 * <p>The platform reads the parameters where the agent put them (its request buffer in guest
 * memory, where the transport allows) and reuses one reader per queue: a handler reads its
 * parameters during {@code handle} and keeps neither this object nor what it reads through it by
 * reference past that call. Each value is read from the agent's buffer when it is asked for, so a
 * handler reads each field once.
 */
public final class Payload {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private MemorySegment bytes;
    private long start;
    private int length;
    private int position;

    public Payload(ByteBuffer bytes) {
        ByteBuffer parameters = bytes.slice();
        reset(MemorySegment.ofBuffer(parameters), 0, parameters.remaining());
    }

    /**
     * A reader over {@code length} bytes at {@code offset} of {@code segment}, read in place.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the segment
     */
    public Payload(MemorySegment segment, long offset, int length) {
        reset(segment, offset, length);
    }

    public static Payload of(byte[] bytes) {
        return new Payload(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    /**
     * Points this reader at other parameters, from their first byte: how the platform reuses one
     * reader per queue. Not for handlers.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the segment
     */
    public Payload reset(MemorySegment segment, long offset, int length) {
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        this.bytes = segment;
        this.start = offset;
        this.length = length;
        this.position = 0;
        return this;
    }

    /** Back to the first byte, for a command that runs again. Not for handlers. */
    public void rewind() {
        position = 0;
    }

    /** Bytes of parameters the agent sent. */
    public int length() {
        return length;
    }

    /** Bytes not read yet. */
    public int remaining() {
        return length - position;
    }

    public int u32() throws ScmiException {
        need(4);
        int value = bytes.get(U32, start + position);
        position += 4;
        return value;
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
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, start + position, field, 0, size);
        position += size;
        int end = 0;
        while (end < size && field[end] != 0) {
            end++;
        }
        return new String(field, 0, end, StandardCharsets.US_ASCII);
    }

    /** A copy of all the parameters, read or not. */
    public byte[] toByteArray() {
        byte[] copy = new byte[length];
        copyTo(copy);
        return copy;
    }

    /**
     * Copies all the parameters, read or not, to the start of {@code target}.
     *
     * @throws IndexOutOfBoundsException if {@code target} is shorter than {@link #length()}
     */
    public void copyTo(byte[] target) {
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, start, target, 0, length);
    }

    private void need(int count) throws ScmiException {
        if (length - position < count) {
            throw new ScmiException(ScmiStatus.PROTOCOL_ERROR,
                    "parameters truncated: " + length + " bytes sent");
        }
    }
}
