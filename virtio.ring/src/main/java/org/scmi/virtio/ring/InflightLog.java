package org.scmi.virtio.ring;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A record of the chains a device took from a split queue and has not returned yet, kept by the
 * transport in memory that outlives the device's process (vhost-user: the region of
 * VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD). A device started again after a crash finds there the
 * chains its predecessor took and never answered, and serves them first, in the order they were
 * taken, so that each is answered exactly once.
 *
 * <p>The split-ring engine ({@code org.scmi.virtio.ring.split}) calls it from the thread that
 * serves the queue: {@link #recover} once when the queue opens, then {@link #taken} for each chain
 * it takes from the available ring, {@link #putBack} when a taken chain is put back, and
 * {@link #returning} before and {@link #returned} after publishing each used entry.
 */
@ConsumerType
public interface InflightLog {

    /**
     * Brings the log in line with the used ring as the guest sees it (a crash may have come
     * between publishing a used entry and recording it) and returns the chains still in flight.
     *
     * @param usedIndex the used idx in the ring now
     * @return heads taken earlier and never returned, oldest first (empty for a fresh log)
     */
    int[] recover(int usedIndex);

    /** The device took the chain with this head from the available ring. */
    void taken(int head);

    /** The device put the chain it just took back (it will take it again). */
    void putBack(int head);

    /** The chain is about to be published as used (before the used idx moves). */
    void returning(int head);

    /** The used idx moved to {@code usedIndex}: the chains marked {@link #returning} are returned. */
    void returned(int usedIndex);
}
