package org.scmi.transport.vhostuser;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.VhostUserCodec.RegionDescription;
import org.scmi.virtio.memory.MemoryRegion;
import org.scmi.virtio.memory.RegionGuestMemory;

/**
 * A guest's memory as one SET_MEM_TABLE described it: each region's fd mapped shared, seen by the
 * device as a {@link RegionGuestMemory} keyed by guest-physical address, and translatable from the
 * front-end's user addresses (the addresses SET_VRING_ADDR uses).
 *
 * <p>The mappings belong to a shared arena: {@link #close()} unmaps them, and a thread that still
 * held a slice afterwards gets an exception instead of touching unmapped memory. Close only after
 * every queue using the memory is stopped.
 */
final class MemoryTable implements AutoCloseable {
    private final Arena arena;
    private final List<Mapped> regions;
    private final RegionGuestMemory guestMemory;

    private record Mapped(RegionDescription description, MemorySegment mapping) {
    }

    private MemoryTable(Arena arena, List<Mapped> regions) {
        this.arena = arena;
        this.regions = List.copyOf(regions);
        this.guestMemory = new RegionGuestMemory(regions.stream()
                .map(r -> new MemoryRegion(r.description().guestAddress(), r.mapping(), false)).toList());
    }

    /**
     * Maps every region from its fd. The fds are closed whatever happens: a mapping keeps the
     * memory alive by itself.
     *
     * @throws ProtocolViolation if a region is empty, overlaps another, or cannot be mapped
     */
    static MemoryTable map(List<RegionDescription> descriptions, int[] fds) throws ProtocolViolation {
        Arena arena = Arena.ofShared();
        List<Mapped> mapped = new ArrayList<>();
        try {
            for (int i = 0; i < descriptions.size(); i++) {
                mapped.add(new Mapped(descriptions.get(i), mapRegion(arena, descriptions.get(i), fds[i])));
            }
            MemoryTable table = new MemoryTable(arena, mapped);
            arena = null;
            return table;
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolation("memory table rejected: " + e.getMessage(), e);
        } finally {
            for (int fd : fds) {
                Linux.close(fd);
            }
            if (arena != null) {
                arena.close();
            }
        }
    }

    /**
     * Maps the fd from offset 0 through the region's end and slices the region out, so that an
     * mmap offset that is not page (or huge page) aligned still maps.
     */
    private static MemorySegment mapRegion(Arena arena, RegionDescription region, int fd) throws ProtocolViolation {
        long size = region.size();
        long offset = region.mmapOffset();
        if (size <= 0 || offset < 0 || size > Long.MAX_VALUE - offset
                || Long.compareUnsigned(region.guestAddress(), -size) > 0
                || Long.compareUnsigned(region.userAddress(), -size) > 0) {
            throw new ProtocolViolation(String.format(
                    "memory region at guest 0x%x has invalid size 0x%x or mmap offset 0x%x",
                    region.guestAddress(), size, offset));
        }
        MemorySegment whole;
        try {
            whole = Linux.mmap(fd, offset + size, 0, true);
        } catch (LinuxException e) {
            throw new ProtocolViolation(String.format("cannot map memory region at guest 0x%x (0x%x bytes): %s",
                    region.guestAddress(), size, e.getMessage()), e);
        }
        return whole.reinterpret(arena, ignored -> unmap(whole)).asSlice(offset, size);
    }

    private static void unmap(MemorySegment mapping) {
        try {
            Linux.munmap(mapping);
        } catch (LinuxException e) {
            throw new IllegalStateException("munmap of guest memory failed", e);
        }
    }

    /** The memory as the device addresses it (guest-physical). */
    RegionGuestMemory guestMemory() {
        return guestMemory;
    }

    /**
     * The guest-physical address of the front-end's user address {@code userAddress}, checking
     * that {@code length} bytes from there lie in one region.
     *
     * @throws ProtocolViolation if they do not
     */
    long toGuestAddress(long userAddress, long length, String what) throws ProtocolViolation {
        for (Mapped region : regions) {
            RegionDescription r = region.description();
            long offset = userAddress - r.userAddress();
            if (Long.compareUnsigned(userAddress, r.userAddress()) >= 0 && Long.compareUnsigned(offset, r.size()) < 0
                    && Long.compareUnsigned(length, r.size() - offset) <= 0) {
                return r.guestAddress() + offset;
            }
        }
        throw new ProtocolViolation(String.format("%s at user address 0x%x (%d bytes) is not in any memory region",
                what, userAddress, length));
    }

    /** Unmaps every region. */
    @Override
    public void close() {
        arena.close();
    }
}
