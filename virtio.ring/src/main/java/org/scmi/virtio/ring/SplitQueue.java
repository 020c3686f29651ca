package org.scmi.virtio.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.memory.GuestMemory;
import org.scmi.virtio.memory.GuestMemoryException;

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
 * <p>Rings are resolved through {@link GuestMemory#segment} on every call rather than kept, so a
 * ring that stops being guest memory is an error, not a stale access. Each descriptor buffer is
 * checked against the guest's regions when its chain is taken.
 *
 * <p>With an {@link InflightLog} in its setup, the queue records every chain it takes and returns,
 * and opens by serving the chains a previous device took and never returned, oldest first, before
 * anything from the available ring; it then resumes the available ring at the used idx plus those
 * chains, whatever index the setup gives (the front-end of a crashed back-end can only guess it).
 */
public final class SplitQueue implements Virtqueue {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GuestMemory memory;
    private final int size;
    private final long descriptorTable;
    private final long availRing;
    private final long usedRing;
    private final boolean indirect;
    private final boolean eventIdx;
    private final boolean notifyOnEmpty;
    private final InflightLog inflight;
    /** Chains a previous device left in flight, served before the available ring. */
    private final int[] resubmit;
    private int resubmitted;

    /** Next avail ring entry to take. */
    private int nextAvail;
    /** The driver's avail idx as last read: entries before it are known to be available. */
    private int availShadow;
    /** Next used ring entry to fill (also the used idx published). */
    private int nextUsed;
    /** The used idx when the driver was last considered for an interrupt. */
    private int signalledUsed;
    private boolean notificationsEnabled = true;
    /** Whether the last call was a successful {@link #next}, which {@link #undoNext} may undo. */
    private boolean undoable;
    /** Whether that chain came from {@link #resubmit} rather than from the available ring. */
    private boolean lastResubmitted;
    /** That chain's head. */
    private int lastHead;

    /**
     * Opens the queue the driver set up.
     *
     * @param setup the queue's guest addresses, size and starting index
     * @param features the negotiated feature bits (ring features decide indirect and event idx)
     * @throws VirtqueueException if the size is not a power of two or a ring part is misaligned or
     *     not entirely in the guest's memory
     */
    public SplitQueue(QueueSetup setup, long features) throws VirtqueueException {
        this.memory = setup.memory();
        this.size = setup.size();
        this.descriptorTable = setup.descriptorTable();
        this.availRing = setup.driverArea();
        this.usedRing = setup.deviceArea();
        this.indirect = VirtioFeatures.has(features, VirtioFeatures.RING_INDIRECT_DESC);
        this.eventIdx = VirtioFeatures.has(features, VirtioFeatures.RING_EVENT_IDX);
        this.notifyOnEmpty = VirtioFeatures.has(features, VirtioFeatures.NOTIFY_ON_EMPTY);
        if (!SplitRing.isValidQueueSize(size)) {
            throw new VirtqueueException("queue size " + size + " is not a power of two up to "
                    + SplitRing.MAX_QUEUE_SIZE);
        }
        checkAligned("descriptor table", descriptorTable, SplitRing.DESCRIPTOR_TABLE_ALIGN);
        checkAligned("available ring", availRing, SplitRing.AVAIL_ALIGN);
        checkAligned("used ring", usedRing, SplitRing.USED_ALIGN);
        descriptors();
        avail();
        used();
        this.inflight = setup.inflight();
        if (inflight == null) {
            this.resubmit = new int[0];
            this.nextAvail = setup.nextAvailIndex() & 0xFFFF;
            this.nextUsed = nextAvail;
        } else {
            this.nextUsed = used().get(U16, SplitRing.USED_IDX) & 0xFFFF;
            this.resubmit = inflight.recover(nextUsed);
            if (resubmit.length > size) {
                throw new VirtqueueException("the inflight log holds " + resubmit.length + " chains for a queue of "
                        + size);
            }
            this.nextAvail = (nextUsed + resubmit.length) & 0xFFFF;
        }
        this.availShadow = nextAvail;
        this.signalledUsed = nextUsed;
    }

    /** Chains a previous device left in flight that this queue serves first (0 without a log). */
    public int resubmitted() {
        return resubmit.length;
    }

    private static void checkAligned(String part, long address, int alignment) throws VirtqueueException {
        if ((address & (alignment - 1)) != 0) {
            throw new VirtqueueException(String.format("%s at 0x%x is not %d-byte aligned", part, address, alignment));
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
    public boolean next(DescriptorChain chain) throws VirtqueueException {
        undoable = false;
        if (resubmitted < resubmit.length) {
            walk(resubmit[resubmitted++], chain);
            undoable = true;
            lastResubmitted = true;
            return true;
        }
        MemorySegment avail = avail();
        if (nextAvail == availShadow && !refreshAvail(avail)) {
            return false;
        }
        int head = avail.get(U16, SplitRing.AVAIL_RING + (long) (nextAvail & (size - 1)) * SplitRing.AVAIL_ENTRY_SIZE)
                & 0xFFFF;
        nextAvail = (nextAvail + 1) & 0xFFFF;
        if (eventIdx && notificationsEnabled) {
            // Keep avail_event at the entry we wait for, or the driver stops kicking.
            used().set(U16, SplitRing.availEventOffset(size), (short) nextAvail);
        }
        walk(head, chain);
        if (inflight != null) {
            inflight.taken(head);
        }
        undoable = true;
        lastResubmitted = false;
        lastHead = head;
        return true;
    }

    /** Reads the driver's avail idx; true if it made entries available. */
    private boolean refreshAvail(MemorySegment avail) throws VirtqueueException {
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

    /** Follows the chain from {@code head}, validating every descriptor. */
    private void walk(int head, DescriptorChain chain) throws VirtqueueException {
        chain.reset(memory, head);
        if (head >= size) {
            throw new VirtqueueException("head descriptor " + head + " is outside the queue of " + size);
        }
        MemorySegment table = descriptors();
        int index = head;
        for (int seen = 1; ; seen++) {
            long at = (long) index * SplitRing.DESCRIPTOR_SIZE;
            long address = table.get(U64, at + SplitRing.DESC_ADDR);
            long length = Integer.toUnsignedLong(table.get(U32, at + SplitRing.DESC_LEN));
            int flags = table.get(U16, at + SplitRing.DESC_FLAGS) & 0xFFFF;
            int next = table.get(U16, at + SplitRing.DESC_NEXT) & 0xFFFF;
            if ((flags & SplitRing.DESC_F_INDIRECT) != 0) {
                if ((flags & SplitRing.DESC_F_NEXT) != 0) {
                    throw new VirtqueueException("descriptor " + index + " has both INDIRECT and NEXT");
                }
                walkIndirect(index, address, length, chain);
                return;
            }
            addBuffer(chain, "descriptor ", index, address, length, flags);
            if ((flags & SplitRing.DESC_F_NEXT) == 0) {
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

    private void walkIndirect(int index, long address, long length, DescriptorChain chain) throws VirtqueueException {
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
        MemorySegment table;
        try {
            table = memory.segment(address, length, false);
        } catch (GuestMemoryException e) {
            throw new VirtqueueException("indirect table of descriptor " + index + ": " + e.getMessage());
        }
        int entry = 0;
        for (int seen = 1; ; seen++) {
            long at = (long) entry * SplitRing.DESCRIPTOR_SIZE;
            long bufferAddress = table.get(U64, at + SplitRing.DESC_ADDR);
            long bufferLength = Integer.toUnsignedLong(table.get(U32, at + SplitRing.DESC_LEN));
            int flags = table.get(U16, at + SplitRing.DESC_FLAGS) & 0xFFFF;
            int next = table.get(U16, at + SplitRing.DESC_NEXT) & 0xFFFF;
            if ((flags & SplitRing.DESC_F_INDIRECT) != 0) {
                throw new VirtqueueException("indirect table of descriptor " + index + " holds an indirect descriptor");
            }
            addBuffer(chain, "indirect descriptor ", entry, bufferAddress, bufferLength, flags);
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

    /** Checks a buffer lies in the guest's memory (and is writable if the device may write it). */
    private void addBuffer(DescriptorChain chain, String kind, int index, long address, long length, int flags)
            throws VirtqueueException {
        boolean writable = (flags & SplitRing.DESC_F_WRITE) != 0;
        try {
            memory.segment(address, length, writable);
        } catch (GuestMemoryException e) {
            throw new VirtqueueException("buffer of " + kind + index + ": " + e.getMessage());
        }
        chain.add(address, length, writable);
    }

    @Override
    public void undoNext() {
        if (!undoable) {
            throw new IllegalStateException("no chain taken to put back");
        }
        undoable = false;
        if (lastResubmitted) {
            resubmitted--;
            return;
        }
        nextAvail = (nextAvail - 1) & 0xFFFF;
        if (inflight != null) {
            inflight.putBack(lastHead);
        }
    }

    @Override
    public void addUsed(int head, long length) throws VirtqueueException {
        if (head < 0 || head >= size || length < 0 || length > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("used entry " + head + "/" + length + " for a queue of " + size);
        }
        undoable = false;
        MemorySegment used = used();
        long element = SplitRing.USED_RING + (long) (nextUsed & (size - 1)) * SplitRing.USED_ELEM_SIZE;
        used.set(U32, element + SplitRing.USED_ELEM_ID, head);
        used.set(U32, element + SplitRing.USED_ELEM_LEN, (int) length);
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
        MemorySegment avail = avail();
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
    public void disableNotifications() throws VirtqueueException {
        notificationsEnabled = false;
        if (!eventIdx) {
            // With EVENT_IDX the avail_event left behind already keeps the driver quiet.
            used().set(U16, SplitRing.USED_FLAGS, (short) SplitRing.USED_F_NO_NOTIFY);
        }
    }

    @Override
    public boolean enableNotifications() throws VirtqueueException {
        notificationsEnabled = true;
        MemorySegment used = used();
        if (eventIdx) {
            used.set(U16, SplitRing.availEventOffset(size), (short) nextAvail);
        } else {
            used.set(U16, SplitRing.USED_FLAGS, (short) 0);
        }
        VarHandle.fullFence(); // our request before re-reading the avail idx
        return refreshAvail(avail());
    }

    private MemorySegment descriptors() throws VirtqueueException {
        return segment("descriptor table", descriptorTable, SplitRing.descriptorTableSize(size), false);
    }

    private MemorySegment avail() throws VirtqueueException {
        return segment("available ring", availRing, SplitRing.availRingSize(size), false);
    }

    private MemorySegment used() throws VirtqueueException {
        return segment("used ring", usedRing, SplitRing.usedRingSize(size), true);
    }

    private MemorySegment segment(String what, long address, long length, boolean writable) throws VirtqueueException {
        try {
            return memory.segment(address, length, writable);
        } catch (GuestMemoryException e) {
            throw new VirtqueueException(what + ": " + e.getMessage());
        }
    }
}
