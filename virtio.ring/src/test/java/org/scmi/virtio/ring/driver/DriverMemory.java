package org.scmi.virtio.ring.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import org.scmi.virtio.memory.GuestMemory;
import org.scmi.virtio.memory.MemoryRegion;
import org.scmi.virtio.memory.RegionGuestMemory;

/**
 * Guest RAM as a test driver sees it: a segment standing for the guest-physical range
 * {@code [base, base + size)}, with a bump allocator for rings and buffers. Nothing is ever freed:
 * a driver allocates its rings and buffer slots once and reuses them.
 *
 * <p>The segment may be a memfd mapping shared with a device in another process (vhost-user test
 * frontends) or plain native memory for in-process tests ({@link #allocate(Arena, long, long)}).
 */
public final class DriverMemory {
    /** Little-endian ring fields, unaligned: for tests that write a ring's fields themselves. */
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment ram;
    private final long base;
    private long used;

    /**
     * @param ram the memory standing for guest RAM
     * @param base the guest-physical address of its first byte
     */
    public DriverMemory(MemorySegment ram, long base) {
        this.ram = ram;
        this.base = base;
    }

    /** Zeroed native memory of {@code size} bytes at guest-physical {@code base}, page aligned. */
    public static DriverMemory allocate(Arena arena, long base, long size) {
        return new DriverMemory(arena.allocate(size, 4096), base);
    }

    /** Guest-physical address of the first byte. */
    public long base() {
        return base;
    }

    public long size() {
        return ram.byteSize();
    }

    /** The whole memory. */
    public MemorySegment segment() {
        return ram;
    }

    /**
     * Reserves {@code size} bytes aligned to {@code alignment} (a power of two) and returns their
     * guest-physical address. The bytes are as the memory holds them (zero when fresh).
     *
     * @throws IllegalStateException when the memory is exhausted
     */
    public long allocate(long size, long alignment) {
        if (size < 0 || alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("size " + size + ", alignment " + alignment);
        }
        long start = (base + used + alignment - 1) & -alignment;
        long end = start - base + size;
        if (end > ram.byteSize()) {
            throw new IllegalStateException("guest memory exhausted: " + size + " bytes wanted, "
                    + (ram.byteSize() - used) + " left");
        }
        used = end;
        return start;
    }

    /** The bytes at guest-physical {@code [address, address + length)}. */
    public MemorySegment at(long address, long length) {
        long offset = address - base;
        if (offset < 0 || length < 0 || offset > ram.byteSize() - length) {
            throw new IllegalArgumentException(String.format("0x%x+%d is outside the driver's memory", address, length));
        }
        return ram.asSlice(offset, length);
    }

    /**
     * Where a guest-physical address lies in this process's mapping of the memory: what a
     * vhost-user frontend sends as ring addresses in SET_VRING_ADDR and as the region's
     * userspace address in SET_MEM_TABLE.
     */
    public long hostAddress(long guestAddress) {
        return at(guestAddress, 0).address();
    }

    public void write(long address, byte[] bytes) {
        MemorySegment.copy(bytes, 0, at(address, bytes.length), ValueLayout.JAVA_BYTE, 0, bytes.length);
    }

    public byte[] read(long address, int length) {
        return at(address, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The device's view of this memory: one writable region at {@link #base()}. */
    public GuestMemory guestMemory() {
        return new RegionGuestMemory(List.of(region()));
    }

    /** This memory as one writable guest region. */
    public MemoryRegion region() {
        return new MemoryRegion(base, ram, false);
    }
}
