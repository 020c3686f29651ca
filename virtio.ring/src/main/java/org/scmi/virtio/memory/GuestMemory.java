package org.scmi.virtio.memory;

import java.lang.foreign.MemorySegment;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A guest's memory, addressed the way the guest's descriptors address it (guest-physical
 * addresses, or grant-encoded addresses on Xen). Implemented by transports; used by the rings.
 *
 * <p>The contract between a queue and its memory, in the order a queue uses it:
 * <ol>
 * <li>When a queue starts, it asks for its rings with {@link #segment}. The segments stay valid
 * until the queue is stopped: a transport stops a queue before it replaces or releases the
 * memory behind it.</li>
 * <li>When the queue takes a descriptor chain, it resolves each buffer of the chain, and the
 * indirect table the chain came from, once with {@link #resolve}. The device then reads and writes
 * the buffers through what was resolved, with no further lookup, until the chain is returned.</li>
 * <li>Before the queue publishes the used entry that returns a chain to the guest, it calls
 * {@link #chainComplete} with every range it resolved for that chain. When that call returns,
 * every byte the device wrote into the chain's writable buffers is in the guest's memory, and
 * the ranges are not used again. A memory that hands the device copies instead of the guest's
 * pages (Xen grants) writes the copies back here and releases what it mapped for them, so the
 * guest never sees a buffer returned before its bytes, nor a grant still mapped.</li>
 * </ol>
 * A chain that is put back ({@code Virtqueue.undoNext}) or never returned (the queue stops first)
 * gets no call: the memory releases what it still holds for it when the queue's memory is
 * released, or reuses it when the same buffer is resolved again.
 *
 * <p>A memory may be shared by several queues (vhost-user shares one memory table among all of a
 * guest's queues); calls for different queues may then come from different threads.
 */
@ConsumerType
public interface GuestMemory {

    /**
     * A segment over {@code [address, address + length)}, for a queue's rings. The whole range must
     * lie inside one mapping of this guest; otherwise, and for a read-only mapping asked for
     * writing, this throws and nothing is touched. The segment stays valid until the queue that
     * asked for it is stopped.
     *
     * @param writable whether the device will write to the range
     * @throws GuestMemoryException if the range is not entirely in the guest's memory
     */
    MemorySegment segment(long address, long length, boolean writable) throws GuestMemoryException;

    /**
     * Resolves one buffer of a descriptor chain (or an indirect table) into {@code range}, with the
     * same checks as {@link #segment}. The range stays valid until the chain it belongs to is
     * completed ({@link #chainComplete}) or its queue is stopped. The default resolves through
     * {@link #segment}; a memory that can point into a mapping it already holds overrides it, so that
     * taking a chain makes no object.
     *
     * @param writable whether the device will write to the range
     * @param range filled with where the bytes are
     * @throws GuestMemoryException if the range is not entirely in the guest's memory
     */
    default void resolve(long address, long length, boolean writable, MappedRange range)
            throws GuestMemoryException {
        range.set(segment(address, length, writable), 0, length, null);
    }

    /**
     * The device is done with a chain, and the queue is about to publish the used entry that
     * returns it to the guest. Every byte the device wrote through the writable ones of
     * {@code ranges} must be in the guest's memory when this returns; none of the ranges is used
     * again. Nothing to do for a memory that resolves into the guest's own pages (the default).
     *
     * @param ranges the ranges this memory resolved for the chain, in {@code ranges[0..count)}
     * @throws GuestMemoryException if the bytes could not be put into the guest's memory: the
     *     queue then stops without returning the chain
     */
    default void chainComplete(MappedRange[] ranges, int count) throws GuestMemoryException {
    }
}
