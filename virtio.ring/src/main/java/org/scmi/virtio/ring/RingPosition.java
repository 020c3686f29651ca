package org.scmi.virtio.ring;

/**
 * Where a device stands in a virtqueue between two chains: what a queue needs to be served on by
 * another engine ({@link VirtqueueFactory#open}) without taking a chain twice, skipping one,
 * returning one twice or missing an interrupt or a notification. All indices are the rings' 16-bit
 * free-running indices.
 *
 * @param nextAvail the next available entry to take
 * @param nextUsed the next used entry to fill: the used idx published so far
 * @param signalledUsed the used idx when the driver was last considered for an interrupt
 * @param notificationsEnabled whether the device asked the driver for notifications (kicks) and
 *     keeps asking as it takes chains
 */
public record RingPosition(int nextAvail, int nextUsed, int signalledUsed, boolean notificationsEnabled) {

    public RingPosition {
        nextAvail &= 0xFFFF;
        nextUsed &= 0xFFFF;
        signalledUsed &= 0xFFFF;
    }

    /**
     * A queue the driver just set up (or that resumes after a stop) at {@code nextAvailIndex}:
     * every chain before it has been returned, notifications are wanted.
     */
    public static RingPosition startingAt(int nextAvailIndex) {
        return new RingPosition(nextAvailIndex, nextAvailIndex, nextAvailIndex, true);
    }
}
