package org.scmi.virtio.ring.driver;

import static org.scmi.virtio.ring.driver.DriverMemory.U16;
import static org.scmi.virtio.ring.driver.DriverMemory.U32;
import static org.scmi.virtio.ring.driver.DriverMemory.U64;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.memory.GuestMemory;
import org.scmi.virtio.ring.SplitRing;

/**
 * The driver side of a split virtqueue, as a guest's virtio driver runs it: for tests and test
 * frontends that drive a device through real rings in (shared) guest memory.
 *
 * <p>The queue lays out its descriptor table, available ring (with used_event) and used ring (with
 * avail_event) in a {@link DriverMemory}, plus one buffer slot of {@code bytesPerChain} bytes and
 * one indirect table of {@link #MAX_INDIRECT} entries per head descriptor, so that buffers are
 * reused and a long-running frontend never runs out of memory. A typical round:
 *
 * <pre>{@code
 * int head = queue.add(List.of(request), 136);   // readable request, 136 writable bytes
 * if (queue.publish()) kick();                    // the device wants a notification
 * ... wait for the device's interrupt ...
 * UsedBuffer used = queue.poll();                 // id == head, length and written bytes
 * }</pre>
 *
 * <p>Memory ordering follows the virtio driver rules: buffers and ring entries are written before
 * a release fence that precedes the avail idx store; a full fence separates that store from
 * reading the device's notification suppression; an acquire fence follows reading the used idx.
 *
 * <p>Buffers and indirect tables are given to the device through a {@link DmaMapping} (guest-physical
 * addresses unless another is given): mapped when their chain is added, unmapped when the device
 * returns it. The rings' own addresses are guest-physical; a driver whose device needs them mapped
 * maps them itself.
 *
 * <p>Besides well-formed chains, the raw methods ({@link #writeDescriptor}, {@link #offer},
 * {@link #setAvailIndex}) let tests build malformed rings; descriptors used that way are not
 * tracked and must not be the ones {@link #add} hands out at the same time.
 *
 * <p>Not thread-safe: one thread drives a queue, as one CPU drives a virtqueue in a guest.
 */
public final class DriverSplitQueue {
    /** Entries in each chain's indirect table. */
    public static final int MAX_INDIRECT = 16;
    private static final int BUFFER_ALIGN = 8;

    private final DriverMemory memory;
    private final DmaMapping dma;
    private final int size;
    private final boolean eventIdx;
    private final int bytesPerChain;
    private final long descriptorTable;
    private final long availRing;
    private final long usedRing;
    private final long buffers;
    private final long indirectTables;
    private final MemorySegment descriptors;
    private final MemorySegment avail;
    private final MemorySegment used;

    /** Free descriptors, linked through {@code nextFree}; -1 ends the list. */
    private final int[] nextFree;
    private int firstFree;
    private int freeCount;
    /** Per head in flight: the descriptors it took from the table and where its writable bytes are. */
    private final Chain[] inFlight;

    private int startIndex;
    private int nextAvail;
    private int publishedAvail;
    private int lastUsed;
    private boolean interruptsWanted = true;

    /**
     * A chain in flight: the descriptors it took from the table, where its writable bytes are, and
     * what was DMA-mapped for it (its buffers, and its indirect table).
     */
    private record Chain(int[] tableDescriptors, long[] writableAddresses, int[] writableLengths, long[] dmaAddresses,
            long[] dmaLengths) {
    }

    /**
     * Lays out a queue in {@code memory}.
     *
     * @param memory guest memory to allocate the rings and buffer slots from
     * @param size queue size, a power of two
     * @param eventIdx whether VIRTIO_RING_F_EVENT_IDX is negotiated (used_event/avail_event in use)
     * @param bytesPerChain buffer space for one chain (its readable and writable buffers together)
     */
    public DriverSplitQueue(DriverMemory memory, int size, boolean eventIdx, int bytesPerChain) {
        this(memory, size, eventIdx, bytesPerChain, DmaMapping.PHYSICAL);
    }

    /**
     * Lays out a queue in {@code memory} whose buffers the device reaches through {@code dma}.
     *
     * @param dma how buffers and indirect tables are given to the device
     */
    public DriverSplitQueue(DriverMemory memory, int size, boolean eventIdx, int bytesPerChain, DmaMapping dma) {
        if (!SplitRing.isValidQueueSize(size)) {
            throw new IllegalArgumentException("queue size " + size + " is not a power of two up to 32768");
        }
        this.memory = memory;
        this.dma = dma;
        this.size = size;
        this.eventIdx = eventIdx;
        this.bytesPerChain = (bytesPerChain + BUFFER_ALIGN - 1) & -BUFFER_ALIGN;
        this.descriptorTable = memory.allocate(SplitRing.descriptorTableSize(size), SplitRing.DESCRIPTOR_TABLE_ALIGN);
        this.availRing = memory.allocate(SplitRing.availRingSize(size), SplitRing.AVAIL_ALIGN);
        this.usedRing = memory.allocate(SplitRing.usedRingSize(size), SplitRing.USED_ALIGN);
        this.buffers = memory.allocate((long) this.bytesPerChain * size, BUFFER_ALIGN);
        this.indirectTables = memory.allocate((long) MAX_INDIRECT * SplitRing.DESCRIPTOR_SIZE * size,
                SplitRing.DESCRIPTOR_TABLE_ALIGN);
        this.descriptors = memory.at(descriptorTable, SplitRing.descriptorTableSize(size));
        this.avail = memory.at(availRing, SplitRing.availRingSize(size));
        this.used = memory.at(usedRing, SplitRing.usedRingSize(size));
        descriptors.fill((byte) 0);
        avail.fill((byte) 0);
        used.fill((byte) 0);
        this.nextFree = new int[size];
        for (int i = 0; i < size; i++) {
            nextFree[i] = i + 1 < size ? i + 1 : -1;
        }
        this.firstFree = 0;
        this.freeCount = size;
        this.inFlight = new Chain[size];
    }

    public int size() {
        return size;
    }

    public long descriptorTableAddress() {
        return descriptorTable;
    }

    public long availRingAddress() {
        return availRing;
    }

    public long usedRingAddress() {
        return usedRing;
    }

    /**
     * The queue as a device is given it, over {@code deviceMemory}: the device starts taking
     * entries where the ring started (0, or the index given to {@link #startAt}).
     */
    public QueueSetup setup(GuestMemory deviceMemory) {
        return new QueueSetup(deviceMemory, size, descriptorTable, availRing, usedRing, startIndex);
    }

    /** The queue over {@link DriverMemory#guestMemory()} (device in the same process). */
    public QueueSetup setup() {
        return setup(memory.guestMemory());
    }

    /**
     * Starts the ring at index {@code index} instead of 0, as if that many chains had already gone
     * round (for tests of the 16-bit index wrap). Only before anything was added; the device must
     * then be given {@link #setup} (its nextAvailIndex is this index).
     */
    public void startAt(int index) {
        if (freeCount != size || nextAvail != publishedAvail) {
            throw new IllegalStateException("the queue is in use");
        }
        int start = index & 0xFFFF;
        startIndex = start;
        nextAvail = publishedAvail = lastUsed = start;
        avail.set(U16, SplitRing.AVAIL_IDX, (short) start);
        used.set(U16, SplitRing.USED_IDX, (short) start);
        if (eventIdx) {
            avail.set(U16, SplitRing.usedEventOffset(size), (short) start);
        }
    }

    /**
     * Adds a chain of direct descriptors: the {@code readable} buffers, then one writable buffer
     * per entry of {@code writableLengths}. It becomes visible to the device at {@link #publish()}.
     *
     * @return the head descriptor index (the id the device will return)
     * @throws IllegalStateException if there are not enough free descriptors or buffer space
     */
    public int add(List<byte[]> readable, int... writableLengths) {
        int count = readable.size() + writableLengths.length;
        if (count == 0 || count > freeCount) {
            throw new IllegalStateException(count + " descriptors wanted, " + freeCount + " free");
        }
        int[] taken = new int[count];
        for (int i = 0; i < count; i++) {
            taken[i] = firstFree;
            firstFree = nextFree[firstFree];
        }
        freeCount -= count;
        int head = taken[0];
        Chain chain = fill(head, readable, writableLengths, taken, descriptors);
        inFlight[head] = chain;
        offer(head);
        return head;
    }

    /**
     * Adds a chain as one descriptor pointing to an indirect table holding the {@code readable}
     * buffers and then the writable ones. Needs VIRTIO_RING_F_INDIRECT_DESC.
     *
     * @return the head descriptor index
     */
    public int addIndirect(List<byte[]> readable, int... writableLengths) {
        int count = readable.size() + writableLengths.length;
        if (count == 0 || count > MAX_INDIRECT || freeCount == 0) {
            throw new IllegalStateException(count + " indirect descriptors wanted (at most " + MAX_INDIRECT + "), "
                    + freeCount + " free in the table");
        }
        int head = firstFree;
        firstFree = nextFree[head];
        freeCount--;
        long table = indirectTableAddress(head);
        int tableLength = count * SplitRing.DESCRIPTOR_SIZE;
        int[] entries = new int[count];
        for (int i = 0; i < count; i++) {
            entries[i] = i;
        }
        Chain filled = fill(head, readable, writableLengths, entries, memory.at(table, tableLength));
        long[] dmaAddresses = Arrays.copyOf(filled.dmaAddresses(), count + 1);
        long[] dmaLengths = Arrays.copyOf(filled.dmaLengths(), count + 1);
        dmaAddresses[count] = dma.map(table, tableLength, false);
        dmaLengths[count] = tableLength;
        inFlight[head] = new Chain(new int[] {head}, filled.writableAddresses(), filled.writableLengths(), dmaAddresses,
                dmaLengths);
        writeDescriptor(descriptorTable, head, dmaAddresses[count], tableLength, SplitRing.DESC_F_INDIRECT, 0);
        offer(head);
        return head;
    }

    /** Writes the buffers of a chain into the head's slot and links {@code slots} of {@code table}. */
    private Chain fill(int head, List<byte[]> readable, int[] writableLengths, int[] slots, MemorySegment table) {
        long next = buffers + (long) head * bytesPerChain;
        long end = next + bytesPerChain;
        long[] writableAddresses = new long[writableLengths.length];
        int count = slots.length;
        long[] dmaAddresses = new long[count];
        long[] dmaLengths = new long[count];
        for (int i = 0; i < count; i++) {
            boolean writable = i >= readable.size();
            int length = writable ? writableLengths[i - readable.size()] : readable.get(i).length;
            if (length < 0 || next + length > end) {
                throw new IllegalStateException("chain does not fit its " + bytesPerChain + "-byte buffer slot");
            }
            if (writable) {
                writableAddresses[i - readable.size()] = next;
                memory.at(next, length).fill((byte) 0);
            } else {
                memory.write(next, readable.get(i));
            }
            int flags = (writable ? SplitRing.DESC_F_WRITE : 0) | (i + 1 < count ? SplitRing.DESC_F_NEXT : 0);
            dmaAddresses[i] = dma.map(next, length, writable);
            dmaLengths[i] = length;
            putDescriptor(table, slots[i], dmaAddresses[i], length, flags, i + 1 < count ? slots[i + 1] : 0);
            next = (next + length + BUFFER_ALIGN - 1) & -BUFFER_ALIGN;
        }
        return new Chain(slots, writableAddresses, writableLengths.clone(), dmaAddresses, dmaLengths);
    }

    /** The indirect table {@link #addIndirect} uses for a head (MAX_INDIRECT entries). */
    public long indirectTableAddress(int head) {
        return indirectTables + (long) head * MAX_INDIRECT * SplitRing.DESCRIPTOR_SIZE;
    }

    /** The buffer slot of a head ({@code bytesPerChain} bytes), for raw chains. */
    public long bufferSlotAddress(int head) {
        return buffers + (long) head * bytesPerChain;
    }

    /**
     * Raw: writes descriptor {@code index} of the table at guest address {@code table} (the queue's
     * own {@link #descriptorTableAddress()} or an indirect table) exactly as given.
     */
    public void writeDescriptor(long table, int index, long address, int length, int flags, int next) {
        putDescriptor(memory.at(table + (long) index * SplitRing.DESCRIPTOR_SIZE, SplitRing.DESCRIPTOR_SIZE), 0,
                address, length, flags, next);
    }

    private static void putDescriptor(MemorySegment table, int index, long address, int length, int flags,
            int next) {
        long at = (long) index * SplitRing.DESCRIPTOR_SIZE;
        table.set(U64, at + SplitRing.DESC_ADDR, address);
        table.set(U32, at + SplitRing.DESC_LEN, length);
        table.set(U16, at + SplitRing.DESC_FLAGS, (short) flags);
        table.set(U16, at + SplitRing.DESC_NEXT, (short) next);
    }

    /** Raw: puts {@code head} in the next available ring entry; visible at {@link #publish()}. */
    public void offer(int head) {
        long entry = SplitRing.AVAIL_RING + (long) (nextAvail & (size - 1)) * SplitRing.AVAIL_ENTRY_SIZE;
        avail.set(U16, entry, (short) head);
        nextAvail = (nextAvail + 1) & 0xFFFF;
    }

    /** Raw: stores {@code index} as the avail idx now (e.g. a jump the device must reject). */
    public void setAvailIndex(int index) {
        nextAvail = publishedAvail = index & 0xFFFF;
        VarHandle.releaseFence();
        avail.set(U16, SplitRing.AVAIL_IDX, (short) nextAvail);
        VarHandle.fullFence();
    }

    /**
     * Makes the chains added since the last call visible to the device.
     *
     * @return whether the device asked to be notified (kicked) for them: with EVENT_IDX when the
     *     new avail idx passed its avail_event, otherwise unless it set VRING_USED_F_NO_NOTIFY
     */
    public boolean publish() {
        int old = publishedAvail;
        int now = nextAvail;
        if (old == now) {
            return false;
        }
        VarHandle.releaseFence(); // descriptors and ring entries before the index
        avail.set(U16, SplitRing.AVAIL_IDX, (short) now);
        publishedAvail = now;
        VarHandle.fullFence(); // the index before reading the device's suppression state
        if (eventIdx) {
            return SplitRing.needEvent(availEvent(), now, old);
        }
        return (used.get(U16, SplitRing.USED_FLAGS) & SplitRing.USED_F_NO_NOTIFY) == 0;
    }

    /** Whether the device returned a chain not polled yet. */
    public boolean hasUsed() {
        return (used.get(U16, SplitRing.USED_IDX) & 0xFFFF) != lastUsed;
    }

    /**
     * Takes the next chain the device returned, freeing its descriptors and ending the device's
     * access to its buffers.
     *
     * @return the used entry, or null if there is none
     * @throws IllegalStateException if the device returned an id outside the queue, or still
     *     holds a buffer of the chain it returned
     */
    public UsedBuffer poll() {
        int usedIndex = used.get(U16, SplitRing.USED_IDX) & 0xFFFF;
        if (usedIndex == lastUsed) {
            return null;
        }
        VarHandle.acquireFence(); // the index before the entry and the written bytes
        long element = SplitRing.USED_RING + (long) (lastUsed & (size - 1)) * SplitRing.USED_ELEM_SIZE;
        int id = used.get(U32, element + SplitRing.USED_ELEM_ID);
        int length = used.get(U32, element + SplitRing.USED_ELEM_LEN);
        lastUsed = (lastUsed + 1) & 0xFFFF;
        if (eventIdx && interruptsWanted) {
            avail.set(U16, SplitRing.usedEventOffset(size), (short) lastUsed);
            VarHandle.fullFence();
        }
        if (id < 0 || id >= size) {
            throw new IllegalStateException("device returned id " + Integer.toUnsignedString(id) + " in a queue of "
                    + size);
        }
        Chain chain = inFlight[id];
        if (chain == null) {
            return new UsedBuffer(id, length, new byte[0]);
        }
        inFlight[id] = null;
        for (int descriptor : chain.tableDescriptors()) {
            nextFree[descriptor] = firstFree;
            firstFree = descriptor;
            freeCount++;
        }
        if (!unmap(chain)) {
            throw new IllegalStateException("the device still holds a buffer of chain " + id + ", which it returned");
        }
        return new UsedBuffer(id, length, written(chain, length));
    }

    private boolean unmap(Chain chain) {
        boolean released = true;
        for (int i = 0; i < chain.dmaAddresses().length; i++) {
            released &= dma.unmap(chain.dmaAddresses()[i], chain.dmaLengths()[i]);
        }
        return released;
    }

    /**
     * After a device reset: ends the device's access to every buffer still posted (the chains are
     * forgotten; the queue is not used again).
     *
     * @return false if the device still held any of them
     */
    public boolean releaseBuffers() {
        boolean released = true;
        for (int head = 0; head < size; head++) {
            if (inFlight[head] != null) {
                released &= unmap(inFlight[head]);
                inFlight[head] = null;
            }
        }
        return released;
    }

    private byte[] written(Chain chain, int length) {
        long capacity = 0;
        for (int writableLength : chain.writableLengths()) {
            capacity += writableLength;
        }
        byte[] bytes = new byte[(int) Math.min(Integer.toUnsignedLong(length), capacity)];
        int copied = 0;
        for (int i = 0; i < chain.writableLengths().length && copied < bytes.length; i++) {
            int part = Math.min(chain.writableLengths()[i], bytes.length - copied);
            MemorySegment.copy(memory.at(chain.writableAddresses()[i], part), ValueLayout.JAVA_BYTE, 0, bytes, copied,
                    part);
            copied += part;
        }
        return bytes;
    }

    /**
     * Asks for interrupts again (virtqueue_enable_cb): clears VRING_AVAIL_F_NO_INTERRUPT, or with
     * EVENT_IDX sets used_event to the next used entry.
     *
     * @return whether used entries arrived meanwhile (poll them: no interrupt will announce them)
     */
    public boolean enableInterrupts() {
        interruptsWanted = true;
        if (eventIdx) {
            avail.set(U16, SplitRing.usedEventOffset(size), (short) lastUsed);
        } else {
            avail.set(U16, SplitRing.AVAIL_FLAGS, (short) 0);
        }
        VarHandle.fullFence();
        return hasUsed();
    }

    /**
     * Asks for no interrupts: sets VRING_AVAIL_F_NO_INTERRUPT, or with EVENT_IDX moves used_event
     * just behind the entries already consumed, where the device's used idx cannot cross it.
     */
    public void disableInterrupts() {
        interruptsWanted = false;
        if (eventIdx) {
            avail.set(U16, SplitRing.usedEventOffset(size), (short) (lastUsed - 1));
        } else {
            avail.set(U16, SplitRing.AVAIL_FLAGS, (short) SplitRing.AVAIL_F_NO_INTERRUPT);
        }
        VarHandle.fullFence();
    }

    /**
     * With EVENT_IDX: asks for one interrupt when the device's used idx moves past
     * {@code usedIndex} (e.g. after the last of 8 chains in flight), and none before. Polling
     * leaves the threshold where it is until {@link #enableInterrupts()}.
     */
    public void interruptAfter(int usedIndex) {
        if (!eventIdx) {
            throw new IllegalStateException("used_event needs VIRTIO_RING_F_EVENT_IDX");
        }
        interruptsWanted = false;
        avail.set(U16, SplitRing.usedEventOffset(size), (short) usedIndex);
        VarHandle.fullFence();
    }

    /** The avail idx published to the device. */
    public int availIndex() {
        return publishedAvail;
    }

    /** The used idx up to which chains were polled. */
    public int lastUsedIndex() {
        return lastUsed;
    }

    /** The device's used idx as it is in memory now. */
    public int deviceUsedIndex() {
        return used.get(U16, SplitRing.USED_IDX) & 0xFFFF;
    }

    /** The device's avail_event (meaningful with EVENT_IDX). */
    public int availEvent() {
        return used.get(U16, SplitRing.availEventOffset(size)) & 0xFFFF;
    }

    /** The device's used-ring flags (VRING_USED_F_NO_NOTIFY). */
    public int usedFlags() {
        return used.get(U16, SplitRing.USED_FLAGS) & 0xFFFF;
    }

    /** Descriptors of the table not held by a chain in flight. */
    public int freeDescriptors() {
        return freeCount;
    }
}
