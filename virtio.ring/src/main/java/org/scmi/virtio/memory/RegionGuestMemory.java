package org.scmi.virtio.memory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Guest memory made of fixed regions (vhost-user memory tables, Xen foreign mappings, test
 * memfds). Immutable: a transport that receives a new memory table builds a new instance and
 * swaps it in. Lookups are a binary search over regions sorted by guest address.
 */
public final class RegionGuestMemory implements GuestMemory {
    private final MemoryRegion[] regions;

    public RegionGuestMemory(List<MemoryRegion> regions) {
        List<MemoryRegion> sorted = new ArrayList<>(regions);
        sorted.sort(Comparator.comparing(MemoryRegion::guestAddress, Long::compareUnsigned));
        for (int i = 1; i < sorted.size(); i++) {
            MemoryRegion previous = sorted.get(i - 1);
            if (Long.compareUnsigned(previous.guestAddress() + previous.size(), sorted.get(i).guestAddress()) > 0) {
                throw new IllegalArgumentException(String.format("regions overlap at 0x%x", sorted.get(i).guestAddress()));
            }
        }
        this.regions = sorted.toArray(MemoryRegion[]::new);
    }

    public List<MemoryRegion> regions() {
        return List.of(regions);
    }

    @Override
    public MemorySegment segment(long address, long length, boolean writable) throws GuestMemoryException {
        MemoryRegion region = holding(address, length, writable);
        return region.mapping().asSlice(address - region.guestAddress(), length);
    }

    /** Points {@code range} into the region's own mapping: no slice is made. */
    @Override
    public void resolve(long address, long length, boolean writable, MappedRange range) throws GuestMemoryException {
        MemoryRegion region = holding(address, length, writable);
        range.set(region.mapping(), address - region.guestAddress(), length, null);
    }

    private MemoryRegion holding(long address, long length, boolean writable) throws GuestMemoryException {
        MemoryRegion region = regionOf(address);
        if (region == null || !region.contains(address, length)) {
            throw new GuestMemoryException(String.format("guest range 0x%x+%d is outside the guest's memory", address,
                    length));
        }
        if (writable && region.readOnly()) {
            throw new GuestMemoryException(String.format("guest range 0x%x+%d is read-only", address, length));
        }
        return region;
    }

    /** The region whose start is the greatest at or below {@code address}, or null. */
    private MemoryRegion regionOf(long address) {
        int low = 0;
        int high = regions.length - 1;
        MemoryRegion found = null;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (Long.compareUnsigned(regions[mid].guestAddress(), address) <= 0) {
                found = regions[mid];
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }
}
