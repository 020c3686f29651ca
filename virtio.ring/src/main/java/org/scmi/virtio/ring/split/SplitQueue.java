package org.scmi.virtio.ring.split;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.memory.GuestMemory;
import org.scmi.virtio.memory.GuestMemoryException;
import org.scmi.virtio.memory.MappedRange;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.InflightLog;
import org.scmi.virtio.ring.RingPosition;
import org.scmi.virtio.ring.SplitRing;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.Virtqueue;
import org.scmi.virtio.ring.VirtqueueException;

/**
 * The device side of a split virtqueue (virtio 1.2/1.3 section 2.7) over a guest's memory.
 *
 * <p>The driver runs on another CPU (or in another process) and writes the rings concurrently, so
 * every index is read once into a local before it is checked and used, and the ordering the spec
 * requires is made explicit with fences: acquire after reading the avail idx (entries and
 * descriptors are read after the index), release before publishing the used idx (the written
 * buffers and used elements are visible first), and a full fence between publishing our side and
 * reading the driver's suppression state (used_event, avail flags, avail idx), as the virtio
 * memory-barrier rules demand.
 *
 * <p>Memory, as {@link GuestMemory} lays down: the three rings are resolved once when the queue
 * opens and kept until it stops; each buffer of a chain (and its indirect table) is checked and
 * resolved once when the chain is taken, kept in the chain, and handed back to the memory with
 * {@link GuestMemory#chainComplete} just before the chain's used element is written. Chains are
 * pooled, so serving a queue allocates nothing once the pool holds as many chains as are in
 * flight at once.
 *
 * <p>With an {@link InflightLog} in its setup, the queue records every chain it takes and returns,
 * and opens by serving the chains a previous device took and never returned, oldest first, before
 * anything from the available ring; it then resumes the available ring at the used idx plus those
 * chains, whatever position it is given (the front-end of a crashed back-end can only guess it).
 */
final class SplitQueue implements Virtqueue {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GuestMemory memory;
    private final int size;
    private final boolean indirect;
    private final boolean eventIdx;
    private final boolean notifyOnEmpty;
    private final InflightLog inflight;
    /** Chains a previous device left in flight, served before the available ring. */
    private final int[] resubmit;
    private int resubmitted;
    private final MemorySegment descriptors;
    private final MemorySegment avail;
    private final MemorySegment used;

    /** Next avail ring entry to take. */
    private int nextAvail;
    /** The driver's avail idx as last read: entries before it are known to be available. */
    private int availShadow;
    /** Next used ring entry to fill (also the used idx published). */
    private int nextUsed;
    /** The used idx when the driver was last considered for an interrupt. */
    private int signalledUsed;
    private boolean notificationsEnabled;
    /** The chain the last call took, if that call was a successful {@link #next}: {@link #undoNext} may undo it. */
    private SplitChain undoable;
    /** Whether that chain came from {@link #resubmit} rather than from the available ring. */
    private boolean lastResubmitted;
    /** Chains not in flight, ready for reuse: {@code idle[0..idleCount)}. */
    private SplitChain[] idle = new SplitChain[1];
    private int idleCount;
    private int inFlight;

    /**
     * Opens the queue the driver set up, at {@code position}.
     *
     * @throws VirtqueueException if the size is not a power of two or a ring part is misaligned or
     *     not entirely in the guest's memory
     */
    SplitQueue(QueueSetup setup, long features, RingPosition position) throws VirtqueueException {
        this.memory = setup.memory();
        this.size = setup.size();
        this.indirect = VirtioFeatures.has(features, VirtioFeatures.RING_INDIRECT_DESC);
        this.eventIdx = VirtioFeatures.has(features, VirtioFeatures.RING_EVENT_IDX);
        this.notifyOnEmpty = VirtioFeatures.has(features, VirtioFeatures.NOTIFY_ON_EMPTY);
        if (!SplitRing.isValidQueueSize(size)) {
            throw new VirtqueueException("queue size " + size + " is not a power of two up to "
                    + SplitRing.MAX_QUEUE_SIZE);
        }
        if (((position.nextAvail() - position.nextUsed()) & 0xFFFF) > size) {
            throw new IllegalArgumentException(position + " has more chains in flight than a queue of " + size);
        }
        checkAligned("descriptor table", setup.descriptorTable(), SplitRing.DESCRIPTOR_TABLE_ALIGN);
        checkAligned("available ring", setup.driverArea(), SplitRing.AVAIL_ALIGN);
        checkAligned("used ring", setup.deviceArea(), SplitRing.USED_ALIGN);
        this.descriptors = ring("descriptor table", setup.descriptorTable(), SplitRing.descriptorTableSize(size), false);
        this.avail = ring("available ring", setup.driverArea(), SplitRing.availRingSize(size), false);
        this.used = ring("used ring", setup.deviceArea(), SplitRing.usedRingSize(size), true);
        this.notificationsEnabled = position.notificationsEnabled();
        this.inflight = setup.inflight();
        if (inflight == null) {
            this.resubmit = new int[0];
            this.nextAvail = position.nextAvail();
            this.nextUsed = position.nextUsed();
            this.signalledUsed = position.signalledUsed();
        } else {
            int usedIndex = used.get(U16, SplitRing.USED_IDX) & 0xFFFF;
            this.resubmit = inflight.recover(usedIndex);
            if (resubmit.length > size) {
                throw new VirtqueueException("the inflight log holds " + resubmit.length + " chains for a queue of "
                        + size);
            }
            this.nextUsed = usedIndex;
            this.nextAvail = (usedIndex + resubmit.length) & 0xFFFF;
            // A position at the used idx comes from an engine this queue moved from: its interrupt state
            // holds. Any other is a front-end's guess after a crash, where only the ring is known.
            this.signalledUsed = usedIndex == position.nextUsed() ? position.signalledUsed() : usedIndex;
        }
        this.availShadow = nextAvail;
    }

    private static void checkAligned(String part, long address, int alignment) throws VirtqueueException {
        if ((address & (alignment - 1)) != 0) {
            throw new VirtqueueException(String.format("%s at 0x%x is not %d-byte aligned", part, address, alignment));
        }
    }

    private MemorySegment ring(String what, long address, long length, boolean writable) throws VirtqueueException {
        try {
            return memory.segment(address, length, writable);
        } catch (GuestMemoryException e) {
            throw new VirtqueueException(what + ": " + e.getMessage());
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int nextAvailIndex() {
        return nextAvail;
    }

    @Override
    public RingPosition position() {
        if (inFlight != 0) {
            throw new IllegalStateException(inFlight + " chains are in flight");
        }
        undoable = null;
        return new RingPosition(nextAvail, nextUsed, signalledUsed, notificationsEnabled);
    }

    @Override
    public DescriptorChain next() throws VirtqueueException {
        undoable = null;
        if (resubmitted < resubmit.length) {
            SplitChain chain = take(resubmit[resubmitted++]);
            undoable = chain;
            lastResubmitted = true;
            return chain;
        }
        if (nextAvail == availShadow && !refreshAvail()) {
            return null;
        }
        int head = avail.get(U16, SplitRing.AVAIL_RING + (long) (nextAvail & (size - 1)) * SplitRing.AVAIL_ENTRY_SIZE)
                & 0xFFFF;
        nextAvail = (nextAvail + 1) & 0xFFFF;
        if (eventIdx && notificationsEnabled) {
            // Keep avail_event at the entry we wait for, or the driver stops kicking.
            used.set(U16, SplitRing.availEventOffset(size), (short) nextAvail);
        }
        SplitChain chain = take(head);
        if (inflight != null) {
            inflight.taken(head);
        }
        undoable = chain;
        lastResubmitted = false;
        return chain;
    }

    /** Walks the chain at {@code head} into a pooled chain, which is put back if the chain is malformed. */
    private SplitChain take(int head) throws VirtqueueException {
        SplitChain chain = idleCount > 0 ? idle[--idleCount] : new SplitChain(this);
        inFlight++;
        try {
            walk(head, chain);
        } catch (VirtqueueException | RuntimeException e) {
            putBack(chain);
            throw e;
        }
        return chain;
    }

    /** Reads the driver's avail idx; true if it made entries available. */
    private boolean refreshAvail() throws VirtqueueException {
        int index = avail.get(U16, SplitRing.AVAIL_IDX) & 0xFFFF;
        int pending = (index - nextAvail) & 0xFFFF;
        if (pending > size) {
            throw new VirtqueueException("avail idx " + index + " is " + pending + " entries ahead of "
                    + nextAvail + " in a queue of " + size);
        }
        availShadow = index;
        VarHandle.acquireFence(); // ring entries and descriptors after the index
        return pending != 0;
    }

    /** Follows the chain from {@code head}, validating and resolving every descriptor. */
    private void walk(int head, SplitChain chain) throws VirtqueueException {
        chain.begin(head);
        if (head >= size) {
            throw new VirtqueueException("head descriptor " + head + " is outside the queue of " + size);
        }
        int index = head;
        for (int seen = 1; ; seen++) {
            long at = (long) index * SplitRing.DESCRIPTOR_SIZE;
            long address = descriptors.get(U64, at + SplitRing.DESC_ADDR);
            long length = Integer.toUnsignedLong(descriptors.get(U32, at + SplitRing.DESC_LEN));
            int flags = descriptors.get(U16, at + SplitRing.DESC_FLAGS) & 0xFFFF;
            int next = descriptors.get(U16, at + SplitRing.DESC_NEXT) & 0xFFFF;
            if ((flags & SplitRing.DESC_F_INDIRECT) != 0) {
                if ((flags & SplitRing.DESC_F_NEXT) != 0) {
                    throw new VirtqueueException("descriptor " + index + " has both INDIRECT and NEXT");
                }
                walkIndirect(index, address, length, chain);
                chain.end(true);
                return;
            }
            chain.add(memory, "descriptor ", index, address, length, (flags & SplitRing.DESC_F_WRITE) != 0);
            if ((flags & SplitRing.DESC_F_NEXT) == 0) {
                chain.end(false);
                return;
            }
            if (next >= size) {
                throw new VirtqueueException("descriptor " + index + " links to " + next + ", outside the queue of "
                        + size);
            }
            if (seen == size) {
                throw new VirtqueueException("chain from head " + head + " is longer than the queue (a loop)");
            }
            index = next;
        }
    }

    private void walkIndirect(int index, long address, long length, SplitChain chain) throws VirtqueueException {
        if (!indirect) {
            throw new VirtqueueException("descriptor " + index + " is indirect but INDIRECT_DESC was not negotiated");
        }
        if (length == 0 || length % SplitRing.DESCRIPTOR_SIZE != 0) {
            throw new VirtqueueException("indirect table of descriptor " + index + " has length " + length
                    + ", not a non-zero multiple of " + SplitRing.DESCRIPTOR_SIZE);
        }
        long entries = length / SplitRing.DESCRIPTOR_SIZE;
        if (entries > size) {
            throw new VirtqueueException("indirect table of descriptor " + index + " has " + entries
                    + " entries, more than the queue size " + size);
        }
        MappedRange table = chain.table();
        try {
            memory.resolve(address, length, false, table);
        } catch (GuestMemoryException e) {
            throw new VirtqueueException("indirect table of descriptor " + index + ": " + e.getMessage());
        }
        MemorySegment bytes = table.segment();
        long base = table.offset();
        int entry = 0;
        for (int seen = 1; ; seen++) {
            long at = base + (long) entry * SplitRing.DESCRIPTOR_SIZE;
            long bufferAddress = bytes.get(U64, at + SplitRing.DESC_ADDR);
            long bufferLength = Integer.toUnsignedLong(bytes.get(U32, at + SplitRing.DESC_LEN));
            int flags = bytes.get(U16, at + SplitRing.DESC_FLAGS) & 0xFFFF;
            int next = bytes.get(U16, at + SplitRing.DESC_NEXT) & 0xFFFF;
            if ((flags & SplitRing.DESC_F_INDIRECT) != 0) {
                throw new VirtqueueException("indirect table of descriptor " + index + " holds an indirect descriptor");
            }
            chain.add(memory, "indirect descriptor ", entry, bufferAddress, bufferLength,
                    (flags & SplitRing.DESC_F_WRITE) != 0);
            if ((flags & SplitRing.DESC_F_NEXT) == 0) {
                return;
            }
            if (next >= entries) {
                throw new VirtqueueException("indirect descriptor " + entry + " links to " + next
                        + ", outside its table of " + entries);
            }
            if (seen == entries) {
                throw new VirtqueueException("indirect chain of descriptor " + index + " loops");
            }
            entry = next;
        }
    }

    private void putBack(SplitChain chain) {
        chain.release();
        inFlight--;
        if (idleCount == idle.length) {
            idle = Arrays.copyOf(idle, idleCount * 2);
        }
        idle[idleCount++] = chain;
    }

    @Override
    public void undoNext() {
        SplitChain chain = undoable;
        if (chain == null) {
            throw new IllegalStateException("no chain taken to put back");
        }
        undoable = null;
        int head = chain.head();
        putBack(chain);
        if (lastResubmitted) {
            resubmitted--;
            return;
        }
        nextAvail = (nextAvail - 1) & 0xFFFF;
        if (inflight != null) {
            inflight.putBack(head);
        }
    }

    @Override
    public void addUsed(DescriptorChain chain, long written) throws VirtqueueException {
        if (!(chain instanceof SplitChain taken) || !taken.belongsTo(this)) {
            throw new IllegalArgumentException("chain " + chain.head() + " is not in flight on this queue");
        }
        if (written < 0 || written > taken.writableLength()) {
            throw new IllegalArgumentException("used length " + written + " of chain " + chain.head() + " with "
                    + taken.writableLength() + " writable bytes");
        }
        undoable = null;
        int head = taken.head();
        try {
            memory.chainComplete(taken.resolvedRanges(), taken.resolvedCount());
        } catch (GuestMemoryException e) {
            throw new VirtqueueException("chain " + head + " could not be completed: " + e.getMessage());
        } finally {
            putBack(taken);
        }
        long element = SplitRing.USED_RING + (long) (nextUsed & (size - 1)) * SplitRing.USED_ELEM_SIZE;
        used.set(U32, element + SplitRing.USED_ELEM_ID, head);
        used.set(U32, element + SplitRing.USED_ELEM_LEN, (int) written);
        nextUsed = (nextUsed + 1) & 0xFFFF;
        if (inflight != null) {
            inflight.returning(head);
        }
        VarHandle.releaseFence(); // written buffers and the element before the index
        used.set(U16, SplitRing.USED_IDX, (short) nextUsed);
        if (inflight != null) {
            inflight.returned(nextUsed);
        }
    }

    @Override
    public boolean needsInterrupt() throws VirtqueueException {
        int old = signalledUsed;
        int now = nextUsed;
        if (old == now) {
            return false;
        }
        signalledUsed = now;
        VarHandle.fullFence(); // the used idx before reading the driver's suppression state
        if (notifyOnEmpty && (avail.get(U16, SplitRing.AVAIL_IDX) & 0xFFFF) == nextAvail) {
            return true;
        }
        if (eventIdx) {
            int usedEvent = avail.get(U16, SplitRing.usedEventOffset(size)) & 0xFFFF;
            return SplitRing.needEvent(usedEvent, now, old);
        }
        return (avail.get(U16, SplitRing.AVAIL_FLAGS) & SplitRing.AVAIL_F_NO_INTERRUPT) == 0;
    }

    @Override
    public void disableNotifications() {
        notificationsEnabled = false;
        if (!eventIdx) {
            // With EVENT_IDX the avail_event left behind already keeps the driver quiet.
            used.set(U16, SplitRing.USED_FLAGS, (short) SplitRing.USED_F_NO_NOTIFY);
        }
    }

    @Override
    public boolean enableNotifications() throws VirtqueueException {
        notificationsEnabled = true;
        if (eventIdx) {
            used.set(U16, SplitRing.availEventOffset(size), (short) nextAvail);
        } else {
            used.set(U16, SplitRing.USED_FLAGS, (short) 0);
        }
        VarHandle.fullFence(); // our request before re-reading the avail idx
        return refreshAvail();
    }
}
