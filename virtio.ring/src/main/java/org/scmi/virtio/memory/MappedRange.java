package org.scmi.virtio.memory;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Where one guest buffer's bytes are, as {@link GuestMemory#resolve} found them: {@link #length()}
 * bytes at {@link #offset()} of {@link #segment()}. The segment is the mapping (or copy) the buffer
 * lies in, usually larger than the buffer: only {@code [offset, offset + length)} of it is the
 * buffer, and whoever reads or writes it keeps to that range. Owned and reused by one descriptor
 * chain, so resolving a buffer makes no object; not thread-safe.
 */
public final class MappedRange {
    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private long length;
    private Object attachment;

    /** The segment holding the buffer. */
    public MemorySegment segment() {
        return segment;
    }

    /** Where the buffer starts in {@link #segment()}. */
    public long offset() {
        return offset;
    }

    /** The buffer's length in bytes. */
    public long length() {
        return length;
    }

    /**
     * What the memory that resolved the range keeps with it until {@link GuestMemory#chainComplete}
     * (e.g. the copy to write back), or null.
     */
    public Object attachment() {
        return attachment;
    }

    /**
     * Sets where the buffer is.
     *
     * @throws IndexOutOfBoundsException if {@code [offset, offset + length)} is not inside
     *     {@code segment}
     */
    public void set(MemorySegment segment, long offset, long length, Object attachment) {
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        this.segment = segment;
        this.offset = offset;
        this.length = length;
        this.attachment = attachment;
    }

    /** Forgets the buffer (the chain was returned). */
    public void clear() {
        segment = MemorySegment.NULL;
        offset = 0;
        length = 0;
        attachment = null;
    }
}
