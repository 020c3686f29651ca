package org.scmi.virtio.ring.driver;

/**
 * A chain the device returned.
 *
 * @param id the head descriptor index the device put in the used ring
 * @param length the used length the device reported (bytes it wrote)
 * @param written the first {@code length} bytes of the chain's writable buffers, in order (fewer
 *     if the device claimed more than the chain could hold; empty for chains added raw)
 */
public record UsedBuffer(int id, int length, byte[] written) {
}
