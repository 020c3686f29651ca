package org.scmi.transport.xen.memory;

import java.lang.foreign.MemorySegment;
import org.scmi.transport.xen.hypervisor.PageMapping;

/**
 * A buffer the guest granted, as the device sees it: a heap copy of the guest's bytes. A
 * device-readable buffer is copied once and its grants are unmapped at once; a device-writable one
 * keeps its grants mapped, out of sight of the ring code, until {@link #writeBack} copies the
 * device's bytes into it and unmaps them. Segments of a copy are garbage-collected memory, so one
 * used after its buffer went back to the guest can neither fault nor reach the guest's pages. The
 * copy sits in a {@code long[]} at the guest address's offset modulo 8, so an access is aligned
 * exactly when it would be in the guest's memory, as with a mapping.
 */
final class GrantBuffer {
    private static final int MAX_ALIGNMENT = Long.BYTES;

    private final long address;
    /** The copy: the buffer's bytes at {@code address % 8} of a {@code long[]}. */
    private final MemorySegment copy;
    /** The copy as the device may use it: read-only unless the buffer is device-writable. */
    private final MemorySegment bytes;
    private final boolean writable;
    /** The mapped grants of a writable buffer until written back or discarded. */
    private PageMapping mapping;
    /** Where the buffer starts in {@link #mapping}. */
    private final long offset;

    private GrantBuffer(long address, int length, boolean writable, PageMapping mapping, long offset) {
        this.address = address;
        int skew = (int) (address & (MAX_ALIGNMENT - 1));
        this.copy = MemorySegment.ofArray(new long[(skew + length + MAX_ALIGNMENT - 1) / MAX_ALIGNMENT])
                .asSlice(skew, length);
        MemorySegment.copy(mapping.segment(), offset, copy, 0, length);
        this.bytes = writable ? copy : copy.asReadOnly();
        this.writable = writable;
        this.mapping = writable ? mapping : null;
        this.offset = offset;
    }

    /** Copies {@code length} bytes at {@code offset} of a mapping, then unmaps it. */
    static GrantBuffer readOnly(long address, int length, PageMapping mapping, long offset) {
        try {
            return new GrantBuffer(address, length, false, mapping, offset);
        } finally {
            mapping.close();
        }
    }

    /** Copies {@code length} bytes at {@code offset} of a writable mapping, kept until written back. */
    static GrantBuffer writable(long address, int length, PageMapping mapping, long offset) {
        try {
            return new GrantBuffer(address, length, true, mapping, offset);
        } catch (RuntimeException e) {
            mapping.close();
            throw e;
        }
    }

    /** Whether grants of this buffer are still mapped (a writable one not yet written back). */
    boolean isMapped() {
        return mapping != null;
    }

    /** Whether this copy holds {@code [start, start + length)} with the access wanted. */
    boolean covers(long start, long length, boolean wantWritable) {
        return start - address >= 0 && start - address + length <= copy.byteSize() && (writable || !wantWritable);
    }

    /** The copy; read-only unless the buffer is device-writable. The buffer's byte at {@code a} is at {@link #offsetOf}(a). */
    MemorySegment bytes() {
        return bytes;
    }

    /** Where the guest address {@code start} (inside the buffer) is in {@link #bytes()}. */
    long offsetOf(long start) {
        return start - address;
    }

    /** The buffer's length in bytes. */
    long length() {
        return copy.byteSize();
    }

    /** Puts the device's bytes into the guest's buffer and unmaps its grants (a writable buffer). */
    void writeBack() {
        if (mapping != null) {
            try {
                MemorySegment.copy(copy, 0, mapping.segment(), offset, copy.byteSize());
            } finally {
                discard();
            }
        }
    }

    /** Unmaps the grants without writing (the device will not return the buffer). */
    void discard() {
        if (mapping != null) {
            mapping.close();
            mapping = null;
        }
    }
}
