package org.scmi.transport.xen.frontend;

/**
 * The guest kernel's DMA mapping step for a virtio device: what address the device is told for a
 * buffer in guest RAM, and giving the buffer back after the device returned it.
 */
public interface DmaMapper {

    /**
     * @param deviceWrites whether the device writes the buffer (otherwise it may only read it)
     * @return the address to put in the ring
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
