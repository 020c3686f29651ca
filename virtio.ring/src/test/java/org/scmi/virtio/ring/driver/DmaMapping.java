package org.scmi.virtio.ring.driver;

/**
 * A guest kernel's DMA mapping of a device's buffers: the address the device is told for a buffer
 * in guest memory, and the end of the device's access when the buffer comes back. With
 * {@link #PHYSICAL} the device is told guest-physical addresses (no IOMMU, no grants); a Xen guest
 * with grant-DMA tells the device grant references instead.
 */
public interface DmaMapping {

    /** Guest-physical addresses, nothing to end. */
    DmaMapping PHYSICAL = new DmaMapping() {
        @Override
        public long map(long guestAddress, long length, boolean deviceWrites) {
            return guestAddress;
        }

        @Override
        public boolean unmap(long dmaAddress, long length) {
            return true;
        }
    };

    /**
     * @param deviceWrites whether the device writes the buffer (otherwise it may only read it)
     * @return the address to give the device
     */
    long map(long guestAddress, long length, boolean deviceWrites);

    /**
     * Ends the device's access to a mapped buffer.
     *
     * @return false if the device still holds it (Linux's grant-DMA code then marks the device
     *     broken)
     */
    boolean unmap(long dmaAddress, long length);
}
