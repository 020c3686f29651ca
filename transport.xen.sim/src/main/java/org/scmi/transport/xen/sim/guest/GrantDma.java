package org.scmi.transport.xen.sim.guest;

import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.sim.SimDomain;
import org.scmi.virtio.ring.driver.DmaMapping;

/**
 * What Linux's grant-DMA ops do for a virtio device whose DT node points at the backend domain:
 * each buffer's pages are granted to the backend under consecutive references (read-only when
 * only the device reads it) and the device is told {@code 1<<63 | gref<<12 | offset}; the grants
 * are ended when the buffer comes back.
 */
final class GrantDma implements DmaMapping {
    private final SimDomain guest;
    private final int backendDomid;

    GrantDma(SimDomain guest, int backendDomid) {
        this.guest = guest;
        this.backendDomid = backendDomid;
    }

    @Override
    public long map(long guestAddress, long length, boolean deviceWrites) {
        int ref = guest.grant(backendDomid, guestAddress, length, !deviceWrites);
        return XenAbi.grantAddress(ref, (int) (guestAddress & (XenAbi.XEN_PAGE_SIZE - 1)));
    }

    @Override
    public boolean unmap(long dmaAddress, long length) {
        long offset = dmaAddress & (XenAbi.XEN_PAGE_SIZE - 1);
        int pages = (int) Math.max(1, (offset + length + XenAbi.XEN_PAGE_SIZE - 1) / XenAbi.XEN_PAGE_SIZE);
        return guest.endGrant((int) XenAbi.grantRef(dmaAddress), pages);
    }
}
