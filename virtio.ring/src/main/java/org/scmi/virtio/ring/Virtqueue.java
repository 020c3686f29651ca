package org.scmi.virtio.ring;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The device side of one virtqueue, whatever its ring format (split now; packed rings implement
 * the same contract), opened by a {@link VirtqueueFactory}. Not thread-safe: the owner of the
 * queue serializes every call, and stops calling once the queue is stopped, because the guest
 * memory behind it may be released.
 *
 * <p>Serving a queue without missing a notification and without busy polling:
 *
 * <pre>{@code
 * do {
 *     queue.disableNotifications();
 *     for (DescriptorChain chain; (chain = queue.next()) != null; ) { ...; queue.addUsed(chain, written); }
 *     if (queue.needsInterrupt()) transport.notifyGuest(index);
 * } while (queue.enableNotifications());   // true: the driver added chains meanwhile
 * }</pre>
 *
 * Every method that reads the rings throws {@link VirtqueueException} when the guest broke them;
 * the queue must then not be used any more.
 */
@ProviderType
public interface Virtqueue {

    /** Number of descriptors (queue size). */
    int size();

    /**
     * Takes the next chain the driver made available, validating all of it (addresses inside the
     * guest's memory, indices, loops, indirect tables, readable before writable) and resolving
     * each of its buffers once in the guest's memory. Several chains may be in flight at once.
     *
     * @return the chain, owned by the queue until it is returned; null if no chain is available
     */
    DescriptorChain next() throws VirtqueueException;

    /**
     * Puts back the chain the last {@link #next} took, as if it had not been taken: for a device
     * that found the buffer unfit for what it has to send now (an event larger than the buffer)
     * but may use it for the next one.
     *
     * @throws IllegalStateException if the last call was not a successful {@link #next}
     */
    void undoNext();

    /**
     * Returns a chain taken by {@link #next} to the driver: completes it in guest memory
     * ({@link org.scmi.virtio.memory.GuestMemory#chainComplete}), then publishes its used entry.
     *
     * @param chain the chain, which is not valid afterwards
     * @param written bytes the device wrote into the chain's writable buffers
     * @throws IllegalArgumentException if the chain is not one of this queue's chains in flight, or
     *     {@code written} is negative or more than its writable length
     */
    void addUsed(DescriptorChain chain, long written) throws VirtqueueException;

    /**
     * Whether the driver wants an interrupt for the chains returned since the last call (its
     * VRING_AVAIL_F_NO_INTERRUPT flag or used_event, and NOTIFY_ON_EMPTY when negotiated).
     */
    boolean needsInterrupt() throws VirtqueueException;

    /** Tells the driver that notifications (kicks) are not needed while the device is draining. */
    void disableNotifications() throws VirtqueueException;

    /**
     * Asks the driver for notifications again, then checks whether it made chains available in the
     * meantime, which no notification will announce.
     *
     * @return whether chains are available (drain again)
     */
    boolean enableNotifications() throws VirtqueueException;

    /** Index of the next available entry the device would take (vhost-user GET_VRING_BASE). */
    int nextAvailIndex();

    /**
     * Where the device stands, for another engine to take the queue over from exactly here
     * ({@link VirtqueueFactory#open}). Once another engine serves the queue from this position,
     * this one must not be used any more; if the takeover fails, this one carries on.
     *
     * @throws IllegalStateException if chains are in flight: a queue moves only between chains
     */
    RingPosition position();
}
