package org.scmi.transport.xen.frontend;

/** Plain guest-physical addresses ({@code grant_usage=0}, or a kernel without grant-DMA). */
public final class PhysicalDma implements DmaMapper {

    @Override
    public long map(long guestAddress, long length, boolean deviceWrites) {
        return guestAddress;
    }

    @Override
    public boolean unmap(long dmaAddress, long length) {
        return true;
    }
}
