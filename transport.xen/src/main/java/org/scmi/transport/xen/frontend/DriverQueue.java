package org.scmi.transport.xen.frontend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.virtio.ring.SplitRing;

/**
 * The driver side of one split virtqueue in a simulated guest, the way Linux's virtio_ring lays it
 * out: descriptor table, available ring and used ring in one page-aligned block that is DMA-mapped
 * once (writable, like a coherent allocation), and per chain a request buffer and a response
 * buffer that are DMA-mapped when the chain is added (the request read-only) and unmapped when the
 * device returns it. Addresses given to the device are DMA addresses: grant-encoded or physical,
 * as the {@link DmaMapper} decides. No EVENT_IDX, no indirect descriptors.
 *
 * <p>Not thread-safe: one guest thread drives a queue.
 */
public final class DriverQueue {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GuestRam ram;
    private final DmaMapper dma;
    private final int size;
    private final int slotBytes;
    private final long ringBlock;
    private final long ringBytes;
    private final long ringDma;
    private final long availOffset;
    private final long usedOffset;
    private final long slots;
    private final MemorySegment descriptors;
    private final MemorySegment avail;
    private final MemorySegment used;
    private final Deque<Integer> free = new ArrayDeque<>();
    private final InFlight[] inFlight;
    private int nextAvail;
    private int lastUsed;

    /** A chain the device holds: its descriptors and its buffers' DMA addresses. */
    private record InFlight(int[] descriptors, long[] dmaAddresses, long[] lengths, long responseAddress,
            int responseLength) {
    }

    /** What the device returned: the head, the bytes it reported written, and those bytes. */
    public record Used(int head, int length, byte[] written) {
    }

    /** The device still held a returned buffer's grant: Linux marks the device broken. */
    public static final class GrantStillMapped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GrantStillMapped(String message) {
            super(message);
        }
    }

    /**
     * @param size queue size, a power of two no larger than the device's QueueNumMax
     * @param slotBytes bytes of request plus response space per chain
     */
    public DriverQueue(GuestRam ram, DmaMapper dma, int size, int slotBytes) {
        if (!SplitRing.isValidQueueSize(size)) {
            throw new IllegalArgumentException("queue size " + size);
        }
        this.ram = ram;
        this.dma = dma;
        this.size = size;
        this.slotBytes = (slotBytes + 15) & -16;
        this.availOffset = SplitRing.descriptorTableSize(size);
        this.usedOffset = (availOffset + SplitRing.availRingSize(size) + XenAbi.XEN_PAGE_SIZE - 1)
                & -XenAbi.XEN_PAGE_SIZE;
        this.ringBytes = usedOffset + SplitRing.usedRingSize(size);
        this.ringBlock = ram.allocate(ringBytes, XenAbi.XEN_PAGE_SIZE);
        this.ringDma = dma.map(ringBlock, ringBytes, true);
        this.slots = ram.allocate((long) this.slotBytes * size, 16);
        this.descriptors = ram.at(ringBlock, SplitRing.descriptorTableSize(size));
        this.avail = ram.at(ringBlock + availOffset, SplitRing.availRingSize(size));
        this.used = ram.at(ringBlock + usedOffset, SplitRing.usedRingSize(size));
        this.inFlight = new InFlight[size];
        for (int i = 0; i < size; i++) {
            free.add(i);
        }
    }

    public int size() {
        return size;
    }

    /** DMA address for QueueDesc. */
    public long descriptorTable() {
        return ringDma;
    }

    /** DMA address for QueueDriver. */
    public long driverArea() {
        return ringDma + availOffset;
    }

    /** DMA address for QueueDevice. */
    public long deviceArea() {
        return ringDma + usedOffset;
    }

    /** Adds a chain: {@code request} for the device to read, then {@code responseLength} bytes for it to write. */
    public int add(byte[] request, int responseLength) {
        if (request.length + responseLength > slotBytes) {
            throw new IllegalArgumentException("chain of " + (request.length + responseLength) + " bytes exceeds "
                    + slotBytes);
        }
        int parts = (request.length > 0 ? 1 : 0) + (responseLength > 0 ? 1 : 0);
        if (parts == 0 || free.size() < parts) {
            throw new IllegalStateException("no free descriptors");
        }
        int head = free.peek();
        long slot = slots + (long) head * slotBytes;
        int[] taken = new int[parts];
        long[] addresses = new long[parts];
        long[] lengths = new long[parts];
        int part = 0;
        if (request.length > 0) {
            MemorySegment.copy(request, 0, ram.at(slot, request.length), ValueLayout.JAVA_BYTE, 0, request.length);
            taken[part] = free.poll();
            addresses[part] = dma.map(slot, request.length, false);
            lengths[part] = request.length;
            part++;
        }
        long response = slot + ((request.length + 7) & -8);
        if (responseLength > 0) {
            ram.at(response, responseLength).fill((byte) 0);
            taken[part] = free.poll();
            addresses[part] = dma.map(response, responseLength, true);
            lengths[part] = responseLength;
        }
        for (int i = 0; i < parts; i++) {
            boolean writable = responseLength > 0 && i == parts - 1;
            int flags = (writable ? SplitRing.DESC_F_WRITE : 0) | (i + 1 < parts ? SplitRing.DESC_F_NEXT : 0);
            long at = (long) taken[i] * SplitRing.DESCRIPTOR_SIZE;
            descriptors.set(U64, at + SplitRing.DESC_ADDR, addresses[i]);
            descriptors.set(U32, at + SplitRing.DESC_LEN, (int) lengths[i]);
            descriptors.set(U16, at + SplitRing.DESC_FLAGS, (short) flags);
            descriptors.set(U16, at + SplitRing.DESC_NEXT, (short) (i + 1 < parts ? taken[i + 1] : 0));
        }
        head = taken[0];
        inFlight[head] = new InFlight(taken, addresses, lengths, response, responseLength);
        avail.set(U16, SplitRing.AVAIL_RING + (long) (nextAvail & (size - 1)) * SplitRing.AVAIL_ENTRY_SIZE,
                (short) head);
        nextAvail = (nextAvail + 1) & 0xFFFF;
        return head;
    }

    /**
     * Makes the added chains visible.
     *
     * @return whether the device wants a notification (it did not set VRING_USED_F_NO_NOTIFY)
     */
    public boolean publish() {
        VarHandle.releaseFence();
        avail.set(U16, SplitRing.AVAIL_IDX, (short) nextAvail);
        VarHandle.fullFence();
        return (used.get(U16, SplitRing.USED_FLAGS) & SplitRing.USED_F_NO_NOTIFY) == 0;
    }

    public boolean hasUsed() {
        return (used.get(U16, SplitRing.USED_IDX) & 0xFFFF) != lastUsed;
    }

    /**
     * Takes the next returned chain and ends the device's access to its buffers.
     *
     * @return null if none
     * @throws GrantStillMapped if the device still maps a returned buffer
     */
    public Used poll() {
        if (!hasUsed()) {
            return null;
        }
        VarHandle.acquireFence();
        long element = SplitRing.USED_RING + (long) (lastUsed & (size - 1)) * SplitRing.USED_ELEM_SIZE;
        int head = used.get(U32, element + SplitRing.USED_ELEM_ID);
        int length = used.get(U32, element + SplitRing.USED_ELEM_LEN);
        lastUsed = (lastUsed + 1) & 0xFFFF;
        if (head < 0 || head >= size || inFlight[head] == null) {
            throw new IllegalStateException("device returned unknown chain " + head);
        }
        InFlight chain = inFlight[head];
        inFlight[head] = null;
        boolean released = true;
        for (int i = 0; i < chain.descriptors().length; i++) {
            released &= dma.unmap(chain.dmaAddresses()[i], chain.lengths()[i]);
            free.add(chain.descriptors()[i]);
        }
        if (!released) {
            throw new GrantStillMapped("grant still in use by the backend after chain " + head + " was returned");
        }
        int written = (int) Math.min(Integer.toUnsignedLong(length), chain.responseLength());
        byte[] bytes = new byte[written];
        MemorySegment.copy(ram.at(chain.responseAddress(), written), ValueLayout.JAVA_BYTE, 0, bytes, 0, written);
        return new Used(head, length, bytes);
    }

    /**
     * After a device reset: ends access to the rings and to every buffer still posted.
     *
     * @return false if the device still mapped any of them
     */
    public boolean release() {
        boolean released = true;
        for (int head = 0; head < size; head++) {
            InFlight chain = inFlight[head];
            if (chain != null) {
                for (int i = 0; i < chain.descriptors().length; i++) {
                    released &= dma.unmap(chain.dmaAddresses()[i], chain.lengths()[i]);
                }
                inFlight[head] = null;
            }
        }
        return dma.unmap(ringDma, ringBytes) && released;
    }
}
