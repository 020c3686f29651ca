package org.scmi.transport.xen.sim.guest;

import java.util.HashMap;
import java.util.Map;
import org.scmi.virtio.ring.driver.DmaMapping;

/**
 * A guest DMA layer that, when armed, gives the device a chosen address for the next
 * device-readable buffer instead of the real one (a buggy or hostile guest), while still
 * releasing the real mapping when the buffer comes back.
 */
final class ForgingDma implements DmaMapping {
    private final DmaMapping real;
    private final Map<Long, Long> realOfForged = new HashMap<>();
    private Long forgeNext;

    ForgingDma(DmaMapping real) {
        this.real = real;
    }

    void forgeNextReadable(long address) {
        forgeNext = address;
    }

    @Override
    public long map(long guestAddress, long length, boolean deviceWrites) {
        long address = real.map(guestAddress, length, deviceWrites);
        if (forgeNext != null && !deviceWrites) {
            long forged = forgeNext;
            forgeNext = null;
            realOfForged.put(forged, address);
            return forged;
        }
        return address;
    }

    @Override
    public boolean unmap(long dmaAddress, long length) {
        Long original = realOfForged.remove(dmaAddress);
        return real.unmap(original != null ? original : dmaAddress, length);
    }
}
