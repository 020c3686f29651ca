package org.scmi.transport.xen.frontend;

import java.lang.foreign.MemorySegment;

/**
 * A guest's RAM as its own kernel sees it: a segment for guest-physical {@code [base, base +
 * size)} with a bump allocator. A driver allocates its rings and buffers once and reuses them.
 */
public final class GuestRam {
    private final MemorySegment ram;
    private final long base;
    private long used;

    public GuestRam(MemorySegment ram, long base) {
        this.ram = ram;
        this.base = base;
    }

    /** Reserves {@code size} zeroed bytes aligned to {@code alignment}; returns their guest address. */
    public synchronized long allocate(long size, long alignment) {
        long start = (base + used + alignment - 1) & -alignment;
        long end = start - base + size;
        if (end > ram.byteSize()) {
            throw new IllegalStateException("guest RAM exhausted: " + size + " bytes wanted");
        }
        used = end;
        MemorySegment bytes = at(start, size);
        bytes.fill((byte) 0);
        return start;
    }

    /** The bytes at guest-physical {@code [address, address + length)}. */
    public MemorySegment at(long address, long length) {
        long offset = address - base;
        if (offset < 0 || length < 0 || offset > ram.byteSize() - length) {
            throw new IllegalArgumentException(String.format("0x%x+%d is outside the guest's RAM", address, length));
        }
        return ram.asSlice(offset, length);
    }
}
