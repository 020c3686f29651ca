package org.scmi.virtio.memory;

import java.lang.foreign.MemorySegment;

/**
 * One contiguous range of guest memory and where the device sees it.
 *
 * @param guestAddress first guest-physical address of the region
 * @param mapping the device's mapping of the region; its size is the region's size
 * @param readOnly whether the device may only read it
 */
public record MemoryRegion(long guestAddress, MemorySegment mapping, boolean readOnly) {

    public long size() {
        return mapping.byteSize();
    }

    /** Whether {@code [address, address + length)} lies inside this region (no overflow). */
    public boolean contains(long address, long length) {
        long offset = address - guestAddress;
        return length >= 0 && Long.compareUnsigned(address, guestAddress) >= 0
                && Long.compareUnsigned(offset, size()) <= 0 && Long.compareUnsigned(length, size() - offset) <= 0;
    }
}
