package org.scmi.virtio.ring;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The device side of one virtqueue, whatever its ring format (split now; packed rings implement
 * the same contract). Not thread-safe: the owner of the queue serializes every call, and stops
 * calling once the queue is stopped, because the guest memory behind it may be released.
 *
 * <p>Serving a queue without missing a notification and without busy polling:
 *
 * <pre>{@code
 * do {
 *     queue.disableNotifications();
 *     while (queue.next(chain)) { ...; queue.addUsed(chain.head(), written); }
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
     * guest's memory, indices, loops, indirect tables, readable before writable).
     *
     * @param chain filled with the chain; its previous contents are discarded
     * @return false if no chain is available
     */
    boolean next(DescriptorChain chain) throws VirtqueueException;

    /**
     * Puts back the chain the last {@link #next} took, as if it had not been taken: for a device
     * that found the buffer unfit for what it has to send now (an event larger than the buffer)
     * but may use it for the next one.
     */
    void undoNext();

    /**
     * Returns a chain taken by {@link #next} to the driver.
     *
     * @param head the chain's head index ({@link DescriptorChain#head()})
     * @param length bytes the device wrote into the chain's writable buffers
     */
    void addUsed(int head, long length) throws VirtqueueException;

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
}
